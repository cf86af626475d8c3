package dev.sockeye.listener.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.sockeye.framing.FrameCodec;
import dev.sockeye.framing.FramingException;
import dev.sockeye.proxy.ProxyProtocol;
import dev.sockeye.service.ServiceResolver;
import dev.sockeye.service.SockeyeService;
import dev.sockeye.tls.ClientAuth;

import org.springframework.boot.ssl.SslBundles;

/**
 * Checks what the annotations on {@link ListenerProperties} cannot: settings that must
 * agree across listeners, and services that must exist. Collects every problem before
 * failing, so one start shows them all.
 */
public final class ListenerValidator {

	/** The name of the built-in relay service. */
	static final String RELAY = "relay";

	private static final Pattern UPSTREAM = Pattern.compile(
			"^(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]\\s]+):([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$");

	private final ServiceResolver services;

	private final RelayFactory relays;

	private final SslBundles sslBundles;

	public ListenerValidator(ServiceResolver services, RelayFactory relays, SslBundles sslBundles) {
		this.services = services;
		this.relays = relays;
		this.sslBundles = sslBundles;
	}

	/** Creates a relay service for a listener. */
	@FunctionalInterface
	public interface RelayFactory {

		SockeyeService create(String listener, ListenerProperties properties);

	}

	/**
	 * @param properties the configuration
	 * @return each listener's service, by listener name, in name order
	 * @throws ListenerConfigurationException listing every problem found
	 */
	public Map<String, SockeyeService> validate(SockeyeProperties properties) {
		List<String> problems = new ArrayList<>();
		Map<String, SockeyeService> resolved = new TreeMap<>();
		Map<String, String> ports = new HashMap<>();
		new TreeMap<>(properties.listeners()).forEach((name, listener) -> {
			String prefix = "sockeye.listeners." + name + ".";
			if (listener.maxMessageSize().toBytes() <= 0) {
				problems.add(prefix + "max-message-size is " + listener.maxMessageSize()
						+ "; it must be greater than 0 (for example 64KB)");
			}
			else if (listener.maxMessageSize().toBytes() > Integer.MAX_VALUE - 16) {
				problems.add(prefix + "max-message-size is " + listener.maxMessageSize() + "; it must be below 2GB");
			}
			else {
				checkReplies(listener, prefix, problems);
			}
			for (String rule : listener.allow()) {
				checkCidr(prefix + "allow", rule, problems);
			}
			for (String rule : listener.deny()) {
				checkCidr(prefix + "deny", rule, problems);
			}
			checkProxies(listener, prefix, problems);
			if (listener.tls().enabled()) {
				checkBundle(prefix + "tls.bundle", listener.tls().bundle(), problems);
			}
			else if (listener.tls().clientAuth() != ClientAuth.NONE) {
				problems
					.add(prefix + "tls.client-auth is " + listener.tls().clientAuth().name().toLowerCase(Locale.ROOT)
							+ ", but " + prefix + "tls.bundle is not set; name the SSL bundle the listener serves");
			}
			String relayBundle = listener.relay().tlsBundle();
			if (relayBundle != null && !relayBundle.isBlank()) {
				checkBundle(prefix + "relay.tls-bundle", relayBundle, problems);
			}
			checkSendProxy(listener, prefix, problems);
			if (listener.port() != null && listener.port() != 0) {
				String key = Optional.ofNullable(listener.address()).orElse("*") + ":" + listener.port();
				String other = ports.putIfAbsent(key, name);
				if (other != null) {
					problems.add("listeners '" + other + "' and '" + name + "' both use port " + listener.port()
							+ "; give each listener its own " + prefix + "port");
				}
			}
			Optional<SockeyeService> service = RELAY.equals(listener.service())
					? relay(name, listener, prefix, problems)
					: this.services.resolve(listener.service(), listener.echo().prefix(), listener.reply().text());
			if (service.isPresent()) {
				resolved.put(name, service.get());
			}
			else if (ServiceResolver.REPLY.equals(listener.service()) && listener.reply().text() == null) {
				problems.add(prefix + "service is 'reply', but " + prefix + "reply.text is not set; set the reply"
						+ " every message gets, for example reply.text: \"Response\"");
			}
			else if (!RELAY.equals(listener.service())) {
				problems.add(prefix + "service is '" + listener.service() + "', but there is no such service; use"
						+ " one of " + String.join(", ", this.services.candidates()) + ", or define a bean of type"
						+ " SockeyeService, Function<byte[], byte[]> or Function<String, String> with that name");
			}
		});
		if (!problems.isEmpty()) {
			throw new ListenerConfigurationException(problems);
		}
		return resolved;
	}

	/**
	 * Checks that the fixed texts a listener sends fit its reply framing and size, so
	 * that a start that succeeds never fails on its first connection, and that the
	 * settings of the greeting and the reply service are used.
	 */
	private static void checkReplies(ListenerProperties listener, String prefix, List<String> problems) {
		long maxReply = listener.effectiveMaxReplySize().toBytes();
		String limit = (listener.maxReplySize() != null) ? prefix + "max-reply-size (" + listener.maxReplySize() + ")"
				: prefix + "max-message-size (" + listener.maxMessageSize() + ")";
		if (maxReply <= 0 || maxReply > Integer.MAX_VALUE - 16) {
			problems.add(prefix + "max-reply-size is " + listener.maxReplySize()
					+ "; it must be greater than 0 and below 2GB");
			return;
		}
		FrameCodec codec = listener.effectiveReplyFraming().codec((int) maxReply);
		checkFits(codec, prefix + "greeting", listener.greeting(), limit, problems);
		checkFits(codec, prefix + "reply.text", listener.reply().text(), limit, problems);
		checkFits(codec, prefix + "bad-input-reply", listener.badInputReply(), limit, problems);
		checkFits(codec, prefix + "error-reply", listener.errorReply(), limit, problems);
		if (listener.closeAfterGreeting() && listener.greeting() == null) {
			problems.add(prefix + "close-after-greeting is true, but " + prefix + "greeting is not set; set the"
					+ " greeting to send before closing");
		}
		if (listener.ioThreads() != null && listener.io() != ListenerProperties.Io.NIO) {
			problems.add(prefix + "io-threads is set, but " + prefix + "io is blocking, which runs a thread per"
					+ " connection; remove io-threads, or use io: nio");
		}
		if (listener.reply().text() != null && !ServiceResolver.REPLY.equals(listener.service())) {
			problems.add(prefix + "reply.text is set, but " + prefix + "service is '" + listener.service()
					+ "'; set service: reply to send it, or remove reply.text");
		}
	}

	private static void checkFits(FrameCodec codec, String property, String text, String limit, List<String> problems) {
		if (text == null) {
			return;
		}
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		try {
			codec.frame(bytes);
		}
		catch (FramingException ex) {
			problems.add(property + " is " + bytes.length + " bytes, but a reply on this listener is at most "
					+ codec.maxPayload() + " bytes; shorten it or raise " + limit);
		}
	}

	private void checkBundle(String property, String bundle, List<String> problems) {
		List<String> names = (this.sslBundles != null) ? this.sslBundles.getBundleNames() : List.of();
		if (!names.contains(bundle)) {
			problems.add(property + " is '" + bundle + "', but there is no such SSL bundle; "
					+ (names.isEmpty() ? "define it under spring.ssl.bundle.pem." + bundle + " (or .jks." + bundle + ")"
							: "use one of " + String.join(", ", new TreeSet<>(names))
									+ " or define it under spring.ssl.bundle.pem." + bundle));
		}
	}

	private static void checkSendProxy(ListenerProperties listener, String prefix, List<String> problems) {
		ProxyProtocol sendProxy = listener.relay().sendProxy();
		if (sendProxy == ProxyProtocol.ANY) {
			problems.add(prefix + "relay.send-proxy is any, but a relay sends one version; use v1 or v2 (or off)");
		}
		String bundle = listener.relay().tlsBundle();
		if (sendProxy != ProxyProtocol.OFF && bundle != null && !bundle.isBlank()) {
			problems.add(prefix + "relay.send-proxy is on with relay.tls-bundle, but the header goes before TLS,"
					+ " which the relay's TLS connections cannot do yet; send-proxy works on plain TCP upstreams");
		}
	}

	private static void checkProxies(ListenerProperties listener, String prefix, List<String> problems) {
		if (listener.proxied() && listener.trustedProxies().isEmpty()) {
			problems.add(prefix + "proxy-protocol is " + listener.proxyProtocol().name().toLowerCase(Locale.ROOT)
					+ ", but " + prefix + "trusted-proxies is empty; list the balancers' addresses (for example"
					+ " [10.0.0.0/8]): anyone else could claim any client address");
		}
		if (!listener.proxied() && !listener.trustedProxies().isEmpty()) {
			problems.add(prefix + "trusted-proxies is set, but " + prefix + "proxy-protocol is off; set"
					+ " proxy-protocol (v1, v2 or any) to read the balancer's header, or remove trusted-proxies");
		}
		for (String rule : listener.trustedProxies()) {
			checkCidr(prefix + "trusted-proxies", rule, problems);
		}
	}

	private static void checkCidr(String property, String rule, List<String> problems) {
		try {
			Cidr.parse(rule);
		}
		catch (IllegalArgumentException ex) {
			problems.add(property + ": " + ex.getMessage() + "; write an address (192.0.2.7, 2001:db8::7) or a"
					+ " block (10.0.0.0/8, 2001:db8::/32)");
		}
	}

	private Optional<SockeyeService> relay(String name, ListenerProperties listener, String prefix,
			List<String> problems) {
		List<String> upstreams = listener.relay().upstreams();
		if (upstreams.isEmpty()) {
			problems.add(prefix + "relay.upstreams is empty; list the servers to forward to as host:port, for"
					+ " example [localhost:7001, localhost:7002]");
			return Optional.empty();
		}
		boolean valid = true;
		for (String upstream : upstreams) {
			if (!UPSTREAM.matcher(upstream).matches()) {
				problems.add(prefix + "relay.upstreams has '" + upstream + "'; write each upstream as host:port"
						+ " (IPv6 as [::1]:7001) with a port from 1 to 65535");
				valid = false;
			}
		}
		return valid ? Optional.of(this.relays.create(name, listener)) : Optional.empty();
	}

}
