package dev.sockeye.relay;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import dev.sockeye.framing.FrameCodec;
import dev.sockeye.framing.Framing;
import dev.sockeye.relay.RelayProperties.RelayFailure;
import dev.sockeye.metrics.ClientMetrics;
import dev.sockeye.service.CloseConnectionException;
import dev.sockeye.service.AsyncSockeyeService;
import dev.sockeye.service.ManagedService;
import dev.sockeye.service.Peer;
import dev.sockeye.tls.ClientTls;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.integration.dsl.context.IntegrationFlowContext;

/**
 * The built-in {@code relay} service: forwards each request to the first available
 * upstream, on the listener's own event loop for plain upstreams, else through a Spring
 * Integration outbound gateway in async mode with a connection pool (see
 * {@link Upstream}), and completes with that upstream's reply, with no thread waiting for
 * it. An upstream that refuses or drops the connection before replying is skipped and the
 * request goes to the next one (so a request may reach two upstreams when the first fails
 * mid-way: at-least-once); an upstream that takes the request and does not answer in time
 * is not retried elsewhere, and the client gets the error reply (or its connection is
 * closed).
 */
public final class RelayService implements ManagedService, AsyncSockeyeService {

	private static final Log logger = LogFactory.getLog(RelayService.class);

	private static final long FAILURE_LOG_INTERVAL_NANOS = 1_000_000_000L;

	private final String listener;

	private final RelayProperties settings;

	private final IntegrationFlowContext flows;

	private final List<Upstream> upstreams;

	private final AtomicLong nextFailureLog = new AtomicLong();

	private final byte[] errorReply;

	/**
	 * @param listener the listener's name
	 * @param settings the listener's relay settings
	 * @param listenerFraming the listener's framing, used towards the upstreams unless
	 * the relay has its own
	 * @param maxMessageSize the largest message, request or reply
	 * @param flows where the upstream gateways' flows are registered
	 * @param meters where the client meters go
	 * @param sslBundles the application's SSL bundles, for TLS to the upstreams
	 */
	public RelayService(String listener, RelayProperties settings, Framing listenerFraming, int maxMessageSize,
			IntegrationFlowContext flows, MeterRegistry meters, SslBundles sslBundles) {
		this.listener = listener;
		this.settings = settings;
		String bundle = settings.tlsBundle();
		ClientTls tls = (bundle != null && !bundle.isBlank()) ? ClientTls.of(sslBundles, bundle) : null;
		this.flows = flows;
		FrameCodec codec = ((settings.framing() != null) ? settings.framing() : listenerFraming).codec(maxMessageSize);
		this.upstreams = settings.upstreams()
			.stream()
			.map((address) -> new Upstream(listener, address, codec, settings,
					new ClientMetrics(meters, listener, address), tls))
			.toList();
		this.errorReply = settings.errorReply().getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public void start() {
		this.upstreams.forEach((upstream) -> upstream.start(this.flows));
	}

	@Override
	public void stop() {
		this.upstreams.forEach((upstream) -> upstream.stop(this.flows));
	}

	/**
	 * Tries the available upstreams in order, then, if every one failed or is marked
	 * down, all of them once more rather than fail unheard; each attempt starts when the
	 * previous one failed, on the thread that saw it fail.
	 */
	@Override
	public CompletableFuture<byte[]> handleAsync(byte[] request, Peer peer) {
		CompletableFuture<byte[]> result = new CompletableFuture<>();
		attempt(request, peer, 0, null, result);
		return result;
	}

	/**
	 * @param position the next attempt: the first pass over the upstreams takes those
	 * available, the second those not
	 */
	private void attempt(byte[] request, Peer peer, int position, UpstreamException last,
			CompletableFuture<byte[]> result) {
		int count = this.upstreams.size();
		for (int next = position; next < 2 * count; next++) {
			Upstream upstream = this.upstreams.get(next % count);
			if ((next < count) != upstream.isAvailable()) {
				continue;
			}
			int after = next + 1;
			upstream.exchange(request, peer).whenComplete((reply, failure) -> {
				if (failure == null) {
					result.complete(reply);
					return;
				}
				Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
				if (!(cause instanceof UpstreamException ex)) {
					result.completeExceptionally(cause);
					return;
				}
				if (ex.failure() == Upstream.Failure.TIMEOUT) {
					fail(peer, ex, result);
					return;
				}
				// logged when the upstream is marked down, so once per retry interval,
				// not
				// once per request
				logger.warn("Relay '" + this.listener + "': " + ex.getMessage() + "; skipping it for "
						+ this.settings.retryInterval().toMillis() + " ms");
				attempt(request, peer, after, ex, result);
			});
			return;
		}
		fail(peer, last, result);
	}

	private void fail(Peer peer, UpstreamException ex, CompletableFuture<byte[]> result) {
		String why = (ex != null) ? ex.getMessage() : "no upstream configured";
		long now = System.nanoTime();
		long next = this.nextFailureLog.get();
		if (now - next >= 0 && this.nextFailureLog.compareAndSet(next, now + FAILURE_LOG_INTERVAL_NANOS)) {
			// at most one line a second however many clients are refused
			logger
				.warn("Relay '" + this.listener + "' could not answer connection " + peer.connectionId() + ": " + why);
		}
		if (this.settings.onFailure() == RelayFailure.CLOSE) {
			result.completeExceptionally(new CloseConnectionException(why));
		}
		else {
			result.complete(this.errorReply);
		}
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
