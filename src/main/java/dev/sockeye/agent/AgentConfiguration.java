package dev.sockeye.agent;

import dev.sockeye.listener.Listeners;
import dev.sockeye.listener.config.SockeyeProperties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/** The agent-check port, when {@code sockeye.agent.port} is set. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("sockeye.agent.port")
class AgentConfiguration {

	@Bean
	AgentCheckServer agentCheckServer(SockeyeProperties properties, Listeners listeners,
			ApplicationAvailability availability, ConfigurableEnvironment environment) {
		return new AgentCheckServer(properties.agent(), listeners, availability, environment);
	}

}
