package dev.sockeye.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import dev.sockeye.client.ClientConnectionListener;
import dev.sockeye.client.ClientConnections;
import dev.sockeye.framing.FrameCodec;
import dev.sockeye.metrics.ClientMetrics;
import dev.sockeye.service.FixedHeaders;
import dev.sockeye.service.Peer;
import dev.sockeye.tls.ClientTls;

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
 * An upstream's connections for what its listener's event loops cannot serve (TLS,
 * send-proxy, a caller off the loops): a pool ({@link CachingClientConnectionFactory})
 * behind a Spring Integration outbound gateway in async mode. A request is sent on the
 * calling thread and its reply completes a future on the connection's reader thread: no
 * thread waits. At most {@code pool-size} requests are out at once, one per pooled
 * connection; more wait here (not in the pool, which would block the caller) for a
 * connection to come back.
 */
final class GatewayPool {

	/** The bean name prefix: the pool's, the flow's and the target's. */
	private final String beanName;

	private final long replyTimeoutMillis;

	private final TcpNetClientConnectionFactory target;

	/**
	 * What the gateway takes connections from: the pool over the target, or with
	 * send-proxy the target itself, a connection per request.
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

	private volatile MessageChannel gateway;

	private IntegrationFlowRegistration registration;

	/**
	 * @param address the upstream's address as configured, naming its connector threads
	 * @param beanName the upstream's bean name prefix
	 * @param host the upstream's host
	 * @param port the upstream's port
	 * @param codec the relay listener's framing, spoken to the upstream too
	 * @param settings the relay's settings
	 * @param metrics the upstream's meters, told of each connection opened and closed
	 * @param tls how to secure the connections, or {@code null} for plain ones
	 */
	GatewayPool(String address, String beanName, String host, int port, FrameCodec codec, RelayProperties settings,
			ClientMetrics metrics, ClientTls tls) {
		this.beanName = beanName;
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
		this.target.setBeanName(beanName + ".target");
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
			this.pool.setBeanName(beanName);
			this.connections = this.pool;
		}
	}

	/**
	 * @return whether requests share pooled connections; not with send-proxy, where each
	 * has its own
	 */
	boolean pooled() {
		return this.pool != null;
	}

	void start(IntegrationFlowContext flows) {
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
		if (this.registration != null) {
			flows.remove(this.registration.getId());
			this.registration = null;
		}
	}

	/**
	 * Sends one request without waiting for the reply.
	 * @param request the request's bytes
	 * @param peer the client, named in a PROXY protocol header when one is sent
	 * @return completes with the reply's bytes, or exceptionally when the connection
	 * failed or no reply came within the reply timeout (waiting for a free connection
	 * included)
	 * @throws IllegalStateException when the client's address cannot go into the PROXY
	 * protocol header; nothing is sent then
	 */
	CompletableFuture<byte[]> exchange(byte[] request, Peer peer) {
		UpstreamExchange exchange = new UpstreamExchange((self) -> message(request, peer, self), this::released);
		CompletableFuture<byte[]> reply = exchange.reply.orTimeout(this.replyTimeoutMillis, TimeUnit.MILLISECONDS)
			.thenApply((message) -> (byte[]) message.getPayload());
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
		return reply;
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

}
