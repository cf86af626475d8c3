package dev.sockeye.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.TcpMeterNames;
import dev.sockeye.support.Meters;
import dev.sockeye.support.TcpClient;
import dev.sockeye.support.TlsClients;
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
 * Greetings (banners) sent on connect, before anything is read, framed like replies and
 * counted like them; after the TLS handshake on TLS listeners; and a listener that closes
 * right after its greeting. The built-in reply service answers every message with its
 * text.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "spring.ssl.bundle.pem.server.keystore.certificate=classpath:tls/server.crt",
				"spring.ssl.bundle.pem.server.keystore.private-key=classpath:tls/server.key",
				"sockeye.listeners.banner-nio.port=0", "sockeye.listeners.banner-nio.greeting=220 ready",
				"sockeye.listeners.banner-blocking.port=0", "sockeye.listeners.banner-blocking.io=blocking",
				"sockeye.listeners.banner-blocking.greeting=220 ready", "sockeye.listeners.hello-nio.port=0",
				"sockeye.listeners.hello-nio.framing=none", "sockeye.listeners.hello-nio.greeting=Hello, World!",
				"sockeye.listeners.hello-nio.close-after-greeting=true", "sockeye.listeners.hello-blocking.port=0",
				"sockeye.listeners.hello-blocking.io=blocking", "sockeye.listeners.hello-blocking.framing=none",
				"sockeye.listeners.hello-blocking.greeting=Hello, World!",
				"sockeye.listeners.hello-blocking.close-after-greeting=true", "sockeye.listeners.tls-nio.port=0",
				"sockeye.listeners.tls-nio.tls.bundle=server", "sockeye.listeners.tls-nio.greeting=220 secure",
				"sockeye.listeners.tls-nio.service=reply", "sockeye.listeners.tls-nio.reply.text=250 ok",
				"sockeye.listeners.tls-blocking.port=0", "sockeye.listeners.tls-blocking.io=blocking",
				"sockeye.listeners.tls-blocking.tls.bundle=server",
				"sockeye.listeners.tls-blocking.greeting=220 secure", "sockeye.listeners.tls-blocking.service=reply",
				"sockeye.listeners.tls-blocking.reply.text=250 ok" })
@DirtiesContext
class GreetingTests {

	@Autowired
	Listeners listeners;

	private final Meters meters;

	@Autowired
	GreetingTests(MeterRegistry registry) {
		this.meters = new Meters(registry);
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void greetsEachClientBeforeReadingAndCountsTheGreetingAsASentMessage(String io) {
		String listener = "banner-" + io;
		try (TcpClient client = TcpClient.connect(this.listeners.port(listener))) {
			assertThat(client.readText(11)).isEqualTo("220 ready\r\n");
			client.send("hello\r\n");
			assertThat(client.readText(7)).isEqualTo("hello\r\n");
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(
						() -> assertThat(this.meters.counter(TcpMeterNames.MESSAGES_SENT, listener)).isEqualTo(2));
			assertThat(this.meters.counter(TcpMeterNames.SENT_BYTES, listener)).isEqualTo(18);
			assertThat(this.meters.counter(TcpMeterNames.MESSAGES_RECEIVED, listener)).isEqualTo(1);
			assertThat(this.meters.counter(TcpMeterNames.RECEIVED_BYTES, listener)).isEqualTo(7);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void closesRightAfterTheGreetingWithoutReadingWhenToldTo(String io) {
		String listener = "hello-" + io;
		for (int i = 0; i < 3; i++) {
			try (TcpClient client = TcpClient.connect(this.listeners.port(listener))) {
				assertThat(new String(client.readToEnd(), StandardCharsets.UTF_8)).isEqualTo("Hello, World!");
			}
		}
		try (TcpClient talker = TcpClient.connect(this.listeners.port(listener))) {
			talker.send("anyone there?");
			assertThat(talker.recv(100)).asString(StandardCharsets.UTF_8).isEqualTo("Hello, World!");
			assertThat(talker.isClosedByServerWithin(5000)).isTrue();
		}
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.meters.closed(listener, CloseReason.GREETING.tag())).isEqualTo(4));
		assertThat(this.meters.counter(TcpMeterNames.MESSAGES_SENT, listener)).isEqualTo(4);
		assertThat(this.meters.counter(TcpMeterNames.SENT_BYTES, listener)).isEqualTo(4 * 13);
		assertThat(this.meters.counter(TcpMeterNames.MESSAGES_RECEIVED, listener)).isZero();
		assertThat(this.meters.gauge(TcpMeterNames.CONNECTIONS_ACTIVE, listener)).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void greetsTlsClientsAfterTheHandshakeAndNeverInPlainText(String io) {
		String listener = "tls-" + io;
		try (TcpClient plain = TcpClient.connect(this.listeners.port(listener))) {
			assertThat(plain.isClosedByServerWithin(300)).isFalse();
		}
		try (TcpClient client = TlsClients.connect(this.listeners.port(listener), TlsClients.context(null))) {
			assertThat(client.readText(12)).isEqualTo("220 secure\r\n");
			client.send("EHLO me\r\nNOOP\r\n");
			assertThat(client.readText(16)).isEqualTo("250 ok\r\n250 ok\r\n");
		}
	}

}
