package dev.sockeye.relay;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import dev.sockeye.framing.FrameCodec;
import dev.sockeye.metrics.ClientMetrics;
import dev.sockeye.metrics.ClientMetrics.Outcome;
import dev.sockeye.service.EventLoop;
import dev.sockeye.service.Peer;
import dev.sockeye.tls.ClientTls;

import org.springframework.integration.MessageTimeoutException;
import org.springframework.integration.dsl.context.IntegrationFlowContext;

/**
 * One upstream server of a relay: its meters and whether it is up. Called on a listener's
 * event loop, a plain upstream is served there, on non-blocking connections of that loop
 * ({@link LoopPool}): no thread hop. Otherwise (TLS, send-proxy, no loop) its
 * {@link GatewayPool} serves the request. An upstream that refuses a connection or drops
 * one before replying is skipped for the retry interval, then tried again.
 */
final class Upstream {

	/** Why an exchange failed. */
	enum Failure {

		/**
		 * Nothing reached the upstream, or its connection broke before the reply: another
		 * upstream may try.
		 */
		UNAVAILABLE,

		/**
		 * The upstream took the request and did not answer in time: it may have acted on
		 * it.
		 */
		TIMEOUT

	}

	private final String name;

	private final ClientMetrics metrics;

	private final Duration retryInterval;

	private final GatewayPool gateway;

	/** Whether connections on the listener's event loops may serve this upstream. */
	private final boolean onLoops;

	/**
	 * The upstream's resolved address, for connections on the listener's event loops;
	 * null when those are not used (TLS, send-proxy, an address that did not resolve).
	 */
	private volatile InetSocketAddress direct;

	/** This upstream's connections on each event loop that has used it. */
	private final Map<EventLoop, LoopPool> loopPools = new ConcurrentHashMap<>();

	private final FrameCodec codec;

	private final String host;

	private final int port;

	private final RelayProperties settings;

	private volatile long downUntilNanos;

	private volatile String lastError;

	Upstream(String listener, String address, FrameCodec codec, RelayProperties settings, ClientMetrics metrics,
			ClientTls tls) {
		int colon = address.lastIndexOf(':');
		this.name = address;
		this.codec = codec;
		this.settings = settings;
		this.host = address.substring(0, colon).replace("[", "").replace("]", "");
		this.port = Integer.parseInt(address.substring(colon + 1));
		this.metrics = metrics;
		this.retryInterval = settings.retryInterval();
		this.gateway = new GatewayPool(address, "sockeye." + listener + ".upstream." + address, this.host, this.port,
				codec, settings, metrics, tls);
		this.onLoops = tls == null && this.gateway.pooled();
	}

	void start(IntegrationFlowContext flows) {
		if (this.onLoops) {
			// resolved once here, never on an event loop, where a lookup would block it
			this.direct = resolve(this.host, this.port);
		}
		this.gateway.start(flows);
	}

	void stop(IntegrationFlowContext flows) {
		this.direct = null;
		this.loopPools.values().forEach(LoopPool::closeAll);
		this.gateway.stop(flows);
	}

	String name() {
		return this.name;
	}

	/**
	 * @return true unless the upstream failed within the retry interval
	 */
	boolean isAvailable() {
		return System.nanoTime() - this.downUntilNanos >= 0;
	}

	/**
	 * @return the last failure, or {@code null}
	 */
	String lastError() {
		return this.lastError;
	}

	/**
	 * Sends one request without waiting for the reply.
	 * @param request the request's bytes
	 * @param peer the client, named in a PROXY protocol header when the relay sends one
	 * @return completes with the reply's bytes, or exceptionally with an
	 * {@link UpstreamException} when the upstream is unavailable or does not answer in
	 * time (waiting for a free connection included)
	 */
	CompletableFuture<byte[]> exchange(byte[] request, Peer peer) {
		long start = System.nanoTime();
		InetSocketAddress address = this.direct;
		EventLoop loop = (address != null) ? EventLoop.current() : null;
		CompletableFuture<byte[]> reply;
		if (loop != null) {
			reply = this.loopPools
				.computeIfAbsent(loop, (key) -> new LoopPool(key, address, this.codec, this.metrics, this.settings))
				.exchange(request);
		}
		else {
			try {
				reply = this.gateway.exchange(request, peer);
			}
			catch (RuntimeException ex) {
				// the request could not be built: nothing was sent, and the upstream is
				// not to blame
				return CompletableFuture.failedFuture(ex);
			}
		}
		return reply.handle((bytes, failure) -> outcome(start, bytes, failure));
	}

	private byte[] outcome(long startNanos, byte[] reply, Throwable failure) {
		long elapsed = System.nanoTime() - startNanos;
		if (failure == null) {
			this.metrics.request(Outcome.SUCCESS, elapsed);
			if (this.downUntilNanos != 0) {
				this.downUntilNanos = 0;
			}
			return reply;
		}
		Throwable ex = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (isTimeout(ex)) {
			this.metrics.request(Outcome.TIMEOUT, elapsed);
			this.metrics.error("timeout");
			throw new CompletionException(
					new UpstreamException(this, Failure.TIMEOUT, "no reply within the reply timeout", ex));
		}
		boolean refused = causedBy(ex, ConnectException.class);
		this.metrics.request(Outcome.UNAVAILABLE, elapsed);
		this.metrics.error(refused ? "connect" : "closed");
		this.lastError = rootMessage(ex);
		this.downUntilNanos = System.nanoTime() + this.retryInterval.toNanos();
		throw new CompletionException(new UpstreamException(this, Failure.UNAVAILABLE, this.lastError, ex));
	}

	private static InetSocketAddress resolve(String host, int port) {
		InetSocketAddress address = new InetSocketAddress(host, port);
		return address.isUnresolved() ? null : address;
	}

	private static boolean isTimeout(Throwable ex) {
		return causedBy(ex, TimeoutException.class) || causedBy(ex, MessageTimeoutException.class)
				|| causedBy(ex, SocketTimeoutException.class);
	}

	private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

}
