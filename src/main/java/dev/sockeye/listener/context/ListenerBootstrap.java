package dev.sockeye.listener.context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import dev.sockeye.listener.ListenersStartedEvent;
import dev.sockeye.listener.config.ListenerBindException;
import dev.sockeye.listener.config.ListenerValidator;
import dev.sockeye.listener.config.SockeyeProperties;
import dev.sockeye.service.SockeyeService;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts every configured listener after the rest of the context and publishes the bound
 * ports, as {@code local.sockeye.<name>.port} in the environment and in a
 * {@link ListenersStartedEvent}; drains them first on shutdown. A listener that cannot
 * bind stops the application with a {@link ListenerBindException}, unless
 * {@code sockeye.fail-on-bind-error} is false: then it is left {@code FAILED} and
 * reported by health.
 */
final class ListenerBootstrap implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ListenerBootstrap.class);

	private final SockeyeProperties properties;

	private final ListenerValidator validator;

	private final ListenerRegistry registry;

	private final ListenerAssembler assembler;

	private final ScheduledExecutorService timeouts;

	private final ConfigurableEnvironment environment;

	private final ApplicationEventPublisher events;

	private volatile boolean started;

	ListenerBootstrap(SockeyeProperties properties, ListenerValidator validator, ListenerRegistry registry,
			ListenerAssembler assembler, ScheduledExecutorService timeouts, ConfigurableEnvironment environment,
			ApplicationEventPublisher events) {
		this.properties = properties;
		this.validator = validator;
		this.registry = registry;
		this.assembler = assembler;
		this.timeouts = timeouts;
		this.environment = environment;
		this.events = events;
	}

	/** The thread every listener's timeouts are swept on. */
	static ScheduledExecutorService timeoutThread() {
		return Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "sockeye-timeouts");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public void start() {
		Map<String, SockeyeService> services = this.validator.validate(this.properties);
		Map<String, Object> ports = new LinkedHashMap<>();
		try {
			services.forEach((name, service) -> {
				RunningListener listener = new RunningListener(name, this.properties.listeners().get(name));
				this.registry.add(listener);
				start(listener, service);
				ports.put("local.sockeye." + name + ".port", listener.port());
			});
		}
		catch (RuntimeException ex) {
			this.registry.running().forEach(ListenerAssembler::stop);
			throw ex;
		}
		this.environment.getPropertySources().addFirst(new MapPropertySource("sockeye.listeners.bound", ports));
		this.started = true;
		this.events.publishEvent(new ListenersStartedEvent(this, this.registry.listeners()));
	}

	private void start(RunningListener listener, SockeyeService service) {
		try {
			this.assembler.start(listener, service,
					this.properties.ioThreadsOf(listener.name(), Runtime.getRuntime().availableProcessors()));
		}
		catch (ListenerBindException ex) {
			if (this.properties.failOnBindError()) {
				throw ex;
			}
			logger.error(ex.getMessage() + "; the application runs on without this listener"
					+ " (sockeye.fail-on-bind-error=false)");
			listener.failed(ex.getMessage());
		}
	}

	/**
	 * Drains and stops every listener once readiness refuses traffic: see {@link Drain}.
	 */
	@Override
	public void stop() {
		if (!this.started) {
			return;
		}
		this.started = false;
		AvailabilityChangeEvent.publish(this.events, this, ReadinessState.REFUSING_TRAFFIC);
		Drain drain = new Drain(this.properties.drainTimeout());
		drain.delay(this.properties.drainDelay());
		drain.drainAndStop(new ArrayList<>(this.registry.running()));
		this.timeouts.shutdownNow();
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

}
