package dev.sockeye.listener.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.sockeye.service.ServiceResolver;
import dev.sockeye.service.SockeyeService;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the bounds of single properties cannot check, checked without an application
 * context: properties bound by Boot's own binder, services from a plain bean factory,
 * bundles from a plain registry.
 */
class ListenerValidatorTests {

	private static final SockeyeService UPPER = (request, peer) -> new String(request).toUpperCase().getBytes();

	private final StaticListableBeanFactory beans = new StaticListableBeanFactory();

	private final List<String> relaysCreated = new ArrayList<>();

	private final ListenerValidator validator = new ListenerValidator(new ServiceResolver(this.beans),
			(name, properties) -> {
				this.relaysCreated.add(name);
				return UPPER;
			}, new DefaultSslBundleRegistry("server", SslBundle.of(null)));

	@Test
	void withNoListenersConfiguredTheEchoListenerGetsTheEchoService() {
		Map<String, SockeyeService> services = this.validator.validate(bind(Map.of()));
		assertThat(services).containsOnlyKeys("echo");
		assertThat(services.get("echo").getClass().getSimpleName()).isEqualTo("EchoService");
	}

	@Test
	void aServiceBeanIsFoundByItsName() {
		this.beans.addBean("upper", UPPER);
		Map<String, SockeyeService> services = this.validator
			.validate(bind(Map.of("sockeye.listeners.a.port", "7001", "sockeye.listeners.a.service", "upper")));
		assertThat(services).containsExactly(Map.entry("a", UPPER));
	}

	@Test
	void everyProblemIsReportedInOneFailureInListenerNameOrder() {
		Map<String, String> config = Map.of("sockeye.listeners.b.port", "7001", "sockeye.listeners.b.service", "nosuch",
				"sockeye.listeners.a.port", "7001", "sockeye.listeners.a.deny", "10.0.0.0/33");
		assertThat(problems(config)).containsExactly(
				"sockeye.listeners.a.deny: '10.0.0.0/33' has a prefix length out of range; write an address"
						+ " (192.0.2.7, 2001:db8::7) or a block (10.0.0.0/8, 2001:db8::/32)",
				"listeners 'a' and 'b' both use port 7001; give each listener its own sockeye.listeners.b.port",
				"sockeye.listeners.b.service is 'nosuch', but there is no such service; use one of echo, relay,"
						+ " reply, or define a bean of type SockeyeService, Function<byte[], byte[]> or"
						+ " Function<String, String> with that name");
	}

	@Test
	void ioThreadsOnABlockingListenerIsRejectedBecauseItRunsAThreadPerConnection() {
		assertThat(problems(Map.of("sockeye.listeners.a.port", "0", "sockeye.listeners.a.io", "blocking",
				"sockeye.listeners.a.io-threads", "4")))
			.containsExactly("sockeye.listeners.a.io-threads is set, but sockeye.listeners.a.io is blocking, which runs"
					+ " a thread per connection; remove io-threads, or use io: nio");
	}

	@Test
	void listenersWithoutIoThreadsShareTheProcessorsAndKeepAtLeastOneLoopEach() {
		SockeyeProperties one = bind(Map.of("sockeye.listeners.a.port", "0"));
		assertThat(one.ioThreadsOf("a", 16)).isEqualTo(16);
		SockeyeProperties four = bind(
				Map.of("sockeye.listeners.a.port", "0", "sockeye.listeners.b.port", "0", "sockeye.listeners.c.port",
						"0", "sockeye.listeners.d.port", "0", "sockeye.listeners.d.io", "blocking"));
		assertThat(four.ioThreadsOf("a", 16)).isEqualTo(5);
		assertThat(four.ioThreadsOf("a", 2)).isEqualTo(1);
		SockeyeProperties own = bind(Map.of("sockeye.listeners.a.port", "0", "sockeye.listeners.a.io-threads", "3",
				"sockeye.listeners.b.port", "0", "sockeye.io-threads", "8"));
		assertThat(own.ioThreadsOf("a", 16)).isEqualTo(3);
		assertThat(own.ioThreadsOf("b", 16)).isEqualTo(8);
	}

	@Test
	void theSamePortOnTwoAddressesIsNoClash() {
		assertThat(
				this.validator.validate(bind(Map.of("sockeye.listeners.a.port", "7001", "sockeye.listeners.a.address",
						"127.0.0.1", "sockeye.listeners.b.port", "7001", "sockeye.listeners.b.address", "127.0.0.2"))))
			.containsOnlyKeys("a", "b");
	}

	@Test
	void portZeroMayBeSharedBecauseEachListenerGetsItsOwnFreePort() {
		assertThat(
				this.validator.validate(bind(Map.of("sockeye.listeners.a.port", "0", "sockeye.listeners.b.port", "0"))))
			.containsOnlyKeys("a", "b");
	}

	@Test
	void aGreetingLongerThanTheLargestReplyIsRefusedBeforeAnyClientSeesIt() {
		assertThat(problems(Map.of("sockeye.listeners.a.port", "7001", "sockeye.listeners.a.max-message-size", "8B",
				"sockeye.listeners.a.greeting", "hello, world")))
			.containsExactly("sockeye.listeners.a.greeting is 12 bytes, but a reply on this listener is at most 8"
					+ " bytes; shorten it or raise sockeye.listeners.a.max-message-size (8B)");
	}

	@Test
	void settingsThatWouldBeIgnoredAreRefused() {
		assertThat(problems(Map.of("sockeye.listeners.a.port", "7001", "sockeye.listeners.a.close-after-greeting",
				"true", "sockeye.listeners.a.reply.text", "hi")))
			.containsExactly(
					"sockeye.listeners.a.close-after-greeting is true, but sockeye.listeners.a.greeting is not set;"
							+ " set the greeting to send before closing",
					"sockeye.listeners.a.reply.text is set, but sockeye.listeners.a.service is 'echo'; set service:"
							+ " reply to send it, or remove reply.text");
	}

	@Test
	void theReplyServiceNeedsItsReplyText() {
		assertThat(problems(Map.of("sockeye.listeners.a.port", "7001", "sockeye.listeners.a.service", "reply")))
			.containsExactly("sockeye.listeners.a.service is 'reply', but sockeye.listeners.a.reply.text is not set;"
					+ " set the reply every message gets, for example reply.text: \"Response\"");
	}

	@Test
	void anUnknownSslBundleIsNamedWithTheBundlesThatExist() {
		assertThat(problems(Map.of("sockeye.listeners.a.port", "7001", "sockeye.listeners.a.tls.bundle", "other")))
			.containsExactly("sockeye.listeners.a.tls.bundle is 'other', but there is no such SSL bundle; use one of"
					+ " server or define it under spring.ssl.bundle.pem.other");
	}

	@Test
	void clientAuthWithoutTlsIsRefused() {
		assertThat(problems(Map.of("sockeye.listeners.a.port", "7001", "sockeye.listeners.a.tls.client-auth", "need")))
			.containsExactly("sockeye.listeners.a.tls.client-auth is need, but sockeye.listeners.a.tls.bundle is not"
					+ " set; name the SSL bundle the listener serves");
	}

	@Test
	void aRelayIsBuiltOnlyWhenEveryUpstreamIsHostAndPort() {
		assertThat(problems(Map.of("sockeye.listeners.a.port", "7001", "sockeye.listeners.a.service", "relay",
				"sockeye.listeners.a.relay.upstreams", "localhost:7002,[::1]:0,::1:7003")))
			.containsExactly(
					"sockeye.listeners.a.relay.upstreams has '[::1]:0'; write each upstream as host:port (IPv6 as"
							+ " [::1]:7001) with a port from 1 to 65535",
					"sockeye.listeners.a.relay.upstreams has '::1:7003'; write each upstream as host:port (IPv6 as"
							+ " [::1]:7001) with a port from 1 to 65535");
		assertThat(this.relaysCreated).isEmpty();
		assertThat(
				this.validator.validate(bind(Map.of("sockeye.listeners.a.port", "7001", "sockeye.listeners.a.service",
						"relay", "sockeye.listeners.a.relay.upstreams", "localhost:7002,[::1]:7003"))))
			.containsExactly(Map.entry("a", UPPER));
		assertThat(this.relaysCreated).containsExactly("a");
	}

	@Test
	void aRelaySendsOneProxyProtocolVersionAndOnlyOnPlainTcp() {
		assertThat(problems(Map.of("sockeye.listeners.a.port", "7001", "sockeye.listeners.a.service", "relay",
				"sockeye.listeners.a.relay.upstreams", "localhost:7002", "sockeye.listeners.a.relay.send-proxy", "any",
				"sockeye.listeners.a.relay.tls-bundle", "server")))
			.containsExactly(
					"sockeye.listeners.a.relay.send-proxy is any, but a relay sends one version; use v1 or v2"
							+ " (or off)",
					"sockeye.listeners.a.relay.send-proxy is on with relay.tls-bundle, but the header goes before TLS,"
							+ " which the relay's TLS connections cannot do yet; send-proxy works on plain TCP upstreams");
	}

	@Test
	void proxyProtocolNeedsTrustedProxiesAndTrustedProxiesNeedProxyProtocol() {
		assertThat(problems(Map.of("sockeye.listeners.a.port", "7001", "sockeye.listeners.a.proxy-protocol", "v2",
				"sockeye.listeners.b.port", "7002", "sockeye.listeners.b.trusted-proxies", "10.0.0.0/8,10.0.0.0/99")))
			.containsExactly(
					"sockeye.listeners.a.proxy-protocol is v2, but sockeye.listeners.a.trusted-proxies is empty; list"
							+ " the balancers' addresses (for example [10.0.0.0/8]): anyone else could claim any client"
							+ " address",
					"sockeye.listeners.b.trusted-proxies is set, but sockeye.listeners.b.proxy-protocol is off; set"
							+ " proxy-protocol (v1, v2 or any) to read the balancer's header, or remove trusted-proxies",
					"sockeye.listeners.b.trusted-proxies: '10.0.0.0/99' has a prefix length out of range; write an"
							+ " address (192.0.2.7, 2001:db8::7) or a block (10.0.0.0/8, 2001:db8::/32)");
	}

	@Test
	void aRelayWithoutUpstreamsIsRefused() {
		assertThat(problems(Map.of("sockeye.listeners.a.port", "7001", "sockeye.listeners.a.service", "relay")))
			.containsExactly("sockeye.listeners.a.relay.upstreams is empty; list the servers to forward to as"
					+ " host:port, for example [localhost:7001, localhost:7002]");
	}

	private List<String> problems(Map<String, String> config) {
		return assertThatExceptionOfType(ListenerConfigurationException.class)
			.isThrownBy(() -> this.validator.validate(bind(config)))
			.actual()
			.problems();
	}

	private static SockeyeProperties bind(Map<String, String> config) {
		return new Binder(new MapConfigurationPropertySource(config)).bindOrCreate("sockeye", SockeyeProperties.class);
	}

}
