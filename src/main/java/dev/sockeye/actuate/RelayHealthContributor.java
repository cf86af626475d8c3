package dev.sockeye.actuate;

import java.util.stream.Stream;

import dev.sockeye.listener.Listener;
import dev.sockeye.listener.Listeners;
import dev.sockeye.relay.RelayService;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code relay} health component: one entry per relay listener, UP while at least one
 * of its upstreams is reachable (one upstream down of several is a detail, not an
 * outage), DOWN when none is. Each upstream's state is in the details. Not part of
 * readiness: an instance whose upstreams are down still answers with the error reply.
 */
final class RelayHealthContributor implements CompositeHealthContributor {

	private final Listeners listeners;

	RelayHealthContributor(Listeners listeners) {
		this.listeners = listeners;
	}

	@Override
	public HealthContributor getContributor(String name) {
		Listener listener = this.listeners.listeners().get(name);
		return (listener != null && listener.service() instanceof RelayService relay) ? indicator(relay) : null;
	}

	@Override
	public Stream<Entry> stream() {
		return this.listeners.listeners()
			.values()
			.stream()
			.filter((listener) -> listener.service() instanceof RelayService)
			.map((listener) -> new Entry(listener.name(), indicator((RelayService) listener.service())));
	}

	private static HealthIndicator indicator(RelayService relay) {
		return () -> (relay.anyUpstreamAvailable() ? Health.up() : Health.down())
			.withDetail("upstreams", relay.upstreamStates())
			.build();
	}

}
