package dev.sockeye.listener.config;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.FieldError;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounds of single properties, checked by Spring Boot's binder as it binds
 * {@link SockeyeProperties}: each error names the property as written and its value.
 */
class SockeyePropertiesValidatorTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class);

	@Test
	void theDefaultsAreValid() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.getBean(SockeyeProperties.class)
			.extracting(SockeyeProperties::listeners)
			.satisfies((listeners) -> assertThat(listeners).containsOnlyKeys("echo")));
	}

	@Test
	void aListenerWithEveryBoundInRangeIsValid() {
		this.runner
			.withPropertyValues("sockeye.io-threads=1024", "sockeye.agent.port=65535", "sockeye.listeners.a.port=0",
					"sockeye.listeners.a.backlog=1", "sockeye.listeners.a.max-connections=0",
					"sockeye.listeners.a.max-connections-per-client=0", "sockeye.listeners.a.workers=0",
					"sockeye.listeners.a.io-threads=256", "sockeye.listeners.a.relay.pool-size=1")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aPortAboveTheRangeIsRejectedWithItsValue() {
		this.runner.withPropertyValues("sockeye.listeners.a.port=70000")
			.run((context) -> assertThat(errors(context))
				.containsExactly("sockeye.listeners.a.port=70000: must be less than or equal to 65535"));
	}

	@Test
	void everyBoundBrokenIsReportedAtOnce() {
		this.runner
			.withPropertyValues("sockeye.io-threads=0", "sockeye.agent.port=-1", "sockeye.listeners.a.port=-1",
					"sockeye.listeners.a.backlog=0", "sockeye.listeners.a.max-connections=-1",
					"sockeye.listeners.a.max-connections-per-client=-1", "sockeye.listeners.a.workers=-1",
					"sockeye.listeners.a.io-threads=257", "sockeye.listeners.a.service= ",
					"sockeye.listeners.a.relay.pool-size=0")
			.run((context) -> assertThat(errors(context)).containsExactly(
					"sockeye.io-threads=0: must be greater than or equal to 1",
					"sockeye.agent.port=-1: must be greater than or equal to 0",
					"sockeye.listeners.a.port=-1: must be greater than or equal to 0",
					"sockeye.listeners.a.backlog=0: must be greater than or equal to 1",
					"sockeye.listeners.a.max-connections=-1: must be greater than or equal to 0",
					"sockeye.listeners.a.max-connections-per-client=-1: must be greater than or equal to 0",
					"sockeye.listeners.a.service=: must not be blank",
					"sockeye.listeners.a.workers=-1: must be greater than or equal to 0",
					"sockeye.listeners.a.io-threads=257: must be less than or equal to 256",
					"sockeye.listeners.a.relay.pool-size=0: must be greater than or equal to 1"));
	}

	@Test
	void aListenerWithoutAPortIsRejected() {
		this.runner.withPropertyValues("sockeye.listeners.a.service=echo")
			.run((context) -> assertThat(errors(context))
				.containsExactly("sockeye.listeners.a.port=null: must not be null"));
	}

	private static List<String> errors(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		while (!(failure instanceof BindValidationException) && failure.getCause() != null) {
			failure = failure.getCause();
		}
		assertThat(failure).isInstanceOf(BindValidationException.class);
		return ((BindValidationException) failure).getValidationErrors()
			.getAllErrors()
			.stream()
			.map((error) -> (FieldError) error)
			.map((error) -> error.getObjectName() + "." + error.getField() + "=" + error.getRejectedValue() + ": "
					+ error.getDefaultMessage())
			.toList();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(SockeyeProperties.class)
	static class PropertiesConfiguration {

	}

}
