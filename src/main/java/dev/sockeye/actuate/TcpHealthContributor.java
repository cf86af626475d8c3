package dev.sockeye.actuate;

import java.util.stream.Stream;

import dev.sockeye.listener.Listener;
import dev.sockeye.listener.Listeners;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code tcp} health component: one entry per listener, UP while it is bound and
 * accepting connections, DOWN when it failed to bind or has stopped, with its port and
 * connection count. Part of the readiness group, so a stopping or broken listener takes
 * the instance out of service.
 */
final class TcpHealthContributor implements CompositeHealthContributor {

	private final Listeners listeners;

	TcpHealthContributor(Listeners listeners) {
		this.listeners = listeners;
	}

	@Override
	public HealthContributor getContributor(String name) {
		Listener listener = this.listeners.listeners().get(name);
		return (listener != null) ? indicator(listener) : null;
	}

	@Override
	public Stream<Entry> stream() {
		return this.listeners.listeners()
			.values()
			.stream()
			.map((listener) -> new Entry(listener.name(), indicator(listener)));
	}

	private static HealthIndicator indicator(Listener listener) {
		return () -> {
			Health.Builder health = listener.isListening() ? Health.up() : Health.down();
			health.withDetail("state", listener.state().name().toLowerCase(java.util.Locale.ROOT))
				.withDetail("port", TcpEndpoint.shownPort(listener))
				.withDetail("activeConnections", listener.activeConnections());
			if (listener.failure() != null) {
				health.withDetail("error", listener.failure());
			}
			return health.build();
		};
	}

}
