package dev.sockeye.relay;

import java.net.ServerSocket;

import com.jayway.jsonpath.JsonPath;
import dev.sockeye.listener.Listeners;
import dev.sockeye.support.Http;
import dev.sockeye.support.StubServer;
import dev.sockeye.support.TcpClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay service over real sockets: to one upstream, failing over between two, and
 * timing out on an upstream that accepts and never answers. Each scenario has its own
 * listener and upstreams.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoint.health.show-details=always")
@DirtiesContext
class RelayTests {

	static final StubServer alone = StubServer.lineEcho("alone:");

	static final StubServer first = StubServer.lineEcho("first:");

	static final StubServer second = StubServer.lineEcho("second:");

	static final StubServer silent = StubServer.silent();

	static final int refused = refusedPort();

	static final int secureUpstream = listenablePort();

	@DynamicPropertySource
	static void listeners(DynamicPropertyRegistry registry) {
		relay(registry, "one", "localhost:" + alone.port());
		relay(registry, "pair", "localhost:" + first.port(), "localhost:" + second.port());
		relay(registry, "silent", "localhost:" + silent.port());
		registry.add("sockeye.listeners.silent.relay.reply-timeout", () -> "500ms");
		relay(registry, "silent-close", "localhost:" + silent.port());
		registry.add("sockeye.listeners.silent-close.relay.reply-timeout", () -> "500ms");
		registry.add("sockeye.listeners.silent-close.relay.on-failure", () -> "close");
		relay(registry, "nothing", "localhost:" + refused);
		relay(registry, "length", "localhost:" + alone.port());
		registry.add("sockeye.listeners.length.framing", () -> "length-header-2");
		registry.add("sockeye.listeners.length.relay.framing", () -> "crlf");
		// a mutual-TLS Sockeye listener as the upstream, relayed to with the client
		// bundle, or a bundle that does not
		// trust it
		registry.add("spring.ssl.bundle.pem.server.keystore.certificate", () -> "classpath:tls/server.crt");
		registry.add("spring.ssl.bundle.pem.server.keystore.private-key", () -> "classpath:tls/server.key");
		registry.add("spring.ssl.bundle.pem.server.truststore.certificate", () -> "classpath:tls/ca.crt");
		registry.add("spring.ssl.bundle.pem.client.keystore.certificate", () -> "classpath:tls/client.crt");
		registry.add("spring.ssl.bundle.pem.client.keystore.private-key", () -> "classpath:tls/client.key");
		registry.add("spring.ssl.bundle.pem.client.truststore.certificate", () -> "classpath:tls/ca.crt");
		registry.add("spring.ssl.bundle.pem.rogue.truststore.certificate", () -> "classpath:tls/rogue-ca.crt");
		registry.add("sockeye.listeners.secure-upstream.port", () -> String.valueOf(secureUpstream));
		registry.add("sockeye.listeners.secure-upstream.tls.bundle", () -> "server");
		registry.add("sockeye.listeners.secure-upstream.tls.client-auth", () -> "need");
		registry.add("sockeye.listeners.secure-upstream.echo.prefix", () -> "tls:");
		relay(registry, "secure", "localhost:" + secureUpstream);
		registry.add("sockeye.listeners.secure.relay.tls-bundle", () -> "client");
		relay(registry, "distrustful", "localhost:" + secureUpstream);
		registry.add("sockeye.listeners.distrustful.relay.tls-bundle", () -> "rogue");
	}

	private static void relay(DynamicPropertyRegistry registry, String name, String... upstreams) {
		registry.add("sockeye.listeners." + name + ".port", () -> "0");
		registry.add("sockeye.listeners." + name + ".service", () -> "relay");
		registry.add("sockeye.listeners." + name + ".relay.upstreams", () -> String.join(",", upstreams));
	}

	@AfterAll
	static void stopUpstreams() {
		alone.close();
		first.close();
		second.close();
		silent.close();
	}

	@Autowired
	Listeners listeners;

	@Autowired
	MeterRegistry registry;

	@LocalServerPort
	int port;

	@Test
	void forwardsEachRequestToTheUpstreamAndReturnsItsReply() {
		try (TcpClient client = connect("one")) {
			client.send("hello\r\nworld\r\n");
			assertThat(client.readText(26)).isEqualTo("alone:hello\r\nalone:world\r\n");
		}
		assertThat(this.registry.get("tcp.client.requests")
			.tag("listener", "one")
			.tag("upstream", "localhost:" + alone.port())
			.tag("outcome", "success")
			.timer()
			.count()).isEqualTo(2);
	}

	@Test
	void relaysToAnUpstreamOverMutualTlsWithTheRelaysBundle() {
		try (TcpClient client = connect("secure")) {
			client.send("hello\r\nworld\r\n");
			assertThat(client.readText(22)).isEqualTo("tls:hello\r\ntls:world\r\n");
		}
	}

	@Test
	void answersWithTheErrorReplyWhenTheUpstreamsCertificateIsNotTrusted() {
		try (TcpClient client = connect("distrustful")) {
			client.send("hello\r\n");
			assertThat(client.readText(28)).isEqualTo("ERROR no upstream answered\r\n");
		}
		assertThat(this.registry.get("tcp.client.requests")
			.tag("listener", "distrustful")
			.tag("outcome", "unavailable")
			.timer()
			.count()).as("tried while available, then once more when every upstream is down").isEqualTo(2);
	}

	@Test
	void upstreamFramingIsIndependentOfTheListeners() {
		try (TcpClient client = connect("length")) {
			client.send(new byte[] { 0, 2, 'h', 'i' });
			assertThat(client.read(10)).containsExactly(0, 8, 'a', 'l', 'o', 'n', 'e', ':', 'h', 'i');
		}
	}

	@Test
	void failsOverToTheNextUpstreamWhenTheFirstStopsAndHealthStaysUp() {
		try (TcpClient client = connect("pair")) {
			client.send("before\r\n");
			assertThat(client.readText(14)).isEqualTo("first:before\r\n");
			first.close();
			for (int i = 0; i < 5; i++) {
				client.send("after " + i + "\r\n");
				assertThat(client.readText(16)).isEqualTo("second:after " + i + "\r\n");
			}
		}
		String health = Http.get("http://127.0.0.1:" + this.port + "/actuator/health").body();
		assertThat(JsonPath.<String>read(health, "$.components.relay.components.pair.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(health,
				"$.components.relay.components.pair.details.upstreams['localhost:" + first.port() + "']"))
			.startsWith("down: ");
		assertThat(JsonPath.<String>read(health,
				"$.components.relay.components.pair.details.upstreams['localhost:" + second.port() + "']"))
			.isEqualTo("up");
	}

	@Test
	void upstreamThatNeverAnswersGivesTheClientTheErrorReplyAfterTheReplyTimeout() {
		try (TcpClient client = connect("silent")) {
			client.send("anyone?\r\n");
			assertThat(client.readText(28)).isEqualTo("ERROR no upstream answered\r\n");
		}
		assertThat(this.registry.get("tcp.client.errors")
			.tag("listener", "silent")
			.tag("type", "timeout")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void upstreamThatNeverAnswersClosesTheClientWhenConfiguredTo() {
		try (TcpClient client = connect("silent-close")) {
			client.send("anyone?\r\n");
			assertThat(client.isClosedByServer()).isTrue();
		}
	}

	@Test
	void noReachableUpstreamIsAnErrorReplyAndAllUpstreamsDownIsHealthDown() {
		try (TcpClient client = connect("nothing")) {
			client.send("hello?\r\n");
			assertThat(client.readText(28)).isEqualTo("ERROR no upstream answered\r\n");
			client.send("still there\r\n");
			assertThat(client.readText(28)).isEqualTo("ERROR no upstream answered\r\n");
		}
		String health = Http.get("http://127.0.0.1:" + this.port + "/actuator/health").body();
		assertThat(JsonPath.<String>read(health, "$.components.relay.components.nothing.status")).isEqualTo("DOWN");
		assertThat(this.registry.get("tcp.client.errors")
			.tag("listener", "nothing")
			.tag("type", "connect")
			.counter()
			.count()).isGreaterThanOrEqualTo(1);
	}

	private TcpClient connect(String listener) {
		return TcpClient.connect(this.listeners.port(listener));
	}

	/**
	 * A port for a listener that must be known before the context starts: free now, and
	 * below the ephemeral range (32768 and up), so that no client socket of a concurrent
	 * test takes it meanwhile.
	 */
	private static int listenablePort() {
		java.util.Random random = new java.util.Random();
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = 20000 + random.nextInt(12000);
			try (ServerSocket socket = new ServerSocket(port)) {
				return port;
			}
			catch (java.io.IOException ex) {
				// taken: try another
			}
		}
		throw new IllegalStateException("no free port between 20000 and 32000");
	}

	private static int refusedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
