package dev.sockeye.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of one upstream of a relay: request time by outcome, open connections,
 * errors by type. The {@code upstream} tag is the configured host:port, so its
 * cardinality is bounded by configuration.
 */
public final class ClientMetrics {

	/**
	 * Requests to upstreams {upstream, outcome} ({@code tcp_client_requests_seconds}).
	 */
	public static final String REQUESTS = "tcp.client.requests";

	/**
	 * Open connections to an upstream {upstream} ({@code tcp_client_connections_active}).
	 */
	public static final String CONNECTIONS_ACTIVE = "tcp.client.connections.active";

	/**
	 * Errors talking to an upstream {upstream, type} ({@code tcp_client_errors_total}).
	 */
	public static final String ERRORS = "tcp.client.errors";

	/** The outcome of one request to an upstream. */
	public enum Outcome {

		/** The upstream replied. */
		SUCCESS,

		/** The upstream did not reply in time. */
		TIMEOUT,

		/** No connection could be made, or it was closed before the reply. */
		UNAVAILABLE,

		/** Anything else. */
		ERROR;

		String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	private final MeterRegistry registry;

	private final Tags tags;

	private final AtomicInteger active = new AtomicInteger();

	private final Timer[] requests = new Timer[Outcome.values().length];

	private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();

	public ClientMetrics(MeterRegistry registry, String listener, String upstream) {
		this.registry = registry;
		this.tags = Tags.of(TcpMeterNames.TAG_LISTENER, listener, "upstream", upstream);
		Gauge.builder(CONNECTIONS_ACTIVE, this.active, AtomicInteger::get)
			.description("Open connections to an upstream")
			.tags(this.tags)
			.register(registry);
		for (Outcome outcome : Outcome.values()) {
			this.requests[outcome.ordinal()] = Timer.builder(REQUESTS)
				.description("Requests forwarded to an upstream, by outcome")
				.tags(this.tags)
				.tag(TcpMeterNames.TAG_OUTCOME, outcome.tag())
				.publishPercentileHistogram()
				.serviceLevelObjectives(Duration.ofMillis(500))
				.minimumExpectedValue(Duration.ofNanos(1000))
				.maximumExpectedValue(Duration.ofSeconds(30))
				.register(registry);
		}
		for (String type : new String[] { "connect", "closed", "timeout", "io" }) {
			error(type, 0);
		}
	}

	public void connectionOpened() {
		this.active.incrementAndGet();
	}

	public void connectionClosed() {
		this.active.decrementAndGet();
	}

	public void request(Outcome outcome, long nanos) {
		this.requests[outcome.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * @param type {@code connect}, {@code closed}, {@code timeout} or {@code io}
	 */
	public void error(String type) {
		error(type, 1);
	}

	private void error(String type, int amount) {
		this.errors
			.computeIfAbsent(type,
					(t) -> Counter.builder(ERRORS)
						.description("Errors talking to an upstream, by type")
						.tags(this.tags)
						.tag(TcpMeterNames.TAG_TYPE, t)
						.register(this.registry))
			.increment(amount);
	}

}
