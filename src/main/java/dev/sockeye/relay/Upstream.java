package dev.sockeye.relay;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.sockeye.client.ClientConnectionListener;
import dev.sockeye.client.ClientConnections;
import dev.sockeye.framing.FrameCodec;
import dev.sockeye.metrics.ClientMetrics;
import dev.sockeye.metrics.ClientMetrics.Outcome;
import dev.sockeye.service.EventLoop;
import dev.sockeye.service.FixedHeaders;
import dev.sockeye.service.Peer;
import dev.sockeye.tls.ClientTls;

import org.springframework.integration.MessageTimeoutException;
import org.springframework.integration.dsl.context.IntegrationFlowContext;
import org.springframework.integration.dsl.context.IntegrationFlowContext.IntegrationFlowRegistration;
import org.springframework.integration.dsl.context.IntegrationFlowContext.IntegrationFlowRegistrationBuilder;
import org.springframework.integration.ip.dsl.Tcp;
import org.springframework.integration.ip.tcp.connection.AbstractClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.CachingClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpNetClientConnectionFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;

/**
 * One upstream server of a relay. Called on a listener's event loop, a plain upstream is
 * served there, on non-blocking connections of that loop ({@link LoopPool}): no thread
 * hop. Otherwise (TLS, send-proxy, no loop): a pool of connections
 * ({@link CachingClientConnectionFactory}) behind a Spring Integration outbound gateway
 * in async mode, its meters, and whether it is up. A request is sent on the calling
 * thread and its reply completes a future on the connection's reader thread: no thread
 * waits. At most {@code pool-size} requests are out at once, one per pooled connection;
 * more wait here (not in the pool, which would block the caller) for a connection to come
 * back. An upstream that refuses a connection or drops one before replying is skipped for
 * the retry interval, then tried again.
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

	/** The upstream's bean name prefix: its pool's, its flow's and its target's. */
	private final String beanName;

	private final ClientMetrics metrics;

	private final Duration retryInterval;

	private final long replyTimeoutMillis;

	private final TcpNetClientConnectionFactory target;

	/**
	 * What the gateway takes connections from: a pool over the target, or with send-proxy
	 * the target itself, a connection per request.
	 */
	private final AbstractClientConnectionFactory connections;

	/** The pool, or null with send-proxy. */
	private final CachingClientConnectionFactory pool;

	/** Opens new connections, off the caller's thread. */
	private final Executor connectors;

	/** The PROXY protocol version sent first on each upstream connection; 0 for none. */
	private final int sendProxy;

	/** Exchanges waiting for a connection. Guarded by itself, as {@link #free}. */
	private final ArrayDeque<UpstreamExchange> waiting = new ArrayDeque<>();

	/** How many more requests may be out now. */
	private int free;

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

	private final boolean tls;

	private final RelayProperties settings;

	private volatile MessageChannel gateway;

	private IntegrationFlowRegistration registration;

	private volatile long downUntilNanos;

	private volatile String lastError;

	Upstream(String listener, String address, FrameCodec codec, RelayProperties settings, ClientMetrics metrics,
			ClientTls tls) {
		int colon = address.lastIndexOf(':');
		this.name = address;
		this.codec = codec;
		this.settings = settings;
		this.beanName = "sockeye." + listener + ".upstream." + address;
		String host = address.substring(0, colon).replace("[", "").replace("]", "");
		int port = Integer.parseInt(address.substring(colon + 1));
		this.host = host;
		this.port = port;
		this.tls = tls != null;
		this.metrics = metrics;
		this.retryInterval = settings.retryInterval();
		this.replyTimeoutMillis = settings.replyTimeout().toMillis();
		this.free = settings.poolSize();
		this.connectors = ClientConnections.connectors(address);
		this.target = ClientConnections.create(host, port, codec, settings.connectTimeout(), settings.replyTimeout(),
				new ClientConnectionListener() {

					@Override
					public void opened() {
						metrics.connectionOpened();
					}

					@Override
					public void closed() {
						metrics.connectionClosed();
					}

				});
		this.target.setBeanName(this.beanName + ".target");
		if (tls != null) {
			tls.apply(this.target);
		}
		this.sendProxy = switch (settings.sendProxy()) {
			case V1 -> 1;
			case V2 -> 2;
			default -> 0;
		};
		if (this.sendProxy != 0) {
			// a header names one client per connection: a connection per request
			this.target.setSingleUse(true);
			this.connections = this.target;
			this.pool = null;
		}
		else {
			this.pool = new CachingClientConnectionFactory(this.target, settings.poolSize());
			this.pool.setConnectionWaitTimeout((int) Math.min(Integer.MAX_VALUE, this.replyTimeoutMillis));
			this.pool.setBeanName(this.beanName);
			this.connections = this.pool;
		}
	}

	void start(IntegrationFlowContext flows) {
		if (this.pool != null && !this.tls) {
			// resolved once here, never on an event loop, where a lookup would block it
			this.direct = resolve(this.host, this.port);
		}
		// no remote timeout on the gateway: its async timer is never cancelled and would
		// hold every request for the whole timeout; the exchange times out itself
		IntegrationFlowRegistrationBuilder builder = flows
			.registration((flow) -> flow.handle(Tcp.outboundGateway(this.connections).remoteTimeout(0).async(true)))
			.id(this.beanName + ".flow")
			.addBean(this.target.getBeanName(), this.target);
		if (this.pool != null) {
			builder.addBean(this.pool.getBeanName(), this.pool);
		}
		this.registration = builder.register();
		this.gateway = this.registration.getInputChannel();
	}

	void stop(IntegrationFlowContext flows) {
		this.direct = null;
		this.loopPools.values().forEach(LoopPool::closeAll);
		if (this.registration != null) {
			flows.remove(this.registration.getId());
			this.registration = null;
		}
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
		InetSocketAddress address = this.direct;
		EventLoop loop = (address != null) ? EventLoop.current() : null;
		if (loop != null) {
			long start = System.nanoTime();
			return this.loopPools
				.computeIfAbsent(loop, (key) -> new LoopPool(key, address, this.codec, this.metrics, this.settings))
				.exchange(request)
				.handle((reply, failure) -> outcome(start, reply, failure));
		}
		UpstreamExchange exchange;
		try {
			exchange = new UpstreamExchange((self) -> message(request, peer, self), this::released);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<byte[]> result = exchange.reply.orTimeout(this.replyTimeoutMillis, TimeUnit.MILLISECONDS)
			.handle((reply, failure) -> outcome(exchange.startNanos,
					(reply != null) ? (byte[]) reply.getPayload() : null, failure));
		boolean now;
		synchronized (this.waiting) {
			now = this.free > 0;
			if (now) {
				this.free--;
			}
			else {
				this.waiting.add(exchange);
			}
		}
		if (now) {
			send(exchange);
		}
		return result;
	}

	/**
	 * Sends on a pooled connection right here when one is idle; opening a connection may
	 * block for the connect timeout, so that happens on a connector thread.
	 */
	private void send(UpstreamExchange exchange) {
		if (this.pool != null && this.pool.getIdleCount() > 0) {
			sendNow(exchange);
		}
		else {
			this.connectors.execute(() -> sendNow(exchange));
		}
	}

	private void sendNow(UpstreamExchange exchange) {
		if (exchange.reply.isDone()) {
			// timed out while waiting for a connection
			released();
			return;
		}
		try {
			this.gateway.send(exchange.request);
		}
		catch (RuntimeException ex) {
			exchange.sendFailed(ex);
		}
	}

	/** The gateway is done with a connection: the next waiting exchange may have it. */
	private void released() {
		while (true) {
			UpstreamExchange next;
			synchronized (this.waiting) {
				next = this.waiting.poll();
				if (next == null) {
					this.free++;
					return;
				}
			}
			if (!next.reply.isDone()) {
				send(next);
				return;
			}
			// timed out while waiting: the next one may have the connection
		}
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

	private Message<byte[]> message(byte[] request, Peer peer, MessageChannel replies) {
		Map<String, Object> headers = new HashMap<>(8);
		headers.put(MessageHeaders.REPLY_CHANNEL, replies);
		headers.put(MessageHeaders.ERROR_CHANNEL, replies);
		if (this.sendProxy != 0) {
			InetSocketAddress client;
			try {
				// an address literal, as the connection gave it: never a lookup
				client = new InetSocketAddress(InetAddress.getByName(peer.remoteAddress()), peer.remotePort());
			}
			catch (UnknownHostException ex) {
				throw new IllegalStateException("Not an address: " + peer.remoteAddress(), ex);
			}
			headers.put(ClientConnections.PROXY_SOURCE, client);
			headers.put(ClientConnections.PROXY_VERSION, this.sendProxy);
		}
		return new GenericMessage<>(request, new FixedHeaders(headers));
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
