package dev.sockeye.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;

/**
 * The meters of one listener, registered once when the listener starts and updated on the
 * hot path without lookups: every counter, timer and tag combination is resolved up front
 * (or once per service and outcome). Like Micrometer's {@code JettyConnectionMetrics},
 * one instance per listener, bound to one registry.
 */
public final class ListenerMetrics {

	private static final String OUTCOME_SUCCESS = "success";

	private static final String OUTCOME_ERROR = "error";

	private final MeterRegistry registry;

	private final Tags tags;

	private final Counter opened;

	private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);

	private final Map<String, Counter> rejected = new ConcurrentHashMap<>();

	private final Timer connectionDuration;

	private final Counter receivedBytes;

	private final Counter sentBytes;

	private final Counter messagesReceived;

	private final Counter messagesSent;

	private final Map<ErrorType, Counter> errors = new EnumMap<>(ErrorType.class);

	private final Map<String, Timer[]> requestTimers = new ConcurrentHashMap<>();

	/**
	 * @param registry where the meters go
	 * @param listener the listener's name
	 * @param active the number of open connections
	 * @param up whether the listener accepts connections
	 */
	public ListenerMetrics(MeterRegistry registry, String listener, IntSupplier active, BooleanSupplier up) {
		this.registry = registry;
		this.tags = Tags.of(TcpMeterNames.TAG_LISTENER, listener);
		Gauge.builder(TcpMeterNames.CONNECTIONS_ACTIVE, active, IntSupplier::getAsInt)
			.description("Open connections")
			.tags(this.tags)
			.strongReference(true)
			.register(registry);
		Gauge.builder(TcpMeterNames.LISTENER_UP, up, (u) -> u.getAsBoolean() ? 1 : 0)
			.description("1 while the listener is bound and accepting connections, 0 when it failed or stopped")
			.tags(this.tags)
			.strongReference(true)
			.register(registry);
		this.opened = counter(TcpMeterNames.CONNECTIONS_OPENED, "Connections accepted", null);
		for (CloseReason reason : CloseReason.values()) {
			this.closed.put(reason,
					Counter.builder(TcpMeterNames.CONNECTIONS_CLOSED)
						.description("Connections closed, by reason")
						.tags(this.tags)
						.tag(TcpMeterNames.TAG_REASON, reason.tag())
						.register(registry));
		}
		this.connectionDuration = Timer.builder(TcpMeterNames.CONNECTION_DURATION)
			.description("How long connections stayed open")
			.tags(this.tags)
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofMillis(1))
			.maximumExpectedValue(Duration.ofDays(1))
			.register(registry);
		this.receivedBytes = counter(TcpMeterNames.RECEIVED_BYTES, "Bytes read from clients, framing included",
				BaseUnits.BYTES);
		this.sentBytes = counter(TcpMeterNames.SENT_BYTES, "Bytes written to clients, framing included",
				BaseUnits.BYTES);
		this.messagesReceived = counter(TcpMeterNames.MESSAGES_RECEIVED, "Messages received", null);
		this.messagesSent = counter(TcpMeterNames.MESSAGES_SENT, "Messages sent", null);
		for (ErrorType type : ErrorType.values()) {
			this.errors.put(type,
					Counter.builder(TcpMeterNames.ERRORS)
						.description("Errors, by type")
						.tags(this.tags)
						.tag(TcpMeterNames.TAG_TYPE, type.tag())
						.register(registry));
		}
	}

	private Counter counter(String name, String description, String baseUnit) {
		return Counter.builder(name)
			.description(description)
			.baseUnit(baseUnit)
			.tags(this.tags)
			.register(this.registry);
	}

	public void opened() {
		this.opened.increment();
	}

	public void closed(CloseReason reason, long openNanos) {
		this.closed.get(reason).increment();
		this.connectionDuration.record(openNanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * @param reason why the connection was refused, e.g. {@code max_connections}
	 */
	public void rejected(String reason) {
		rejectedCounter(reason).increment();
	}

	/**
	 * @param reason a reason connections may be refused for
	 * @return its counter, registered at 0 the first time so that the first refusal shows
	 * as an increase
	 */
	public Counter rejectedCounter(String reason) {
		return this.rejected.computeIfAbsent(reason,
				(r) -> Counter.builder(TcpMeterNames.CONNECTIONS_REJECTED)
					.description("Connections refused before any read, by reason")
					.tags(this.tags)
					.tag(TcpMeterNames.TAG_REASON, r)
					.register(this.registry));
	}

	/**
	 * @param limit the listener's connection cap, published as a gauge when there is one
	 */
	public void limit(int limit) {
		if (limit > 0) {
			Gauge.builder(TcpMeterNames.CONNECTIONS_LIMIT, () -> limit)
				.description("The most connections the listener accepts at once")
				.tags(this.tags)
				.strongReference(true)
				.register(this.registry);
		}
	}

	public void received(int bytes) {
		this.receivedBytes.increment(bytes);
	}

	public void sent(int bytes) {
		this.sentBytes.increment(bytes);
	}

	public void messageReceived() {
		this.messagesReceived.increment();
	}

	public void messageSent() {
		this.messagesSent.increment();
	}

	/**
	 * @return messages received since the listener started
	 */
	public long messagesReceivedTotal() {
		return (long) this.messagesReceived.count();
	}

	/**
	 * @return messages sent since the listener started
	 */
	public long messagesSentTotal() {
		return (long) this.messagesSent.count();
	}

	public void error(ErrorType type) {
		this.errors.get(type).increment();
	}

	/**
	 * Records one request's service time.
	 * @param service the service's name
	 * @param success whether the service returned normally
	 * @param nanos how long it took
	 */
	public void request(String service, boolean success, long nanos) {
		Timer[] timers = this.requestTimers.computeIfAbsent(service,
				(s) -> new Timer[] { requestTimer(s, OUTCOME_SUCCESS), requestTimer(s, OUTCOME_ERROR) });
		timers[success ? 0 : 1].record(nanos, TimeUnit.NANOSECONDS);
	}

	private Timer requestTimer(String service, String outcome) {
		return Timer.builder(TcpMeterNames.REQUEST_DURATION)
			.description("Service time of each request, from the decoded request to the reply handed to the connection")
			.tags(this.tags)
			.tag(TcpMeterNames.TAG_SERVICE, service)
			.tag(TcpMeterNames.TAG_OUTCOME, outcome)
			.publishPercentileHistogram()
			.serviceLevelObjectives(Duration.ofMillis(500))
			.minimumExpectedValue(Duration.ofNanos(1000))
			.maximumExpectedValue(Duration.ofSeconds(30))
			.register(this.registry);
	}

	/** Removes this listener's meters, when the listener is removed. */
	public void remove() {
		this.registry.getMeters()
			.stream()
			.filter((meter) -> this.tags.stream()
				.allMatch((tag) -> tag.getValue().equals(meter.getId().getTag(tag.getKey()))))
			.map(Meter::getId)
			.toList()
			.forEach(this.registry::remove);
	}

}
