package dev.sockeye.relay;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import dev.sockeye.framing.FrameCodec;
import dev.sockeye.framing.Framing;
import dev.sockeye.relay.RelayProperties.RelayFailure;
import dev.sockeye.metrics.ClientMetrics;
import dev.sockeye.service.CloseConnectionException;
import dev.sockeye.service.ManagedService;
import dev.sockeye.service.Peer;
import dev.sockeye.tls.ClientTls;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.integration.dsl.context.IntegrationFlowContext;

/**
 * The built-in {@code relay} service: forwards each request to the first available
 * upstream through a Spring Integration outbound gateway with a connection pool, and
 * returns that upstream's reply. An upstream that refuses or drops the connection before
 * replying is skipped and the request goes to the next one (so a request may reach two
 * upstreams when the first fails mid-way: at-least-once); an upstream that takes the
 * request and does not answer in time is not retried elsewhere, and the client gets the
 * error reply (or its connection is closed).
 */
public final class RelayService implements ManagedService {

	private static final Log logger = LogFactory.getLog(RelayService.class);

	private static final long FAILURE_LOG_INTERVAL_NANOS = 1_000_000_000L;

	private final String listener;

	private final RelayProperties settings;

	private final IntegrationFlowContext flows;

	private final List<Upstream> upstreams;

	private final AtomicLong nextFailureLog = new AtomicLong();

	/**
	 * @param listener the listener's name
	 * @param settings the listener's relay settings
	 * @param listenerFraming the listener's framing, used towards the upstreams unless
	 * the relay has its own
	 * @param maxMessageSize the largest message, request or reply
	 * @param flows where the upstream gateways' flows are registered
	 * @param meters where the client meters go
	 * @param beans the application's bean factory
	 * @param sslBundles the application's SSL bundles, for TLS to the upstreams
	 */
	public RelayService(String listener, RelayProperties settings, Framing listenerFraming, int maxMessageSize,
			IntegrationFlowContext flows, MeterRegistry meters, BeanFactory beans, SslBundles sslBundles) {
		this.listener = listener;
		this.settings = settings;
		String bundle = settings.tlsBundle();
		ClientTls tls = (bundle != null && !bundle.isBlank()) ? ClientTls.of(sslBundles, bundle) : null;
		this.flows = flows;
		FrameCodec codec = ((settings.framing() != null) ? settings.framing() : listenerFraming).codec(maxMessageSize);
		this.upstreams = settings.upstreams()
			.stream()
			.map((address) -> new Upstream(listener, address, codec, settings,
					new ClientMetrics(meters, listener, address), beans, tls))
			.toList();
	}

	@Override
	public void start() {
		this.upstreams.forEach((upstream) -> upstream.start(this.flows, this.settings.replyTimeout()));
	}

	@Override
	public void stop() {
		this.upstreams.forEach((upstream) -> upstream.stop(this.flows));
	}

	@Override
	public byte[] handle(byte[] request, Peer peer) throws Exception {
		UpstreamException last = null;
		// available upstreams in order first; if every one is marked down, try them all
		// rather than fail unheard
		for (boolean onlyAvailable : new boolean[] { true, false }) {
			for (Upstream upstream : this.upstreams) {
				if (onlyAvailable != upstream.isAvailable()) {
					continue;
				}
				try {
					return upstream.exchange(request, peer);
				}
				catch (UpstreamException ex) {
					last = ex;
					if (ex.failure() == Upstream.Failure.TIMEOUT) {
						return fail(peer, ex);
					}
					// logged when the upstream is marked down, so once per retry
					// interval, not once per request
					logger.warn("Relay '" + this.listener + "': " + ex.getMessage() + "; skipping it for "
							+ this.settings.retryInterval().toMillis() + " ms");
				}
			}
		}
		return fail(peer, last);
	}

	private byte[] fail(Peer peer, UpstreamException ex) throws CloseConnectionException {
		String why = (ex != null) ? ex.getMessage() : "no upstream configured";
		long now = System.nanoTime();
		long next = this.nextFailureLog.get();
		if (now - next >= 0 && this.nextFailureLog.compareAndSet(next, now + FAILURE_LOG_INTERVAL_NANOS)) {
			// at most one line a second however many clients are refused
			logger
				.warn("Relay '" + this.listener + "' could not answer connection " + peer.connectionId() + ": " + why);
		}
		if (this.settings.onFailure() == RelayFailure.CLOSE) {
			throw new CloseConnectionException(why);
		}
		return this.settings.errorReply().getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	/**
	 * @return each upstream's state: {@code up}, or {@code down: <last error>}
	 */
	public Map<String, String> upstreamStates() {
		return this.upstreams.stream()
			.collect(Collectors.toMap(Upstream::name, (u) -> u.isAvailable() ? "up" : "down: " + u.lastError(),
					(a, b) -> a, java.util.LinkedHashMap::new));
	}

	/**
	 * @return true when at least one upstream is not marked down
	 */
	public boolean anyUpstreamAvailable() {
		return this.upstreams.stream().anyMatch(Upstream::isAvailable);
	}

}
