package dev.sockeye.listener;

import dev.sockeye.relay.RelayService;
import dev.sockeye.service.ServiceResolver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.integration.dsl.context.IntegrationFlowContext;
import org.springframework.util.AlternativeJdkIdGenerator;
import org.springframework.util.IdGenerator;

/**
 * Wires the listeners.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SockeyeProperties.class)
class ListenerConfiguration {

	@Bean
	ListenerBootstrap listenerBootstrap(SockeyeProperties properties, ServiceResolver services,
			IntegrationFlowContext flows, ObjectProvider<MeterRegistry> meters, ConfigurableEnvironment environment,
			ApplicationEventPublisher events, BeanFactory beans, ObjectProvider<SslBundles> sslBundles) {
		MeterRegistry registry = meters.getIfAvailable(SimpleMeterRegistry::new);
		SslBundles bundles = sslBundles.getIfAvailable();
		ListenerValidator validator = new ListenerValidator(services,
				(name, listener) -> new RelayService(name, listener, flows, registry, beans, bundles), bundles);
		return new ListenerBootstrap(properties, validator, flows, registry, environment, events, bundles);
	}

	/**
	 * Message ids from a seeded pseudo-random generator instead of
	 * {@code UUID.randomUUID()}, which draws on {@code SecureRandom} under a lock for
	 * each of the several messages every request creates. Spring Integration installs
	 * this bean for all message headers.
	 */
	@Bean
	IdGenerator messageIdGenerator() {
		return new AlternativeJdkIdGenerator();
	}

}
