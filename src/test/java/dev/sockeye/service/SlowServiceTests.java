package dev.sockeye.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.sockeye.listener.Listeners;
import dev.sockeye.support.TcpClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed 004's lesson on a server: slow work does not hold up other work. A service that
 * takes a second per message answers 100 clients at once in about a second, not a
 * hundred: on an nio listener its calls run on worker threads, on a blocking listener
 * each connection has its own thread. With the default settings.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "sockeye.listeners.slow-nio.port=0", "sockeye.listeners.slow-nio.service=slow",
				"sockeye.listeners.slow-blocking.port=0", "sockeye.listeners.slow-blocking.io=blocking",
				"sockeye.listeners.slow-blocking.service=slow" })
class SlowServiceTests {

	static final int CLIENTS = 100;

	@Autowired
	Listeners listeners;

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void hundredClientsOfAOneSecondServiceAreAllAnsweredWithinTwoSeconds(String io) throws Exception {
		int port = this.listeners.port("slow-" + io);
		List<TcpClient> clients = new ArrayList<>();
		ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
		try {
			for (int i = 0; i < CLIENTS; i++) {
				clients.add(TcpClient.connect(port));
			}
			CountDownLatch go = new CountDownLatch(1);
			List<Future<String>> replies = new ArrayList<>();
			for (int i = 0; i < CLIENTS; i++) {
				TcpClient client = clients.get(i);
				String request = "task " + i;
				replies.add(threads.submit(() -> {
					go.await();
					client.send(request + "\r\n");
					return client.readText(("done " + request + "\r\n").length());
				}));
			}
			long start = System.nanoTime();
			go.countDown();
			for (int i = 0; i < CLIENTS; i++) {
				assertThat(replies.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("done task " + i + "\r\n");
			}
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(millis).as("all %d answered after %d ms", CLIENTS, millis).isBetween(1000L, 1999L);
		}
		finally {
			threads.shutdownNow();
			clients.forEach(TcpClient::close);
		}
	}

	@TestConfiguration
	static class Services {

		/** A second of work per message, as seed 004's {@code asyncio.sleep}. */
		@Bean
		SockeyeService slow() {
			return (request, peer) -> {
				Thread.sleep(1000);
				return ("done " + new String(request, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
			};
		}

	}

}
