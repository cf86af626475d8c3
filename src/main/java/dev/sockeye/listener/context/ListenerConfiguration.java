package dev.sockeye.listener.context;

import java.util.concurrent.ScheduledExecutorService;

import dev.sockeye.listener.config.ListenerValidator;
import dev.sockeye.listener.config.SockeyeProperties;
import dev.sockeye.listener.transport.ServerFailures;
import dev.sockeye.relay.RelayService;
import dev.sockeye.service.ServiceResolver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

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
 * Wires the listeners: the {@code Listeners} view and the lifecycle that starts them.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SockeyeProperties.class)
class ListenerConfiguration {

	@Bean
	ListenerRegistry listeners() {
		return new ListenerRegistry();
	}

	@Bean
	ServerFailures serverFailures() {
		return new ServerFailures();
	}

	@Bean
	ListenerBootstrap listenerBootstrap(SockeyeProperties properties, ListenerRegistry listeners,
			ServerFailures failures, ServiceResolver services, IntegrationFlowContext flows,
			ObjectProvider<MeterRegistry> meters, ConfigurableEnvironment environment, ApplicationEventPublisher events,
			ObjectProvider<SslBundles> sslBundles) {
		MeterRegistry registry = meters.getIfAvailable(SimpleMeterRegistry::new);
		SslBundles bundles = sslBundles.getIfAvailable();
		ListenerValidator validator = new ListenerValidator(services,
				(name, listener) -> new RelayService(name, listener.relay(), listener.framing(),
						(int) listener.maxMessageSize().toBytes(), flows, registry, bundles),
				bundles);
		ScheduledExecutorService timeouts = ListenerBootstrap.timeoutThread();
		return new ListenerBootstrap(properties, validator, listeners,
				new ListenerAssembler(flows, registry, bundles, failures, timeouts), timeouts, environment, events);
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
