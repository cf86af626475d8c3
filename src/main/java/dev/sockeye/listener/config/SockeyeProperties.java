package dev.sockeye.listener.config;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.Valid;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

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
 */
@ConfigurationProperties(prefix = "sockeye", ignoreUnknownFields = false)
@Validated
public record SockeyeProperties(@Valid Map<String, ListenerProperties> listeners,
		@DefaultValue("true") boolean failOnBindError, @DefaultValue("30s") Duration drainTimeout) {

	/** The name of the listener Sockeye runs when none is configured. */
	public static final String DEFAULT_LISTENER = "echo";

	/** The port of the listener Sockeye runs when none is configured. */
	public static final int DEFAULT_PORT = 8888;

	public SockeyeProperties {
		listeners = (listeners == null || listeners.isEmpty())
				? Map.of(DEFAULT_LISTENER, ListenerProperties.withPort(DEFAULT_PORT)) : Map.copyOf(listeners);
	}

}
