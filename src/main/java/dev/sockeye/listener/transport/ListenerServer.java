package dev.sockeye.listener.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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
 * One listener's Spring Integration side: for each of its event loops, a connection
 * factory and the flow from its inbound gateway (or channel adapter) to its service,
 * registered and started, bound, and taken down again. Several loops bind one port with
 * SO_REUSEPORT and share the listener's service, meters, caps and connection registry.
 * Nothing outside this package sees a Spring Integration TCP type.
 */
public final class ListenerServer {

	private static final Log logger = LogFactory.getLog(ListenerServer.class);

	private static final long BIND_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(10);

	private final String name;

	private final ListenerProperties properties;

	private final ConnectionFactories factories;

	private final int loops;

	private final WriteFlusher flusher;

	private final IntegrationFlowContext flows;

	/** The loops started so far, the first one bound to the configured port. */
	private final List<Loop> started = new CopyOnWriteArrayList<>();

	/**
	 * @param name the listener's name
	 * @param properties its settings
	 * @param ioThreads its event loops (nio only)
	 * @param service its service
	 * @param connections its open connections
	 * @param admission its admission control
	 * @param tls its TLS, or {@code null} for plain TCP
	 * @param flows where its flow is registered
	 */
	public ListenerServer(String name, ListenerProperties properties, int ioThreads, SockeyeService service,
			ListenerConnections connections, Admission admission, ServerTls tls, IntegrationFlowContext flows) {
		this.name = name;
		this.properties = properties;
		this.flows = flows;
		this.loops = loops(name, properties, ioThreads);
		this.flusher = (properties.io() == Io.NIO) ? new WriteFlusher(name) : null;
		this.factories = new ConnectionFactories(name, properties, service, connections, admission, this.flusher, tls,
				this.loops);
	}

	private static int loops(String name, ListenerProperties properties, int ioThreads) {
		if (properties.io() != Io.NIO || ioThreads <= 1) {
			return 1;
		}
		if (!ServerSocketSupport.reusePortAvailable()) {
			logger.warn("Listener '" + name + "' runs one event loop, not " + ioThreads
					+ ": this platform cannot share a port with SO_REUSEPORT");
			return 1;
		}
		return ioThreads;
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
	 * Registers and starts the flow of each loop, each once its factory is bound: the
	 * first on the configured port, the others on the port it bound.
	 * @param handlers makes the end of each loop's flow
	 * @param failures where a factory's own bind failure turns up
	 * @throws ListenerBindException when the port cannot be bound; the loops started are
	 * left for {@link #stop()}
	 */
	public void start(Supplier<ServiceHandler> handlers, ServerFailures failures) {
		int port = this.properties.port();
		for (int index = 0; index < this.loops; index++) {
			AbstractServerConnectionFactory factory = this.factories.create(index, port);
			String id = "sockeye." + this.name + ((index > 0) ? "." + (index + 1) : "");
			IntegrationFlowRegistration registration = this.flows.registration(flow(factory, handlers.get(), id))
				.id(id)
				.addBean(factory.getBeanName(), factory)
				.autoStartup(false)
				.register();
			this.started.add(new Loop(factory, registration));
			registration.start();
			awaitListening(factory, failures);
			port = factory.getPort();
		}
	}

	private void awaitListening(AbstractServerConnectionFactory factory, ServerFailures failures) {
		long deadline = System.currentTimeMillis() + BIND_TIMEOUT_MILLIS;
		while (!factory.isListening()) {
			Throwable failure = failures.take(factory);
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

	private IntegrationFlow flow(AbstractServerConnectionFactory factory, ServiceHandler handler, String id) {
		if (this.properties.mode() == Mode.ONE_WAY) {
			return IntegrationFlow.from(Tcp.inboundAdapter(factory).id(id + ".adapter")).handle(handler).get();
		}
		// the service runs on the reading thread, so the reply (or its absence) is known
		// when the gateway looks
		ServiceGateway gateway = new ServiceGateway(handler);
		gateway.setConnectionFactory(factory);
		gateway.setReplyTimeout(0);
		gateway.setBeanName(id + ".gateway");
		return IntegrationFlow.from(gateway).handle(handler).get();
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
		AbstractServerConnectionFactory first = first();
		return (first != null && first.isListening()) ? first.getPort() : -1;
	}

	/**
	 * @return whether every loop's socket is bound and accepting
	 */
	public boolean isListening() {
		return this.started.size() == this.loops
				&& this.started.stream().allMatch((loop) -> loop.factory.isListening());
	}

	/**
	 * @return how many event loops (selector threads) it runs; 1 for a blocking listener
	 */
	public int loops() {
		return this.loops;
	}

	/**
	 * @return whether replies go out without Nagle's delay (TCP_NODELAY)
	 */
	public boolean noDelay() {
		AbstractServerConnectionFactory first = first();
		return first != null && first.isSoTcpNoDelay();
	}

	/**
	 * @return the accept backlog the server sockets were given
	 */
	public int backlog() {
		AbstractServerConnectionFactory first = first();
		return (first != null) ? first.getBacklog() : this.properties.backlog();
	}

	/**
	 * @return how many connections Spring Integration still holds in its maps: the open
	 * ones, once closed ones are forgotten
	 */
	public int retainedConnections() {
		int held = 0;
		for (Loop loop : this.started) {
			int inLoop = loop.factory.getOpenConnectionIds().size();
			if (loop.factory instanceof AdmittingNioServerConnectionFactory nio) {
				inLoop = Math.max(inLoop, nio.channelCount());
			}
			held += inLoop;
		}
		return held;
	}

	/** Stops accepting new connections, keeping the open ones. */
	public void stopAccepting() {
		for (Loop loop : this.started) {
			if (loop.factory instanceof AdmittingNioServerConnectionFactory nio) {
				nio.stopAccepting();
			}
			else if (loop.factory instanceof AdmittingNetServerConnectionFactory net) {
				net.stopAccepting();
			}
		}
	}

	/** Removes the flows (which stops the factories, closing what is still open). */
	public void stop() {
		for (Loop loop : this.started) {
			try {
				this.flows.remove(loop.registration.getId());
			}
			catch (RuntimeException ex) {
				logger.warn("Listener '" + this.name + "' did not stop cleanly: " + ex.getMessage());
			}
		}
		this.started.clear();
		if (this.flusher != null) {
			this.flusher.stop();
		}
	}

	private AbstractServerConnectionFactory first() {
		return this.started.isEmpty() ? null : this.started.get(0).factory;
	}

	/**
	 * @param service the listener's service
	 * @return how its connections are served, for the startup log line
	 */
	public String threadsDescription(SockeyeService service) {
		if (this.properties.io() == Io.BLOCKING) {
			return Threads.virtualAvailable() ? "virtual threads" : "platform threads";
		}
		String loops = (this.loops == 1) ? "1 event loop" : this.loops + " event loops";
		return loops + (service.isBlocking() ? ", blocking service on worker threads" : ", service on the I/O thread");
	}

	private record Loop(AbstractServerConnectionFactory factory, IntegrationFlowRegistration registration) {
	}

}
