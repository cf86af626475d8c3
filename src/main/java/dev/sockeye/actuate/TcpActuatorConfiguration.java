package dev.sockeye.actuate;

import java.time.Clock;

import dev.sockeye.listener.Listeners;
import dev.sockeye.listener.config.SockeyeProperties;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.info.BuildProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.health.contributor.HealthContributor;

/**
 * The {@code tcp} health component and the {@code tcp} and {@code status} actuator
 * endpoints.
 */
@Configuration(proxyBeanMethods = false)
class TcpActuatorConfiguration {

	@Bean
	HealthContributor tcpHealthContributor(Listeners listeners) {
		return new TcpHealthContributor(listeners);
	}

	@Bean
	HealthContributor relayHealthContributor(Listeners listeners) {
		return new RelayHealthContributor(listeners);
	}

	@Bean
	TcpEndpoint tcpEndpoint(Listeners listeners) {
		return new TcpEndpoint(listeners);
	}

	@Bean
	StatusEndpoint statusEndpoint(Listeners listeners, SockeyeProperties properties, MeterRegistry registry,
			ApplicationAvailability availability, ObjectProvider<EndpointAccessResolver> access,
			ObjectProvider<BuildProperties> build) {
		BuildProperties buildProperties = build.getIfAvailable();
		return new StatusEndpoint(listeners, registry, availability, () -> tcpAccess(access.getIfAvailable()),
				(name) -> properties.ioThreadsOf(name, Runtime.getRuntime().availableProcessors()),
				(buildProperties != null) ? buildProperties.getVersion() : null, Clock.systemUTC());
	}

	private static Access tcpAccess(EndpointAccessResolver resolver) {
		return (resolver != null) ? resolver.accessFor(EndpointId.of("tcp"), Access.READ_ONLY) : Access.READ_ONLY;
	}

}
