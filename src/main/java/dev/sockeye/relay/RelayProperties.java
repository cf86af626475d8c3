package dev.sockeye.relay;

import java.time.Duration;
import java.util.List;

import dev.sockeye.framing.Framing;
import dev.sockeye.proxy.ProxyProtocol;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the built-in relay service, which forwards each request to an upstream
 * server and returns its reply.
 *
 * @param upstreams the upstream servers as host:port, tried in order: the first that is
 * up gets each request
 * @param framing how requests and replies are framed towards the upstreams; the
 * listener's framing when unset
 * @param poolSize the most connections kept open to each upstream, per event loop for
 * plain upstreams on nio listeners
 * @param connectTimeout how long to wait for a connection to an upstream (whole seconds,
 * at least 1s)
 * @param replyTimeout how long to wait for an upstream's reply before the client gets the
 * error reply
 * @param retryInterval how long an upstream that refused or dropped a connection is
 * skipped
 * @param onFailure what the client gets when no upstream answers: error-reply, or close
 * (the connection)
 * @param errorReply the reply sent when no upstream answers
 * @param tlsBundle name of the SSL bundle ({@code spring.ssl.bundle.*}) for connections
 * to the upstreams: its trust material verifies them, its key (if any) is presented to
 * them; plain TCP when unset
 * @param sendProxy the PROXY protocol header sent to the upstreams, naming the client:
 * off, v1 or v2; on, each request goes on a new upstream connection (no pool), since a
 * header names one client per connection
 */
public record RelayProperties(List<String> upstreams, Framing framing, @DefaultValue("64") int poolSize,
		@DefaultValue("2s") Duration connectTimeout, @DefaultValue("10s") Duration replyTimeout,
		@DefaultValue("2s") Duration retryInterval, @DefaultValue("error-reply") RelayFailure onFailure,
		@DefaultValue("ERROR no upstream answered") String errorReply, String tlsBundle,
		@DefaultValue("off") ProxyProtocol sendProxy) {

	/** No relay: the listener's service is something else. */
	public static final RelayProperties NONE = new RelayProperties(List.of(), null, 64, Duration.ofSeconds(2),
			Duration.ofSeconds(10), Duration.ofSeconds(2), RelayFailure.ERROR_REPLY, "ERROR no upstream answered", null,
			ProxyProtocol.OFF);

	public RelayProperties {
		upstreams = (upstreams != null) ? List.copyOf(upstreams) : List.of();
	}

	/** What a relay does when no upstream answers. */
	public enum RelayFailure {

		/** Reply with the relay's error reply; the connection stays open. */
		ERROR_REPLY,

		/** Close the client's connection. */
		CLOSE

	}

}
