package dev.sockeye.listener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.sockeye.listener.ListenerProperties.Mode;
import dev.sockeye.service.ServiceHandler;
import dev.sockeye.service.SockeyeService;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.dsl.context.IntegrationFlowContext;
import org.springframework.integration.dsl.context.IntegrationFlowContext.IntegrationFlowRegistration;
import org.springframework.integration.ip.dsl.Tcp;
import org.springframework.integration.ip.tcp.connection.AbstractServerConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpConnectionServerExceptionEvent;

/**
 * Starts every configured listener (a Spring Integration connection factory and an inbound gateway or channel adapter
 * flow feeding the listener's service), waits until each has bound its port, logs where it listens, and publishes the
 * bound ports: as {@code local.sockeye.<name>.port} in the environment and in a {@link ListenersStartedEvent}.
 * A listener that cannot bind stops the application with a {@link ListenerBindException}.
 */
public class ListenerBootstrap implements SmartLifecycle, ApplicationListener<TcpConnectionServerExceptionEvent> {

	private static final Log logger = LogFactory.getLog(ListenerBootstrap.class);

	private static final long BIND_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(10);

	private final SockeyeProperties properties;

	private final ListenerValidator validator;

	private final IntegrationFlowContext flows;

	private final ConfigurableEnvironment environment;

	private final ApplicationEventPublisher events;

	private final Map<Object, Throwable> serverFailures = new ConcurrentHashMap<>();

	private final Map<String, RunningListener> running = new LinkedHashMap<>();

	private volatile boolean started;

	ListenerBootstrap(SockeyeProperties properties, ListenerValidator validator, IntegrationFlowContext flows,
			ConfigurableEnvironment environment, ApplicationEventPublisher events) {
		this.properties = properties;
		this.validator = validator;
		this.flows = flows;
		this.environment = environment;
		this.events = events;
	}

	@Override
	public void start() {
		Map<String, SockeyeService> services = this.validator.validate(this.properties);
		Map<String, Object> ports = new LinkedHashMap<>();
		try {
			services.forEach((name, service) -> {
				RunningListener listener = start(name, this.properties.listeners().get(name), service);
				ports.put("local.sockeye." + name + ".port", listener.port());
			});
		}
		catch (RuntimeException ex) {
			stop();
			throw ex;
		}
		this.environment.getPropertySources().addFirst(new MapPropertySource("sockeye.listeners.bound", ports));
		this.started = true;
		this.events.publishEvent(new ListenersStartedEvent(this, listeners()));
	}

	private RunningListener start(String name, ListenerProperties listener, SockeyeService service) {
		String address = (listener.address() != null) ? listener.address() : "0.0.0.0";
		probeBind(name, listener, address);
		AbstractServerConnectionFactory factory = ConnectionFactories.create(name, listener, service);
		ServiceHandler handler = new ServiceHandler(name, listener.service(), service, listener.errorReply(),
				listener.mode() == Mode.REQUEST_REPLY);
		IntegrationFlow flow = (listener.mode() == Mode.REQUEST_REPLY)
				// the flow runs on the reading thread, so the reply (or its absence) is known when the gateway looks
				? IntegrationFlow.from(Tcp.inboundGateway(factory).id("sockeye." + name + ".gateway").replyTimeout(0))
					.handle(handler)
					.get()
				: IntegrationFlow.from(Tcp.inboundAdapter(factory).id("sockeye." + name + ".adapter"))
					.handle(handler)
					.get();
		IntegrationFlowRegistration registration = this.flows.registration(flow)
			.id("sockeye." + name)
			.addBean(factory.getBeanName(), factory)
			.autoStartup(false)
			.register();
		RunningListener running = new RunningListener(name, listener, factory, registration);
		this.running.put(name, running);
		registration.start();
		awaitListening(running, address);
		logger.info("Sockeye listener '" + name + "' listening on " + address + ":" + running.port() + " ("
				+ listener.io().name().toLowerCase() + ", " + listener.framing().configName() + ", service '"
				+ listener.service() + "', " + listener.mode().name().toLowerCase().replace('_', '-')
				+ threadsDescription(listener, service) + ")");
		return running;
	}

	private static String threadsDescription(ListenerProperties listener, SockeyeService service) {
		if (listener.io() == ListenerProperties.Io.BLOCKING) {
			return Threads.virtualAvailable() ? ", virtual threads" : ", platform threads";
		}
		return service.isBlocking() ? ", blocking service on worker threads" : ", service on the I/O thread";
	}

	/**
	 * Binds and releases the port first, so that a port in use fails fast with a clear message rather than a stack
	 * trace logged from the connection factory's thread.
	 */
	private static void probeBind(String name, ListenerProperties listener, String address) {
		if (listener.port() == 0) {
			return;
		}
		try (ServerSocket probe = new ServerSocket()) {
			probe.setReuseAddress(true);
			probe.bind(new InetSocketAddress(address, listener.port()), 1);
		}
		catch (IOException ex) {
			throw new ListenerBindException(name, address, listener.port(), ex);
		}
	}

	private void awaitListening(RunningListener listener, String address) {
		AbstractServerConnectionFactory factory = listener.factory();
		long deadline = System.currentTimeMillis() + BIND_TIMEOUT_MILLIS;
		while (!factory.isListening()) {
			Throwable failure = this.serverFailures.remove(factory);
			if (failure != null || System.currentTimeMillis() > deadline) {
				throw new ListenerBindException(listener.name(), address, listener.properties().port(),
						(failure != null) ? failure : new IOException("Not listening after " + BIND_TIMEOUT_MILLIS
								+ " ms"));
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while starting listener '" + listener.name() + "'", ex);
			}
		}
	}

	@Override
	public void onApplicationEvent(TcpConnectionServerExceptionEvent event) {
		this.serverFailures.put(event.getSource(), event.getCause());
	}

	@Override
	public void stop() {
		this.started = false;
		this.running.values().forEach((listener) -> {
			try {
				this.flows.remove(listener.registration().getId());
			}
			catch (RuntimeException ex) {
				logger.warn("Listener '" + listener.name() + "' did not stop cleanly: " + ex.getMessage());
			}
			logger.info("Sockeye listener '" + listener.name() + "' stopped");
		});
		this.running.clear();
	}

	@Override
	public boolean isRunning() {
		return this.started;
	}

	@Override
	public int getPhase() {
		// start after other beans (the web server included), stop before them
		return SmartLifecycle.DEFAULT_PHASE - 1024;
	}

	/** @return the running listeners by name, in start order */
	public Map<String, RunningListener> listeners() {
		return Collections.unmodifiableMap(new LinkedHashMap<>(this.running));
	}

	/**
	 * @param name a listener's name
	 * @return its bound port
	 * @throws IllegalArgumentException when no such listener runs
	 */
	public int port(String name) {
		RunningListener listener = this.running.get(name);
		if (listener == null) {
			throw new IllegalArgumentException("No running listener named '" + name + "'");
		}
		return listener.port();
	}

}
