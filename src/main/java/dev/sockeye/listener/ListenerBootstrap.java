package dev.sockeye.listener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.sockeye.listener.ListenerProperties.Mode;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.ListenerMetrics;
import dev.sockeye.service.ManagedService;
import dev.sockeye.service.ServiceHandler;
import dev.sockeye.service.SockeyeService;
import dev.sockeye.tls.ServerTls;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.ssl.SslBundles;
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
 * Starts every configured listener (a Spring Integration connection factory and an
 * inbound gateway or channel adapter flow feeding the listener's service), waits until
 * each has bound its port, logs where it listens, and publishes the bound ports: as
 * {@code local.sockeye.<name>.port} in the environment and in a
 * {@link ListenersStartedEvent}. A listener that cannot bind stops the application with a
 * {@link ListenerBindException}, unless {@code sockeye.fail-on-bind-error} is false: then
 * it is left {@link Listener.State#FAILED} and reported by health.
 */
public class ListenerBootstrap implements SmartLifecycle, ApplicationListener<TcpConnectionServerExceptionEvent> {

	private static final Log logger = LogFactory.getLog(ListenerBootstrap.class);

	private static final long BIND_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(10);

	private final SockeyeProperties properties;

	private final ListenerValidator validator;

	private final IntegrationFlowContext flows;

	private final MeterRegistry meters;

	private final ConfigurableEnvironment environment;

	private final ApplicationEventPublisher events;

	private final Map<Object, Throwable> serverFailures = new ConcurrentHashMap<>();

	private final Map<String, Listener> listeners = new ConcurrentHashMap<>();

	private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "sockeye-timeouts");
		thread.setDaemon(true);
		return thread;
	});

	private final SslBundles sslBundles;

	private volatile boolean started;

	ListenerBootstrap(SockeyeProperties properties, ListenerValidator validator, IntegrationFlowContext flows,
			MeterRegistry meters, ConfigurableEnvironment environment, ApplicationEventPublisher events,
			SslBundles sslBundles) {
		this.properties = properties;
		this.sslBundles = sslBundles;
		this.validator = validator;
		this.flows = flows;
		this.meters = meters;
		this.environment = environment;
		this.events = events;
	}

	@Override
	public void start() {
		Map<String, SockeyeService> services = this.validator.validate(this.properties);
		Map<String, Object> ports = new LinkedHashMap<>();
		try {
			services.forEach((name, service) -> {
				Listener listener = start(name, this.properties.listeners().get(name), service);
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

	private Listener start(String name, ListenerProperties properties, SockeyeService service) {
		Listener listener = new Listener(name, properties);
		this.listeners.put(name, listener);
		ListenerMetrics metrics = new ListenerMetrics(this.meters, name, listener::activeConnections,
				listener::isListening);
		boolean closesAfterReply = properties.closeAfterReply() || properties.framing().codec(1).endsWithStream();
		ListenerConnections connections = new ListenerConnections(metrics,
				closesAfterReply ? CloseReason.REPLY : CloseReason.CLIENT);
		WriteFlusher flusher = (properties.io() == ListenerProperties.Io.NIO) ? new WriteFlusher(name) : null;
		TimeoutSweeper sweeper = new TimeoutSweeper(name, properties, connections);
		listener.onStop(sweeper::stop);
		if (flusher != null) {
			listener.onStop(flusher::stop);
		}
		Admission admission = new Admission(name, properties, metrics);
		connections.admission(admission);
		metrics.limit(admission.limit());
		listener.connections(connections);
		String address = (properties.address() != null) ? properties.address() : "0.0.0.0";
		listener.service(service);
		try {
			probeBind(name, properties, address);
			if (service instanceof ManagedService managed) {
				managed.start();
			}
			ServerTls tls = properties.tls().enabled()
					? ServerTls.of(name, this.sslBundles, properties.tls().bundle(), properties.tls().clientAuth())
					: null;
			AbstractServerConnectionFactory factory = ConnectionFactories.create(name, properties, service, connections,
					admission, flusher, tls);
			ServiceHandler handler = new ServiceHandler(name, properties.service(), service, properties.errorReply(),
					properties.mode() == Mode.REQUEST_REPLY, metrics,
					(connectionId) -> listener.listenerConnections().close(connectionId, CloseReason.ERROR));
			IntegrationFlowRegistration registration = this.flows.registration(flow(name, properties, factory, handler))
				.id("sockeye." + name)
				.addBean(factory.getBeanName(), factory)
				.autoStartup(false)
				.register();
			listener.started(factory, registration);
			registration.start();
			awaitListening(listener, address);
		}
		catch (ListenerBindException ex) {
			if (this.properties.failOnBindError()) {
				throw ex;
			}
			logger.error(ex.getMessage() + "; the application runs on without this listener"
					+ " (sockeye.fail-on-bind-error=false)");
			removeFlow(listener);
			stopService(listener);
			listener.runStopActions();
			listener.failed(ex.getMessage());
			return listener;
		}
		listener.listening();
		sweeper.start(this.timeouts);
		logger.info("Sockeye listener '" + name + "' listening on " + address + ":" + listener.port() + " ("
				+ properties.io().name().toLowerCase(Locale.ROOT) + ", " + properties.framing().configName()
				+ (properties.tls().enabled() ? ", TLS from SSL bundle '" + properties.tls().bundle()
						+ "' (client-auth " + properties.tls().clientAuth().name().toLowerCase(Locale.ROOT) + ")" : "")
				+ ", service '" + properties.service() + "', "
				+ properties.mode().name().toLowerCase(Locale.ROOT).replace('_', '-')
				+ ((properties.greeting() == null) ? ""
						: properties.closeAfterGreeting() ? ", greeting then close" : ", greeting")
				+ (properties.closeAfterReply() ? ", close after reply" : "") + threadsDescription(properties, service)
				+ ")");
		return listener;
	}

	private static IntegrationFlow flow(String name, ListenerProperties properties,
			AbstractServerConnectionFactory factory, ServiceHandler handler) {
		if (properties.mode() == Mode.ONE_WAY) {
			return IntegrationFlow.from(Tcp.inboundAdapter(factory).id("sockeye." + name + ".adapter"))
				.handle(handler)
				.get();
		}
		// the flow runs on the reading thread, so the reply (or its absence) is known
		// when the gateway looks
		return IntegrationFlow.from(Tcp.inboundGateway(factory).id("sockeye." + name + ".gateway").replyTimeout(0))
			.handle(handler)
			.get();
	}

	private static String threadsDescription(ListenerProperties listener, SockeyeService service) {
		if (listener.io() == ListenerProperties.Io.BLOCKING) {
			return Threads.virtualAvailable() ? ", virtual threads" : ", platform threads";
		}
		return service.isBlocking() ? ", blocking service on worker threads" : ", service on the I/O thread";
	}

	/**
	 * Binds and releases the port first, so that a port in use fails fast with a clear
	 * message rather than a stack trace logged from the connection factory's thread.
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

	private void awaitListening(Listener listener, String address) {
		AbstractServerConnectionFactory factory = listener.factory();
		long deadline = System.currentTimeMillis() + BIND_TIMEOUT_MILLIS;
		while (!factory.isListening()) {
			Throwable failure = this.serverFailures.remove(factory);
			if (failure != null || System.currentTimeMillis() > deadline) {
				throw new ListenerBindException(listener.name(), address, listener.properties().port(),
						(failure != null) ? failure
								: new IOException("Not listening after " + BIND_TIMEOUT_MILLIS + " ms"));
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

	/**
	 * Drains and stops every listener: readiness goes to refusing traffic, listeners stop
	 * accepting, connections are closed as soon as they are at a frame boundary (every
	 * request read has its reply written), and those still busy at
	 * {@code sockeye.drain-timeout} are closed anyway and counted.
	 */
	@Override
	public void stop() {
		if (!this.started) {
			return;
		}
		this.started = false;
		AvailabilityChangeEvent.publish(this.events, this, ReadinessState.REFUSING_TRAFFIC);
		java.util.List<Listener> draining = this.listeners.values()
			.stream()
			.filter((listener) -> listener.state() == Listener.State.LISTENING)
			.toList();
		draining.forEach(Listener::stopAccepting);
		long deadline = System.nanoTime() + this.properties.drainTimeout().toNanos();
		int busy = drainOnce(draining);
		while (busy > 0 && System.nanoTime() < deadline) {
			sleep(20);
			busy = drainOnce(draining);
		}
		for (Listener listener : draining) {
			int forced = listener.activeConnections();
			listener.stopped();
			ListenerConnections connections = listener.listenerConnections();
			connections.markClosing(CloseReason.SHUTDOWN);
			removeFlow(listener);
			stopService(listener);
			listener.runStopActions();
			logger.info("Sockeye listener '" + listener.name() + "' stopped: " + connections.messagesReceived()
					+ " messages received, " + connections.messagesSent() + " sent" + ((forced > 0)
							? "; " + forced + " connection(s) still busy at the drain timeout were closed" : ""));
		}
	}

	private static int drainOnce(java.util.List<Listener> listeners) {
		int busy = 0;
		for (Listener listener : listeners) {
			busy += listener.listenerConnections().closeIdle();
		}
		return busy;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void removeFlow(Listener listener) {
		IntegrationFlowRegistration registration = listener.registration();
		if (registration == null) {
			return;
		}
		try {
			this.flows.remove(registration.getId());
		}
		catch (RuntimeException ex) {
			logger.warn("Listener '" + listener.name() + "' did not stop cleanly: " + ex.getMessage());
		}
	}

	private static void stopService(Listener listener) {
		if (listener.service() instanceof ManagedService managed) {
			try {
				managed.stop();
			}
			catch (RuntimeException ex) {
				logger.warn("Service of listener '" + listener.name() + "' did not stop cleanly: " + ex.getMessage());
			}
		}
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

	/**
	 * @return every configured listener by name, including any that failed to start
	 */
	public Map<String, Listener> listeners() {
		return Collections.unmodifiableMap(new java.util.TreeMap<>(this.listeners));
	}

	/**
	 * @param name a listener's name
	 * @return its bound port
	 * @throws IllegalArgumentException when no such listener runs
	 */
	public int port(String name) {
		Listener listener = this.listeners.get(name);
		if (listener == null) {
			throw new IllegalArgumentException("No listener named '" + name + "'");
		}
		return listener.port();
	}

}
