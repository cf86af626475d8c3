package dev.sockeye.actuate;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import dev.sockeye.listener.Listener;
import dev.sockeye.listener.Listeners;
import dev.sockeye.listener.config.ListenerProperties;
import dev.sockeye.metrics.TcpMeterNames;
import dev.sockeye.relay.RelayService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;

/**
 * {@code /actuator/status}: one compact snapshot of the instance and every listener, its
 * counters read from the meters, for the status page at {@code /} to poll (each poll
 * reads meters and counts, never the connection list, so an open page costs a busy server
 * almost nothing). Counters are totals since start; the page turns them into rates.
 * Read-only: closing a connection stays with the {@code tcp} endpoint and its access.
 */
@Endpoint(id = "status", defaultAccess = Access.READ_ONLY)
public class StatusEndpoint {

	private final Listeners listeners;

	private final MeterRegistry registry;

	private final ApplicationAvailability availability;

	private final Supplier<Access> tcpAccess;

	private final ToIntFunction<String> loops;

	private final String version;

	private final Clock clock;

	StatusEndpoint(Listeners listeners, MeterRegistry registry, ApplicationAvailability availability,
			Supplier<Access> tcpAccess, ToIntFunction<String> loops, @Nullable String version, Clock clock) {
		this.listeners = listeners;
		this.registry = registry;
		this.availability = availability;
		this.tcpAccess = tcpAccess;
		this.loops = loops;
		this.version = (version != null) ? version : "development";
		this.clock = clock;
	}

	@ReadOperation
	public Status status() {
		Instant now = this.clock.instant();
		long startedAt = ManagementFactory.getRuntimeMXBean().getStartTime();
		Instance instance = new Instance(this.version, Instant.ofEpochMilli(startedAt),
				Runtime.version().toString() + " (" + System.getProperty("java.vm.name") + ")",
				TcpEndpoint.lower(this.availability.getReadinessState()),
				TcpEndpoint.lower(this.availability.getLivenessState()), this.tcpAccess.get() == Access.UNRESTRICTED);
		List<ListenerStatus> listeners = new ArrayList<>();
		for (Listener listener : this.listeners.listeners().values()) {
			listeners.add(describe(listener));
		}
		return new Status(now, instance, listeners);
	}

	private ListenerStatus describe(Listener listener) {
		ListenerProperties properties = listener.properties();
		String name = listener.name();
		Map<String, String> upstreams = (listener.service() instanceof RelayService relay) ? relay.upstreamStates()
				: Map.of();
		return new ListenerStatus(name, TcpEndpoint.lower(listener.state()), listener.failure(),
				TcpEndpoint.shownPort(listener), (properties.address() != null) ? properties.address() : "0.0.0.0",
				TcpEndpoint.lower(properties.io()),
				(properties.io() == ListenerProperties.Io.NIO) ? this.loops.applyAsInt(name) : 0,
				properties.framing().configName(), properties.service(), TcpEndpoint.lower(properties.mode()),
				properties.tls().enabled() ? properties.tls().bundle() : null,
				TcpEndpoint.lower(properties.proxyProtocol()), listener.activeConnections(),
				properties.maxConnections(), count(TcpMeterNames.CONNECTIONS_OPENED, name),
				tagged(TcpMeterNames.CONNECTIONS_REJECTED, name, TcpMeterNames.TAG_REASON),
				tagged(TcpMeterNames.CONNECTIONS_CLOSED, name, TcpMeterNames.TAG_REASON),
				tagged(TcpMeterNames.ERRORS, name, TcpMeterNames.TAG_TYPE),
				count(TcpMeterNames.MESSAGES_RECEIVED, name), count(TcpMeterNames.MESSAGES_SENT, name),
				count(TcpMeterNames.RECEIVED_BYTES, name), count(TcpMeterNames.SENT_BYTES, name), latency(name),
				upstreams);
	}

	private long count(String meter, String listener) {
		double total = 0;
		for (Counter counter : this.registry.find(meter).tag(TcpMeterNames.TAG_LISTENER, listener).counters()) {
			total += counter.count();
		}
		return (long) total;
	}

	private Map<String, Long> tagged(String meter, String listener, String tag) {
		Map<String, Long> counts = new TreeMap<>();
		for (Counter counter : this.registry.find(meter).tag(TcpMeterNames.TAG_LISTENER, listener).counters()) {
			long count = (long) counter.count();
			if (count > 0) {
				counts.merge(counter.getId().getTag(tag), count, Long::sum);
			}
		}
		return counts;
	}

	/**
	 * The request-duration histogram of every service and outcome, merged, since start:
	 * the upper bounds (seconds) of the buckets where the count of requests at or under
	 * them steps up, and those counts. The page takes the difference of two polls to show
	 * the latency of the last seconds, not of all time.
	 */
	private Histogram latency(String listener) {
		double[] bounds = null;
		double[] counts = null;
		long total = 0;
		for (Timer timer : this.registry.find(TcpMeterNames.REQUEST_DURATION)
			.tag(TcpMeterNames.TAG_LISTENER, listener)
			.timers()) {
			CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
			total += timer.count();
			if (bounds == null) {
				bounds = new double[buckets.length];
				counts = new double[buckets.length];
				for (int i = 0; i < buckets.length; i++) {
					bounds[i] = buckets[i].bucket(TimeUnit.SECONDS);
				}
			}
			for (int i = 0; i < Math.min(buckets.length, counts.length); i++) {
				counts[i] += buckets[i].count();
			}
		}
		if (bounds == null) {
			return new Histogram(new double[0], new long[0], 0);
		}
		// only the buckets where the cumulative count steps up: a few of the ~100 on a
		// steady service
		List<Integer> steps = new ArrayList<>();
		for (int i = 0; i < counts.length; i++) {
			if (counts[i] > ((i == 0) ? 0 : counts[i - 1])) {
				steps.add(i);
			}
		}
		double[] stepBounds = new double[steps.size()];
		long[] stepCounts = new long[steps.size()];
		for (int i = 0; i < steps.size(); i++) {
			stepBounds[i] = bounds[steps.get(i)];
			stepCounts[i] = (long) counts[steps.get(i)];
		}
		return new Histogram(stepBounds, stepCounts, total);
	}

	/**
	 * @param time when the snapshot was taken
	 * @param instance the instance
	 * @param listeners every configured listener, in name order
	 */
	public record Status(Instant time, Instance instance, List<ListenerStatus> listeners) {
	}

	/**
	 * @param version the application's version
	 * @param startedAt when the JVM started
	 * @param java the JVM's version and name
	 * @param readiness accepting-traffic or refusing-traffic
	 * @param liveness correct or broken
	 * @param canCloseConnections whether {@code DELETE /actuator/tcp/...} is allowed
	 */
	public record Instance(String version, Instant startedAt, String java, String readiness, String liveness,
			boolean canCloseConnections) {
	}

	/**
	 * One listener.
	 *
	 * @param name its name
	 * @param state starting, listening, failed or stopped
	 * @param error why it failed, if it did
	 * @param port the bound port (the configured one when not listening)
	 * @param address the local address it binds
	 * @param io nio or blocking
	 * @param loops its event loops (nio), 0 for blocking (a thread per connection)
	 * @param framing its framing
	 * @param service its service
	 * @param mode request-reply or one-way
	 * @param tlsBundle its SSL bundle, when it speaks TLS
	 * @param proxyProtocol the PROXY protocol it expects
	 * @param connections open connections
	 * @param maxConnections the cap on open connections (0: none)
	 * @param opened connections accepted since start
	 * @param rejected connections refused since start, by reason
	 * @param closed connections closed since start, by reason
	 * @param errors errors since start, by type
	 * @param messagesReceived messages received since start
	 * @param messagesSent messages sent since start
	 * @param bytesReceived bytes received since start
	 * @param bytesSent bytes sent since start
	 * @param latency the request-duration histogram since start
	 * @param upstreams a relay's upstreams: up, or down with the last error
	 */
	public record ListenerStatus(String name, String state, @Nullable String error, int port, String address, String io,
			int loops, String framing, String service, String mode, @Nullable String tlsBundle, String proxyProtocol,
			int connections, int maxConnections, long opened, Map<String, Long> rejected, Map<String, Long> closed,
			Map<String, Long> errors, long messagesReceived, long messagesSent, long bytesReceived, long bytesSent,
			Histogram latency, Map<String, String> upstreams) {
	}

	/**
	 * @param bounds upper bounds (seconds) of the buckets that hold requests
	 * @param counts requests at or under each bound
	 * @param total all requests
	 */
	public record Histogram(double[] bounds, long[] counts, long total) {
	}

}
