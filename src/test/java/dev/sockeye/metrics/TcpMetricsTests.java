package dev.sockeye.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.sockeye.listener.Listeners;
import dev.sockeye.support.TcpClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exact meter values after scripted traffic: N connections and M messages read exactly N
 * and M, bytes equal what the clients sent and received, on both I/O models.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "sockeye.listeners.nio.port=0", "sockeye.listeners.nio.max-message-size=100B",
				"sockeye.listeners.blocking.port=0", "sockeye.listeners.blocking.io=blocking",
				"sockeye.listeners.blocking.max-message-size=100B", "sockeye.listeners.fragile.port=0",
				"sockeye.listeners.fragile.service=fragile", "sockeye.listeners.once.port=0",
				"sockeye.listeners.once.close-after-reply=true" })
@DirtiesContext
class TcpMetricsTests {

	@Autowired
	Listeners listeners;

	@Autowired
	MeterRegistry registry;

	@Test
	void countsConnectionsMessagesAndBytesExactlyOnNio() {
		countsExactly("nio");
	}

	@Test
	void countsConnectionsMessagesAndBytesExactlyOnBlocking() {
		countsExactly("blocking");
	}

	private void countsExactly(String listener) {
		List<TcpClient> clients = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			clients.add(TcpClient.connect(this.listeners.port(listener)));
		}
		long bytes = 0;
		for (int i = 0; i < 100; i++) {
			String line = "message " + i + "\r\n";
			bytes += line.length();
			clients.get(i % 10).send(line);
			assertThat(clients.get(i % 10).readText(line.length())).isEqualTo(line);
		}
		long sentBytes = bytes;
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(counter(TcpMeterNames.SENT_BYTES, listener)).isEqualTo(sentBytes));
		assertThat(gauge(TcpMeterNames.CONNECTIONS_ACTIVE, listener)).isEqualTo(10);
		assertThat(counter(TcpMeterNames.CONNECTIONS_OPENED, listener)).isEqualTo(10);
		assertThat(counter(TcpMeterNames.MESSAGES_RECEIVED, listener)).isEqualTo(100);
		assertThat(counter(TcpMeterNames.MESSAGES_SENT, listener)).isEqualTo(100);
		assertThat(counter(TcpMeterNames.RECEIVED_BYTES, listener)).isEqualTo(bytes);
		assertThat(counter(TcpMeterNames.SENT_BYTES, listener)).isEqualTo(bytes);
		assertThat(requests(listener, "echo", "success")).isEqualTo(100);

		clients.subList(0, 4).forEach(TcpClient::close);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(closed(listener, CloseReason.CLIENT)).isEqualTo(4));
		assertThat(gauge(TcpMeterNames.CONNECTIONS_ACTIVE, listener)).isEqualTo(6);
		assertThat(this.registry.get(TcpMeterNames.CONNECTION_DURATION).tag("listener", listener).timer().count())
			.isEqualTo(4);

		TcpClient oversize = clients.get(4);
		oversize.send("x".repeat(200));
		assertThat(oversize.isClosedByServer()).isTrue();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(closed(listener, CloseReason.ERROR)).isEqualTo(1));
		assertThat(error(listener, ErrorType.OVERSIZE)).isEqualTo(1);
		assertThat(counter(TcpMeterNames.RECEIVED_BYTES, listener)).isGreaterThanOrEqualTo(bytes + 100);
		assertThat(gauge(TcpMeterNames.CONNECTIONS_ACTIVE, listener)).isEqualTo(5);
		assertThat(gauge(TcpMeterNames.LISTENER_UP, listener)).isEqualTo(1);
		clients.forEach(TcpClient::close);
	}

	@Test
	void countsServiceFailuresAsErrorsAndErrorOutcomes() {
		try (TcpClient client = TcpClient.connect(this.listeners.port("fragile"))) {
			client.send("boom\r\nfine\r\nboom\r\n");
			assertThat(client.readText(20)).isEqualTo("ERROR\r\nfine\r\nERROR\r\n");
		}
		// the last reply can reach the client a moment before the server thread counts it
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(counter(TcpMeterNames.MESSAGES_SENT, "fragile")).isEqualTo(3));
		assertThat(error("fragile", ErrorType.SERVICE)).isEqualTo(2);
		assertThat(requests("fragile", "fragile", "error")).isEqualTo(2);
		assertThat(requests("fragile", "fragile", "success")).isEqualTo(1);
	}

	@Test
	void countsCloseAfterReplyWithReasonReply() {
		for (int i = 0; i < 3; i++) {
			try (TcpClient client = TcpClient.connect(this.listeners.port("once"))) {
				client.send("one\r\n");
				assertThat(client.readToEnd()).hasSize(5);
			}
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(closed("once", CloseReason.REPLY)).isEqualTo(3));
		assertThat(closed("once", CloseReason.CLIENT)).isZero();
	}

	private double gauge(String name, String listener) {
		return this.registry.get(name).tag("listener", listener).gauge().value();
	}

	private double counter(String name, String listener) {
		return this.registry.get(name).tag("listener", listener).counter().count();
	}

	private double closed(String listener, CloseReason reason) {
		return this.registry.get(TcpMeterNames.CONNECTIONS_CLOSED)
			.tag("listener", listener)
			.tag("reason", reason.tag())
			.counter()
			.count();
	}

	private double error(String listener, ErrorType type) {
		return this.registry.get(TcpMeterNames.ERRORS)
			.tag("listener", listener)
			.tag("type", type.tag())
			.counter()
			.count();
	}

	private long requests(String listener, String service, String outcome) {
		return this.registry.get(TcpMeterNames.REQUEST_DURATION)
			.tag("listener", listener)
			.tag("service", service)
			.tag("outcome", outcome)
			.timer()
			.count();
	}

	@TestConfiguration
	static class Services {

		@Bean
		Function<String, String> fragile() {
			return (text) -> {
				if (text.equals("boom")) {
					throw new IllegalArgumentException("boom");
				}
				return text;
			};
		}

	}

}
