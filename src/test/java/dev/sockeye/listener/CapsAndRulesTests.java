package dev.sockeye.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.sockeye.metrics.TcpMeterNames;
import dev.sockeye.support.Meters;
import dev.sockeye.support.TcpClient;
import dev.sockeye.listener.Listeners;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connection caps and address rules: refused connections are closed before any read and
 * counted exactly, and the admitted ones keep working.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "sockeye.listeners.capped-nio.port=0", "sockeye.listeners.capped-nio.max-connections=50",
				"sockeye.listeners.capped-blocking.port=0", "sockeye.listeners.capped-blocking.max-connections=50",
				"sockeye.listeners.capped-blocking.io=blocking", "sockeye.listeners.per-client-nio.port=0",
				"sockeye.listeners.per-client-nio.max-connections-per-client=3",
				"sockeye.listeners.per-client-blocking.port=0",
				"sockeye.listeners.per-client-blocking.max-connections-per-client=3",
				"sockeye.listeners.per-client-blocking.io=blocking", "sockeye.listeners.denied-nio.port=0",
				"sockeye.listeners.denied-nio.deny=10.0.0.0/8,127.0.0.0/8", "sockeye.listeners.denied-blocking.port=0",
				"sockeye.listeners.denied-blocking.deny=127.0.0.1", "sockeye.listeners.denied-blocking.io=blocking",
				"sockeye.listeners.not-allowed-nio.port=0", "sockeye.listeners.not-allowed-nio.allow=192.0.2.0/24,::1",
				"sockeye.listeners.allowed-nio.port=0", "sockeye.listeners.allowed-nio.allow=127.0.0.0/8" })
@DirtiesContext
class CapsAndRulesTests {

	@Autowired
	Listeners listeners;

	private final Meters meters;

	@Autowired
	CapsAndRulesTests(MeterRegistry registry) {
		this.meters = new Meters(registry);
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void refusesExactlyTheThousandConnectionsOverTheCapAndTheOthersKeepWorking(String io) {
		String listener = "capped-" + io;
		List<TcpClient> admitted = new ArrayList<>();
		try {
			for (int i = 0; i < 50; i++) {
				TcpClient client = connect(listener);
				client.send("in " + i + "\r\n");
				assertThat(client.readText(("in " + i + "\r\n").length())).isEqualTo("in " + i + "\r\n");
				admitted.add(client);
			}
			for (int i = 0; i < 1000; i++) {
				try (TcpClient refused = connect(listener)) {
					assertThat(refused.isClosedByServer()).isTrue();
				}
			}
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.meters.rejected(listener, "max_connections")).isEqualTo(1000));
			for (int i = 0; i < admitted.size(); i++) {
				admitted.get(i).send("still " + i + "\r\n");
				assertThat(admitted.get(i).readText(("still " + i + "\r\n").length())).isEqualTo("still " + i + "\r\n");
			}
			assertThat(this.meters.gauge(TcpMeterNames.CONNECTIONS_ACTIVE, listener)).isEqualTo(50);
			assertThat(this.meters.gauge(TcpMeterNames.CONNECTIONS_LIMIT, listener)).isEqualTo(50);
			assertThat(this.meters.counter(TcpMeterNames.CONNECTIONS_OPENED, listener)).isEqualTo(50);
		}
		finally {
			admitted.forEach(TcpClient::close);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void capsConnectionsPerClientAddressAndFreesTheSlotOnClose(String io) {
		String listener = "per-client-" + io;
		TcpClient first = connect(listener);
		TcpClient second = connect(listener);
		TcpClient third = connect(listener);
		try (TcpClient fourth = connect(listener)) {
			assertThat(fourth.isClosedByServer()).isTrue();
		}
		assertThat(this.meters.rejected(listener, "max_connections_per_client")).isEqualTo(1);
		first.close();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(this.meters.gauge(TcpMeterNames.CONNECTIONS_ACTIVE, listener)).isEqualTo(2));
		try (TcpClient again = connect(listener)) {
			again.send("room again\r\n");
			assertThat(again.readText(12)).isEqualTo("room again\r\n");
		}
		second.close();
		third.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "denied-nio", "denied-blocking", "not-allowed-nio" })
	void deniedAddressIsClosedBeforeAnyReadAndCounted(String listener) {
		try (TcpClient client = connect(listener)) {
			client.send("let me in\r\n");
			assertThat(client.isClosedByServer()).isTrue();
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.meters.rejected(listener, "denied")).isEqualTo(1));
		assertThat(this.meters.counter(TcpMeterNames.CONNECTIONS_OPENED, listener)).isZero();
		assertThat(this.meters.counter(TcpMeterNames.MESSAGES_RECEIVED, listener)).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "allowed-nio" })
	void allowedAddressIsServed(String listener) {
		try (TcpClient client = connect(listener)) {
			client.send("hello\r\n");
			assertThat(client.readText(7)).isEqualTo("hello\r\n");
		}
	}

	private TcpClient connect(String listener) {
		return TcpClient.connect(this.listeners.port(listener));
	}

}
