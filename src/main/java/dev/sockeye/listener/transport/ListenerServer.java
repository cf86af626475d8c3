package dev.sockeye.listener.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import dev.sockeye.listener.config.ListenerBindException;
import dev.sockeye.listener.config.ListenerProperties;
import dev.sockeye.listener.config.ListenerProperties.Io;
import dev.sockeye.listener.config.ListenerProperties.Mode;
import dev.sockeye.listener.connection.Admission;
import dev.sockeye.listener.connection.ListenerConnections;
import dev.sockeye.service.ServiceHandler;
import dev.sockeye.service.SockeyeService;
import dev.sockeye.tls.ServerTls;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.dsl.context.IntegrationFlowContext;
import org.springframework.integration.dsl.context.IntegrationFlowContext.IntegrationFlowRegistration;
import org.springframework.integration.ip.dsl.Tcp;
import org.springframework.integration.ip.tcp.connection.AbstractServerConnectionFactory;

/**
 * One listener's Spring Integration side: its connection factory and the flow from its
 * inbound gateway (or channel adapter) to its service, registered and started, bound, and
 * taken down again. Nothing outside this package sees a Spring Integration TCP type.
 */
public final class ListenerServer {

	private static final Log logger = LogFactory.getLog(ListenerServer.class);

	private static final long BIND_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(10);

	private final String name;

	private final ListenerProperties properties;

	private final AbstractServerConnectionFactory factory;

	private final WriteFlusher flusher;

	private final IntegrationFlowContext flows;

	private volatile IntegrationFlowRegistration registration;

	/**
	 * @param name the listener's name
	 * @param properties its settings
	 * @param service its service
	 * @param connections its open connections
	 * @param admission its admission control
	 * @param tls its TLS, or {@code null} for plain TCP
	 * @param flows where its flow is registered
	 */
	public ListenerServer(String name, ListenerProperties properties, SockeyeService service,
			ListenerConnections connections, Admission admission, ServerTls tls, IntegrationFlowContext flows) {
		this.name = name;
		this.properties = properties;
		this.flows = flows;
		this.flusher = (properties.io() == Io.NIO) ? new WriteFlusher(name) : null;
		this.factory = ConnectionFactories.create(name, properties, service, connections, admission, this.flusher, tls);
	}

	/**
	 * Binds and releases the port first, so that a port in use fails fast with a clear
	 * message rather than a stack trace logged from the connection factory's thread.
	 * @throws ListenerBindException when the port cannot be bound
	 */
	public void probe() {
		if (this.properties.port() == 0) {
			return;
		}
		try (ServerSocket probe = new ServerSocket()) {
			probe.setReuseAddress(true);
			probe.bind(new InetSocketAddress(address(), this.properties.port()), 1);
		}
		catch (IOException ex) {
			throw new ListenerBindException(this.name, address(), this.properties.port(), ex);
		}
	}

	/**
	 * Registers and starts the listener's flow, and waits until its port is bound.
	 * @param handler the end of the flow
	 * @param failures where the factory's own bind failure turns up
	 * @throws ListenerBindException when the port cannot be bound
	 */
	public void start(ServiceHandler handler, ServerFailures failures) {
		this.registration = this.flows.registration(flow(handler))
			.id("sockeye." + this.name)
			.addBean(this.factory.getBeanName(), this.factory)
			.autoStartup(false)
			.register();
		this.registration.start();
		long deadline = System.currentTimeMillis() + BIND_TIMEOUT_MILLIS;
		while (!this.factory.isListening()) {
			Throwable failure = failures.take(this.factory);
			if (failure != null || System.currentTimeMillis() > deadline) {
				throw new ListenerBindException(this.name, address(), this.properties.port(), (failure != null)
						? failure : new IOException("Not listening after " + BIND_TIMEOUT_MILLIS + " ms"));
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while starting listener '" + this.name + "'", ex);
			}
		}
	}

	private IntegrationFlow flow(ServiceHandler handler) {
		if (this.properties.mode() == Mode.ONE_WAY) {
			return IntegrationFlow.from(Tcp.inboundAdapter(this.factory).id("sockeye." + this.name + ".adapter"))
				.handle(handler)
				.get();
		}
		// the flow runs on the reading thread, so the reply (or its absence) is known
		// when the gateway looks
		return IntegrationFlow
			.from(Tcp.inboundGateway(this.factory).id("sockeye." + this.name + ".gateway").replyTimeout(0))
			.handle(handler)
			.get();
	}

	/**
	 * @return the address it binds: the configured one, or all interfaces
	 */
	public String address() {
		return (this.properties.address() != null) ? this.properties.address() : "0.0.0.0";
	}

	/**
	 * @return the bound port, or -1 when not listening
	 */
	public int port() {
		return this.factory.isListening() ? this.factory.getPort() : -1;
	}

	/**
	 * @return whether its port is bound and accepting
	 */
	public boolean isListening() {
		return this.factory.isListening();
	}

	/**
	 * @return whether replies go out without Nagle's delay (TCP_NODELAY)
	 */
	public boolean noDelay() {
		return this.factory.isSoTcpNoDelay();
	}

	/**
	 * @return the accept backlog the server socket was given
	 */
	public int backlog() {
		return this.factory.getBacklog();
	}

	/**
	 * @return how many connections Spring Integration still holds in its maps: the open
	 * ones, once closed ones are forgotten
	 */
	public int retainedConnections() {
		int held = this.factory.getOpenConnectionIds().size();
		if (this.factory instanceof AdmittingNioServerConnectionFactory nio) {
			held = Math.max(held, nio.channelCount());
		}
		return held;
	}

	/** Stops accepting new connections, keeping the open ones. */
	public void stopAccepting() {
		if (this.factory instanceof AdmittingNioServerConnectionFactory nio) {
			nio.stopAccepting();
		}
		else if (this.factory instanceof AdmittingNetServerConnectionFactory net) {
			net.stopAccepting();
		}
	}

	/** Removes the flow (which stops the factory, closing what is still open). */
	public void stop() {
		IntegrationFlowRegistration current = this.registration;
		this.registration = null;
		if (current != null) {
			try {
				this.flows.remove(current.getId());
			}
			catch (RuntimeException ex) {
				logger.warn("Listener '" + this.name + "' did not stop cleanly: " + ex.getMessage());
			}
		}
		if (this.flusher != null) {
			this.flusher.stop();
		}
	}

	/**
	 * @param service the listener's service
	 * @return how its connections are served, for the startup log line
	 */
	public String threadsDescription(SockeyeService service) {
		if (this.properties.io() == Io.BLOCKING) {
			return Threads.virtualAvailable() ? "virtual threads" : "platform threads";
		}
		return service.isBlocking() ? "blocking service on worker threads" : "service on the I/O thread";
	}

}
