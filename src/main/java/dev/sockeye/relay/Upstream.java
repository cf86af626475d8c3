package dev.sockeye.relay;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;

import dev.sockeye.client.ClientConnectionListener;
import dev.sockeye.client.ClientConnections;
import dev.sockeye.framing.FrameCodec;
import dev.sockeye.metrics.ClientMetrics;
import dev.sockeye.metrics.ClientMetrics.Outcome;
import dev.sockeye.service.Peer;
import dev.sockeye.tls.ClientTls;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.integration.MessageTimeoutException;
import org.springframework.integration.core.MessagingTemplate;
import org.springframework.integration.dsl.context.IntegrationFlowContext;
import org.springframework.integration.dsl.context.IntegrationFlowContext.IntegrationFlowRegistration;
import org.springframework.integration.dsl.context.IntegrationFlowContext.IntegrationFlowRegistrationBuilder;
import org.springframework.integration.ip.dsl.Tcp;
import org.springframework.integration.ip.tcp.connection.AbstractClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.CachingClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpNetClientConnectionFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;

/**
 * One upstream server of a relay: a pool of connections
 * ({@link CachingClientConnectionFactory}) behind a Spring Integration outbound gateway,
 * its meters, and whether it is up. An upstream that refuses a connection or drops one
 * before replying is skipped for the retry interval, then tried again.
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

	private final String host;

	private final int port;

	private final ClientMetrics metrics;

	private final Duration retryInterval;

	private final MessagingTemplate template = new MessagingTemplate();

	private final TcpNetClientConnectionFactory target;

	/**
	 * What the gateway takes connections from: a pool over the target, or with send-proxy
	 * the target itself, a connection per request.
	 */
	private final AbstractClientConnectionFactory connections;

	/** The PROXY protocol version sent first on each upstream connection; 0 for none. */
	private final int sendProxy;

	private IntegrationFlowRegistration registration;

	private volatile long downUntilNanos;

	private volatile String lastError;

	Upstream(String listener, String address, FrameCodec codec, RelayProperties settings, ClientMetrics metrics,
			BeanFactory beans, ClientTls tls) {
		int colon = address.lastIndexOf(':');
		this.name = address;
		this.beanName = "sockeye." + listener + ".upstream." + address;
		this.host = address.substring(0, colon).replace("[", "").replace("]", "");
		this.port = Integer.parseInt(address.substring(colon + 1));
		this.metrics = metrics;
		this.retryInterval = settings.retryInterval();
		this.template.setBeanFactory(beans);
		this.target = ClientConnections.create(this.host, this.port, codec, settings.connectTimeout(),
				settings.replyTimeout(), new ClientConnectionListener() {

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
		}
		else {
			CachingClientConnectionFactory pool = new CachingClientConnectionFactory(this.target, settings.poolSize());
			pool.setConnectionWaitTimeout((int) Math.min(Integer.MAX_VALUE, settings.replyTimeout().toMillis()));
			pool.setBeanName(this.beanName);
			this.connections = pool;
		}
	}

	void start(IntegrationFlowContext flows, Duration replyTimeout) {
		IntegrationFlowRegistrationBuilder builder = flows
			.registration(
					(flow) -> flow.handle(Tcp.outboundGateway(this.connections).remoteTimeout(replyTimeout.toMillis())))
			.id(this.beanName + ".flow")
			.addBean(this.target.getBeanName(), this.target);
		if (this.connections != this.target) {
			builder.addBean(this.connections.getBeanName(), this.connections);
		}
		this.registration = builder.register();
	}

	void stop(IntegrationFlowContext flows) {
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
	 * Sends one request and waits for the reply.
	 * @param request the request's bytes
	 * @param peer the client, named in a PROXY protocol header when the relay sends one
	 * @return the reply's bytes
	 * @throws UpstreamException when the upstream is unavailable or does not answer in
	 * time
	 */
	byte[] exchange(byte[] request, Peer peer) throws UpstreamException {
		long start = System.nanoTime();
		try {
			Message<?> reply = this.template.sendAndReceive(this.registration.getInputChannel(),
					message(request, peer));
			if (reply == null) {
				throw new MessageTimeoutException("no reply");
			}
			this.metrics.request(Outcome.SUCCESS, System.nanoTime() - start);
			this.downUntilNanos = 0;
			return (byte[]) reply.getPayload();
		}
		catch (RuntimeException ex) {
			long elapsed = System.nanoTime() - start;
			if (isTimeout(ex)) {
				this.metrics.request(Outcome.TIMEOUT, elapsed);
				this.metrics.error("timeout");
				throw new UpstreamException(this, Failure.TIMEOUT, "no reply within the reply timeout", ex);
			}
			boolean refused = causedBy(ex, ConnectException.class);
			this.metrics.request(Outcome.UNAVAILABLE, elapsed);
			this.metrics.error(refused ? "connect" : "closed");
			this.lastError = rootMessage(ex);
			this.downUntilNanos = System.nanoTime() + this.retryInterval.toNanos();
			throw new UpstreamException(this, Failure.UNAVAILABLE, this.lastError, ex);
		}
	}

	private Message<byte[]> message(byte[] request, Peer peer) {
		if (this.sendProxy == 0) {
			return new GenericMessage<>(request);
		}
		InetSocketAddress client;
		try {
			// an address literal, as the connection gave it: never a lookup
			client = new InetSocketAddress(InetAddress.getByName(peer.remoteAddress()), peer.remotePort());
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException("Not an address: " + peer.remoteAddress(), ex);
		}
		return new GenericMessage<>(request,
				Map.of(ClientConnections.PROXY_SOURCE, client, ClientConnections.PROXY_VERSION, this.sendProxy));
	}

	private static boolean isTimeout(Throwable ex) {
		return causedBy(ex, MessageTimeoutException.class) || causedBy(ex, SocketTimeoutException.class);
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
