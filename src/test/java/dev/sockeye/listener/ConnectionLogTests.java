package dev.sockeye.listener;

import java.time.Duration;

import dev.sockeye.SockeyeApplication;
import dev.sockeye.support.TcpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connection log: one line per closed connection on the listeners that ask for it, as
 * text, and as JSON fields with Spring Boot's structured logging.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConnectionLogTests {

	/**
	 * Spring Boot keeps the structured format in a system property, which every later
	 * application in this JVM would read: take it out and set logging up again, so that
	 * the tests after these do not log JSON.
	 */
	@AfterAll
	static void restorePlainLogging() {
		System.clearProperty("CONSOLE_LOG_STRUCTURED_FORMAT");
		LoggingSystem logging = LoggingSystem.get(ConnectionLogTests.class.getClassLoader());
		logging.cleanUp();
		logging.beforeInitialize();
		logging.initialize(new LoggingInitializationContext(new StandardEnvironment()), null, null);
	}

	@Test
	void aClosedConnectionGetsOneLineWithItsClientBytesMessagesAndReason(CapturedOutput output) {
		try (ConfigurableApplicationContext context = SpringApplication.run(SockeyeApplication.class, "--server.port=0",
				"--sockeye.listeners.logged.port=0", "--sockeye.listeners.logged.connection-log=true",
				"--sockeye.listeners.quiet.port=0")) {
			Listeners listeners = context.getBean(Listeners.class);
			int client;
			try (TcpClient logged = TcpClient.connect(listeners.port("logged"))) {
				client = logged.localPort();
				logged.send("hello\r\n");
				assertThat(logged.readText(7)).isEqualTo("hello\r\n");
			}
			try (TcpClient quiet = TcpClient.connect(listeners.port("quiet"))) {
				quiet.send("shh\r\n");
				assertThat(quiet.readText(5)).isEqualTo("shh\r\n");
			}
			String line = "listener=logged client=127.0.0.1:" + client + " duration=";
			await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains(line));
			assertThat(output.getOut().lines().filter((l) -> l.contains(line))).singleElement()
				.asString()
				.contains("sockeye.connections")
				.endsWith("in=7B/1 out=7B/1 reason=client");
			assertThat(output.getOut()).doesNotContain("listener=quiet");
		}
	}

	@Test
	void withStructuredLoggingTheFieldsAreJsonFields(CapturedOutput output) {
		try (ConfigurableApplicationContext context = SpringApplication.run(SockeyeApplication.class, "--server.port=0",
				"--logging.structured.format.console=ecs", "--sockeye.listeners.logged.port=0",
				"--sockeye.listeners.logged.connection-log=true")) {
			int client;
			try (TcpClient logged = TcpClient.connect(context.getBean(Listeners.class).port("logged"))) {
				client = logged.localPort();
				logged.send("hi\r\n");
				assertThat(logged.readText(4)).isEqualTo("hi\r\n");
			}
			String field = "\"client\":\"127.0.0.1:" + client + "\"";
			await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains(field));
			assertThat(output.getOut().lines().filter((l) -> l.contains(field))).singleElement()
				.asString()
				.contains("\"listener\":\"logged\"", "\"bytesIn\":4", "\"bytesOut\":4", "\"messagesIn\":1",
						"\"messagesOut\":1", "\"closeReason\":\"client\"", "\"logger\":\"sockeye.connections\"");
		}
	}

}
