package dev.sockeye.listener;

import java.nio.charset.StandardCharsets;

import dev.sockeye.service.SockeyeService;
import dev.sockeye.support.TcpClient;
import dev.sockeye.listener.Listeners;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a JVM with virtual threads, blocking listeners run each connection on one, and NIO
 * listeners run blocking services on them. Run by the build on Java 25 (the
 * {@code virtual-threads} Surefire execution); it fails rather than skips on an older
 * JVM.
 */
@Tag("virtual-threads")
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "sockeye.listeners.blocking.port=0", "sockeye.listeners.blocking.io=blocking",
				"sockeye.listeners.blocking.service=threadName", "sockeye.listeners.nio.port=0",
				"sockeye.listeners.nio.service=threadName" })
class VirtualThreadTests {

	@Autowired
	Listeners listeners;

	@BeforeAll
	static void requireJava21() {
		assertThat(Runtime.version().feature()).as("this test must run on Java 21 or later").isGreaterThanOrEqualTo(21);
	}

	@Test
	void blockingListenerServesEachConnectionOnAVirtualThread() {
		assertThat(threadServing("blocking")).startsWith("VirtualThread[").contains("sockeye-blocking-");
	}

	@Test
	void nioListenerRunsBlockingServiceOnVirtualThreads() {
		assertThat(threadServing("nio")).startsWith("VirtualThread[").contains("sockeye-nio-worker-");
	}

	private String threadServing(String listener) {
		try (TcpClient client = TcpClient.connect(this.listeners.port(listener))) {
			client.send("which thread?\r\n");
			return new String(client.recv(500), StandardCharsets.UTF_8).trim();
		}
	}

	@TestConfiguration
	static class Services {

		@Bean
		SockeyeService threadName() {
			return (request, peer) -> Thread.currentThread().toString().getBytes(StandardCharsets.UTF_8);
		}

	}

}
