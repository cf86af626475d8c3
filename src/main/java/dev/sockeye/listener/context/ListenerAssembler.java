package dev.sockeye.listener.context;

import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;

import dev.sockeye.listener.config.ListenerBindException;
import dev.sockeye.listener.config.ListenerProperties;
import dev.sockeye.listener.config.ListenerProperties.Mode;
import dev.sockeye.listener.connection.Admission;
import dev.sockeye.listener.connection.ConnectionLog;
import dev.sockeye.listener.connection.ListenerConnections;
import dev.sockeye.listener.connection.TimeoutSweeper;
import dev.sockeye.listener.transport.ListenerServer;
import dev.sockeye.listener.transport.ServerFailures;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.ListenerMetrics;
import dev.sockeye.service.ManagedService;
import dev.sockeye.service.ServiceHandler;
import dev.sockeye.service.SockeyeService;
import dev.sockeye.tls.ServerTls;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.integration.dsl.context.IntegrationFlowContext;

/**
 * Builds one listener from its settings and service (meters, connection registry,
 * admission, timeouts, TLS, the Spring Integration server) and starts it.
 */
final class ListenerAssembler {

	private static final Log logger = LogFactory.getLog(ListenerAssembler.class);

	private final IntegrationFlowContext flows;

	private final MeterRegistry meters;

	private final SslBundles sslBundles;

	private final ServerFailures failures;

	private final ScheduledExecutorService timeouts;

	ListenerAssembler(IntegrationFlowContext flows, MeterRegistry meters, SslBundles sslBundles,
			ServerFailures failures, ScheduledExecutorService timeouts) {
		this.flows = flows;
		this.meters = meters;
		this.sslBundles = sslBundles;
		this.failures = failures;
		this.timeouts = timeouts;
	}

	/**
	 * @param listener the listener, still {@code STARTING}
	 * @param service its service
	 * @param ioThreads its event loops, if it is an nio listener
	 * @throws ListenerBindException when it cannot bind its port; whatever had started is
	 * stopped again
	 */
	void start(RunningListener listener, SockeyeService service, int ioThreads) {
		String name = listener.name();
		ListenerProperties properties = listener.properties();
		ListenerMetrics metrics = new ListenerMetrics(this.meters, name, listener::activeConnections,
				listener::isListening);
		boolean closesAfterReply = properties.closeAfterReply() || properties.framing().codec(1).endsWithStream();
		ListenerConnections connections = new ListenerConnections(metrics,
				closesAfterReply ? CloseReason.REPLY : CloseReason.CLIENT);
		TimeoutSweeper sweeper = new TimeoutSweeper(name, properties, connections);
		listener.onStop(sweeper::stop);
		Admission admission = new Admission(name, properties, metrics);
		connections.admission(admission);
		if (properties.connectionLog()) {
			connections.connectionLog(new ConnectionLog(name));
		}
		metrics.limit(admission.limit());
		listener.connections(connections);
		listener.service(service);
		ServerTls tls = properties.tls().enabled()
				? ServerTls.of(name, this.sslBundles, properties.tls().bundle(), properties.tls().clientAuth()) : null;
		ListenerServer server = new ListenerServer(name, properties, ioThreads, service, connections, admission, tls,
				this.flows);
		listener.server(server);
		try {
			server.probe();
			if (service instanceof ManagedService managed) {
				managed.start();
			}
			// a handler per loop: Spring Integration gives each flow's handler its own
			// endpoint
			server.start(() -> new ServiceHandler(name, properties.service(), service, properties.errorReply(),
					properties.mode() == Mode.REQUEST_REPLY, metrics,
					(connectionId) -> connections.close(connectionId, CloseReason.ERROR)), this.failures);
		}
		catch (ListenerBindException ex) {
			stop(listener);
			throw ex;
		}
		listener.listening();
		sweeper.start(this.timeouts);
		logger.info("Sockeye listener '" + name + "' listening on " + server.address() + ":" + listener.port() + " ("
				+ describe(properties) + ", " + server.threadsDescription(service) + ")");
	}

	/**
	 * Takes a listener's parts down, once: its flow and connection factory, its service,
	 * its timeouts.
	 * @param listener the listener
	 */
	static void stop(RunningListener listener) {
		if (!listener.takeDown()) {
			// a listener that failed to bind was taken down then; a failed start stops
			// all
			return;
		}
		ListenerServer server = listener.server();
		if (server != null) {
			server.stop();
		}
		if (listener.service() instanceof ManagedService managed) {
			try {
				managed.stop();
			}
			catch (RuntimeException ex) {
				logger.warn("Service of listener '" + listener.name() + "' did not stop cleanly: " + ex.getMessage());
			}
		}
		listener.runStopActions();
	}

	private static String describe(ListenerProperties properties) {
		return properties.io().name().toLowerCase(Locale.ROOT) + ", " + properties.framing().configName()
				+ (properties.tls().enabled() ? ", TLS from SSL bundle '" + properties.tls().bundle()
						+ "' (client-auth " + properties.tls().clientAuth().name().toLowerCase(Locale.ROOT) + ")" : "")
				+ ", service '" + properties.service() + "', "
				+ properties.mode().name().toLowerCase(Locale.ROOT).replace('_', '-')
				+ ((properties.greeting() == null) ? ""
						: properties.closeAfterGreeting() ? ", greeting then close" : ", greeting")
				+ (properties.closeAfterReply() ? ", close after reply" : "");
	}

}
