package dev.sockeye;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Sockeye: TCP listeners from configuration, on Spring Integration.
 */
@SpringBootApplication
public class SockeyeApplication {

	public static void main(String[] args) {
		SpringApplication.run(SockeyeApplication.class, args);
	}

}
