package dev.sockeye.listener.config;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Sockeye's configuration: the TCP listeners to run. A key under {@code sockeye.} that
 * binds to nothing (a typo) stops the application, reported by
 * {@link UnknownPropertyFailureAnalyzer}: a misspelled limit must not leave it off.
 *
 * @param listeners the listeners by name; with none configured, one {@code echo} listener
 * on port 8888
 * @param failOnBindError stop the application when a listener cannot bind its port; when
 * false, the listener is reported DOWN by health and the application runs on without it
 * @param drainTimeout on shutdown, how long listeners wait for requests in hand to be
 * answered before closing the connections still busy
 * @param drainDelay on shutdown, how long listeners keep accepting while readiness and
 * the agent already say drain, so that balancers stop sending new connections first
 * @param agent the HAProxy agent-check port
 * @param ioThreads event loops shared out among the nio listeners that do not set their
 * own io-threads, at least one each; the available processors when unset
 */
@ConfigurationProperties(prefix = "sockeye", ignoreUnknownFields = false)
public record SockeyeProperties(Map<String, ListenerProperties> listeners,
		@DefaultValue("true") boolean failOnBindError, @DefaultValue("30s") Duration drainTimeout,
		@DefaultValue("0s") Duration drainDelay, @DefaultValue Agent agent, Integer ioThreads) implements Validator {

	/** The name of the listener Sockeye runs when none is configured. */
	public static final String DEFAULT_LISTENER = "echo";

	/** The port of the listener Sockeye runs when none is configured. */
	public static final int DEFAULT_PORT = 8888;

	public SockeyeProperties {
		listeners = (listeners == null || listeners.isEmpty())
				? Map.of(DEFAULT_LISTENER, ListenerProperties.withPort(DEFAULT_PORT)) : Map.copyOf(listeners);
		agent = (agent != null) ? agent : new Agent(null, null);
	}

	/**
	 * Checks each property's bounds when Spring Boot binds this record (a record that is
	 * a {@link Validator} validates itself).
	 */
	@Override
	public boolean supports(Class<?> type) {
		return SockeyeProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		SockeyePropertiesValidator.validate((SockeyeProperties) target, errors);
	}

	/**
	 * @param name an nio listener's name
	 * @param processors the processors this JVM may use
	 * @return its event loops: its own io-threads, or an even share of the process's
	 * io-threads (the processors when unset) among the nio listeners that set none, at
	 * least one each, so that many listeners do not make many threads per processor
	 */
	public int ioThreadsOf(String name, int processors) {
		ListenerProperties listener = this.listeners.get(name);
		if (listener.ioThreads() != null) {
			return listener.ioThreads();
		}
		long sharing = this.listeners.values()
			.stream()
			.filter((other) -> other.io() == ListenerProperties.Io.NIO && other.ioThreads() == null)
			.count();
		int budget = (this.ioThreads != null) ? this.ioThreads : processors;
		return (int) Math.max(1, budget / Math.max(1, sharing));
	}

	/**
	 * A port that answers HAProxy's {@code agent-check} with the instance's state.
	 *
	 * @param port TCP port of the agent; off when unset, 0 picks a free port
	 * @param address local address to bind the agent to; all interfaces when unset
	 */
	public record Agent(Integer port, String address) {

		/**
		 * @return whether the agent runs
		 */
		public boolean enabled() {
			return this.port != null;
		}

	}

}
