package dev.sockeye.support;

import dev.sockeye.metrics.TcpMeterNames;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Reads one listener's meters, for exact assertions.
 */
public final class Meters {

	private final MeterRegistry registry;

	public Meters(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * @return connections the listener refused for {@code reason}
	 */
	public double rejected(String listener, String reason) {
		return this.registry.get(TcpMeterNames.CONNECTIONS_REJECTED)
			.tag("listener", listener)
			.tag("reason", reason)
			.counter()
			.count();
	}

	/**
	 * @return connections the listener closed with {@code reason}
	 */
	public double closed(String listener, String reason) {
		return this.registry.get(TcpMeterNames.CONNECTIONS_CLOSED)
			.tag("listener", listener)
			.tag("reason", reason)
			.counter()
			.count();
	}

	/**
	 * @return errors of {@code type} on the listener
	 */
	public double errors(String listener, String type) {
		return this.registry.get(TcpMeterNames.ERRORS).tag("listener", listener).tag("type", type).counter().count();
	}

	/**
	 * @return the count of the listener's counter {@code name}
	 */
	public double counter(String name, String listener) {
		return this.registry.get(name).tag("listener", listener).counter().count();
	}

	/**
	 * @return the value of the listener's gauge {@code name}
	 */
	public double gauge(String name, String listener) {
		return this.registry.get(name).tag("listener", listener).gauge().value();
	}

}
