package dev.sockeye.service;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.sockeye.listener.Listeners;
import dev.sockeye.support.Meters;
import dev.sockeye.support.TcpClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's {@link AsyncSockeyeService} bean, whose futures complete on another thread: in
 * order on an nio listener, and through the waiting {@code handle} on a blocking one.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "sockeye.listeners.later-nio.port=0", "sockeye.listeners.later-nio.service=later",
				"sockeye.listeners.later-blocking.port=0", "sockeye.listeners.later-blocking.service=later",
				"sockeye.listeners.later-blocking.io=blocking" })
class AsyncServiceTests {

	@Autowired
	Listeners listeners;

	@Autowired
	MeterRegistry registry;

	@ParameterizedTest
	@ValueSource(strings = { "later-nio", "later-blocking" })
	void repliesThatCompleteLaterOnAnotherThreadGoOutInRequestOrder(String listener) {
		try (TcpClient client = TcpClient.connect(this.listeners.port(listener))) {
			client.send("slow one\r\nfast two\r\nslow three\r\n");
			assertThat(client.readText(32)).isEqualTo("SLOW ONE\r\nFAST TWO\r\nSLOW THREE\r\n");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "later-nio", "later-blocking" })
	void aFutureThatFailsGivesTheErrorReplyAndTheConnectionGoesOn(String listener) {
		double before = new Meters(this.registry).errors(listener, "service");
		try (TcpClient client = TcpClient.connect(this.listeners.port(listener))) {
			client.send("fail\r\nafter\r\n");
			assertThat(client.readText(14)).isEqualTo("ERROR\r\nAFTER\r\n");
		}
		assertThat(new Meters(this.registry).errors(listener, "service")).isEqualTo(before + 1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "later-nio", "later-blocking" })
	void aFutureThatFailsWithCloseConnectionClosesTheConnection(String listener) {
		try (TcpClient client = TcpClient.connect(this.listeners.port(listener))) {
			client.send("bye\r\nunanswered\r\n");
			assertThat(client.isClosedByServer()).isTrue();
		}
	}

	@TestConfiguration
	static class Services {

		@Bean
		AsyncSockeyeService later() {
			return (request, peer) -> {
				String text = new String(request, StandardCharsets.UTF_8);
				if (text.equals("fail")) {
					return CompletableFuture.failedFuture(new IllegalStateException("failed on purpose"));
				}
				if (text.equals("bye")) {
					return CompletableFuture.failedFuture(new CloseConnectionException("bye"));
				}
				long delay = text.startsWith("slow") ? 200 : 0;
				return CompletableFuture.supplyAsync(
						() -> text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8),
						CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
			};
		}

	}

}
