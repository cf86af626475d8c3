package dev.sockeye.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.sockeye.metrics.TcpMeterNames;
import dev.sockeye.service.Peer;
import dev.sockeye.service.SockeyeService;
import dev.sockeye.support.Meters;
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
 * A listener with several event loops: one port, connections spread across the loops by
 * the kernel, and one listener's caps, meters and connection list over all of them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "sockeye.listeners.loops.port=0", "sockeye.listeners.loops.io-threads=3",
				"sockeye.listeners.loops.service=threadName", "sockeye.listeners.capped.port=0",
				"sockeye.listeners.capped.io-threads=3", "sockeye.listeners.capped.max-connections=10" })
@DirtiesContext
class EventLoopTests {

	@Autowired
	Listeners listeners;

	private final Meters meters;

	@Autowired
	EventLoopTests(MeterRegistry registry) {
		this.meters = new Meters(registry);
	}

	@Test
	void spreadsConnectionsOverEveryLoopOfTheListener() {
		List<TcpClient> clients = new ArrayList<>();
		Set<String> threads = new TreeSet<>();
		try {
			for (int i = 0; i < 60; i++) {
				TcpClient client = TcpClient.connect(port("loops"));
				clients.add(client);
				client.send("which\r\n");
				String reply = client.readText("sockeye-loops-io-1\r\n".length());
				threads.add(reply.trim());
			}
			// with 60 connections hashed over 3 sockets, missing one would happen about
			// once in 10^10 runs
			assertThat(threads).containsExactly("sockeye-loops-io-1", "sockeye-loops-io-2", "sockeye-loops-io-3");
			assertThat(this.listeners.listeners().get("loops").connections()).hasSize(60);
			assertThat(this.meters.gauge(TcpMeterNames.CONNECTIONS_ACTIVE, "loops")).isEqualTo(60);
		}
		finally {
			clients.forEach(TcpClient::close);
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.meters.gauge(TcpMeterNames.CONNECTIONS_ACTIVE, "loops")).isZero());
	}

	@Test
	void capsTheConnectionsOfAllLoopsTogether() {
		List<TcpClient> admitted = new ArrayList<>();
		try {
			for (int i = 0; i < 10; i++) {
				TcpClient client = TcpClient.connect(port("capped"));
				client.send("in " + i + "\r\n");
				assertThat(client.readText(("in " + i + "\r\n").length())).isEqualTo("in " + i + "\r\n");
				admitted.add(client);
			}
			for (int i = 0; i < 30; i++) {
				try (TcpClient refused = TcpClient.connect(port("capped"))) {
					assertThat(refused.isClosedByServer()).isTrue();
				}
			}
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.meters.rejected("capped", "max_connections")).isEqualTo(30));
			assertThat(this.meters.counter(TcpMeterNames.CONNECTIONS_OPENED, "capped")).isEqualTo(10);
		}
		finally {
			admitted.forEach(TcpClient::close);
		}
	}

	private int port(String listener) {
		return this.listeners.listeners().get(listener).port();
	}

	@TestConfiguration
	static class ThreadNameService {

		@Bean
		SockeyeService threadName() {
			return new SockeyeService() {

				@Override
				public byte[] handle(byte[] request, Peer peer) {
					return Thread.currentThread().getName().getBytes(StandardCharsets.UTF_8);
				}

				@Override
				public boolean isBlocking() {
					return false;
				}

			};
		}

	}

}
