package dev.sockeye.actuate;

import dev.sockeye.listener.Listeners;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.health.contributor.HealthContributor;

/**
 * The {@code tcp} health component and actuator endpoint.
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

}
