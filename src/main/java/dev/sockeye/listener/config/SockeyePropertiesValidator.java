package dev.sockeye.listener.config;

import dev.sockeye.relay.RelayProperties;

import org.springframework.validation.Errors;

/**
 * The bounds of each property, checked when {@link SockeyeProperties} is bound: a value
 * out of range stops the start, reported per property with its value. Plain code rather
 * than Bean Validation, whose provider costs about 0.3 s of every start (500 classes,
 * docs/performance.md, "Start-up"). What depends on more than one property, or on the
 * beans, is {@link ListenerValidator}'s.
 */
final class SockeyePropertiesValidator {

	private final Errors errors;

	private SockeyePropertiesValidator(Errors errors) {
		this.errors = errors;
	}

	static void validate(SockeyeProperties properties, Errors errors) {
		SockeyePropertiesValidator validator = new SockeyePropertiesValidator(errors);
		validator.range("io-threads", properties.ioThreads(), 1, 1024);
		validator.range("agent.port", properties.agent().port(), 0, 65535);
		properties.listeners().forEach(validator::listener);
	}

	private void listener(String name, ListenerProperties listener) {
		String at = "listeners." + name + ".";
		notNull(at + "port", listener.port());
		range(at + "port", listener.port(), 0, 65535);
		notNull(at + "io", listener.io());
		notNull(at + "framing", listener.framing());
		notNull(at + "max-message-size", listener.maxMessageSize());
		range(at + "backlog", listener.backlog(), 1, null);
		range(at + "max-connections", listener.maxConnections(), 0, null);
		range(at + "max-connections-per-client", listener.maxConnectionsPerClient(), 0, null);
		notNull(at + "idle-timeout", listener.idleTimeout());
		notNull(at + "message-timeout", listener.messageTimeout());
		notNull(at + "write-timeout", listener.writeTimeout());
		notNull(at + "handshake-timeout", listener.handshakeTimeout());
		notNull(at + "proxy-protocol", listener.proxyProtocol());
		notNull(at + "mode", listener.mode());
		notNull(at + "tls", listener.tls());
		notNull(at + "echo", listener.echo());
		notNull(at + "reply", listener.reply());
		notNull(at + "relay", listener.relay());
		if (listener.service() == null || listener.service().isBlank()) {
			reject(at + "service", "NotBlank", "must not be blank");
		}
		range(at + "workers", listener.workers(), 0, null);
		range(at + "io-threads", listener.ioThreads(), 1, 256);
		if (listener.tls() != null) {
			notNull(at + "tls.client-auth", listener.tls().clientAuth());
		}
		if (listener.relay() != null) {
			relay(at + "relay.", listener.relay());
		}
	}

	private void relay(String at, RelayProperties relay) {
		range(at + "pool-size", relay.poolSize(), 1, null);
		notNull(at + "connect-timeout", relay.connectTimeout());
		notNull(at + "reply-timeout", relay.replyTimeout());
		notNull(at + "retry-interval", relay.retryInterval());
		notNull(at + "on-failure", relay.onFailure());
		notNull(at + "send-proxy", relay.sendProxy());
	}

	private void notNull(String property, Object value) {
		if (value == null) {
			reject(property, "NotNull", "must not be null");
		}
	}

	private void range(String property, Integer value, int min, Integer max) {
		if (value != null && value < min) {
			reject(property, "Min", "must be greater than or equal to " + min);
		}
		else if (value != null && max != null && value > max) {
			reject(property, "Max", "must be less than or equal to " + max);
		}
	}

	private void reject(String property, String code, String message) {
		this.errors.rejectValue(property, code, message);
	}

}
