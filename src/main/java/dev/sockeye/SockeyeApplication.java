package dev.sockeye;

import dev.sockeye.bench.BenchCommand;
import dev.sockeye.client.ClientCommand;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.FilterType;

/**
 * Sockeye: TCP listeners from configuration, on Spring Integration. With no command it
 * runs the server; a first argument {@code client} or {@code bench} runs that command
 * instead, with no web server and no listeners.
 * <p>
 * {@code @SpringBootApplication} spelled out, to keep management context configurations
 * (the status page) out of the component scan: Spring Boot puts them in the context that
 * serves the actuator.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(excludeFilters = { @Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
		@Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
		@Filter(ManagementContextConfiguration.class) })
public class SockeyeApplication {

	public static void main(String[] args) {
		if (args.length > 0 && args[0].equals("client")) {
			ClientCommand.quietLogging();
			System.exit(ClientCommand.run(tail(args), System.in, System.out, System.err));
		}
		if (args.length > 0 && args[0].equals("bench")) {
			System.exit(BenchCommand.run(tail(args), System.out, System.err));
		}
		SpringApplication.run(SockeyeApplication.class, args);
	}

	private static String[] tail(String[] args) {
		return java.util.Arrays.copyOfRange(args, 1, args.length);
	}

}
