package dev.sockeye.service;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.sockeye.listener.Listeners;
import dev.sockeye.support.TcpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listeners that name the user's own beans, in every shape a service can take.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "sockeye.listeners.upper.port=0", "sockeye.listeners.upper.service=upperCase",
				"sockeye.listeners.reverse.port=0", "sockeye.listeners.reverse.service=reverse",
				"sockeye.listeners.reverse.framing=length-header-2", "sockeye.listeners.greeter.port=0",
				"sockeye.listeners.greeter.service=greeter", "sockeye.listeners.greeter.io=blocking",
				"sockeye.listeners.fragile.port=0", "sockeye.listeners.fragile.service=fragile",
				"sockeye.listeners.fragile.error-reply=SERVICE FAILED", "sockeye.listeners.fragile-blocking.port=0",
				"sockeye.listeners.fragile-blocking.service=fragile", "sockeye.listeners.fragile-blocking.io=blocking",
				"sockeye.listeners.sink.port=0", "sockeye.listeners.sink.service=sink",
				"sockeye.listeners.sink.mode=one-way", "sockeye.listeners.quiet.port=0",
				"sockeye.listeners.quiet.service=quiet", "sockeye.listeners.quiet-blocking.port=0",
				"sockeye.listeners.quiet-blocking.service=quiet", "sockeye.listeners.quiet-blocking.io=blocking" })
@ExtendWith(OutputCaptureExtension.class)
class UserServiceTests {

	@Autowired
	Listeners listeners;

	@Autowired
	BlockingQueue<String> sunk;

	@Test
	void stringFunctionBeanAnswersEachLine() {
		try (TcpClient client = TcpClient.connect(this.listeners.port("upper"))) {
			client.send("hello\r\nworld\r\n");
			assertThat(client.readText(14)).isEqualTo("HELLO\r\nWORLD\r\n");
		}
	}

	@Test
	void bytesFunctionBeanAnswersInTheListenersFraming() {
		try (TcpClient client = TcpClient.connect(this.listeners.port("reverse"))) {
			client.send(new byte[] { 0, 3, 'a', 'b', 'c' });
			assertThat(client.read(5)).containsExactly(0, 3, 'c', 'b', 'a');
		}
	}

	@Test
	void sockeyeServiceBeanSeesWhoSentTheMessage() {
		int port = this.listeners.port("greeter");
		try (TcpClient client = TcpClient.connect(port)) {
			for (String name : new String[] { "ann", "bob" }) {
				client.send(name + "\r\n");
				String reply = new String(client.recv(200), StandardCharsets.UTF_8);
				assertThat(reply)
					.startsWith("hello " + name + " from 127.0.0.1:" + client.localPort() + " on greeter via 127.0.0.1:"
							+ client.localPort() + ":" + port + ":")
					.endsWith("\r\n");
			}
		}
	}

	@Test
	void failingServiceRepliesWithErrorReplyAndKeepsConnectionOpen(CapturedOutput output) {
		try (TcpClient client = TcpClient.connect(this.listeners.port("fragile"))) {
			client.send("boom\r\n");
			assertThat(client.readText(16)).isEqualTo("SERVICE FAILED\r\n");
			client.send("fine\r\n");
			assertThat(client.readText(6)).isEqualTo("fine\r\n");
		}
		assertThat(output).containsOnlyOnce("Listener 'fragile' service 'fragile' failed on connection");
	}

	@Test
	void failingServiceOnBlockingListenerRepliesWithDefaultErrorReply() {
		try (TcpClient client = TcpClient.connect(this.listeners.port("fragile-blocking"))) {
			client.send("boom\r\nok\r\n");
			assertThat(client.readText(11)).isEqualTo("ERROR\r\nok\r\n");
		}
	}

	@Test
	void oneWayListenerHandsMessagesToServiceAndSendsNothing() throws Exception {
		try (TcpClient client = TcpClient.connect(this.listeners.port("sink"))) {
			client.send("first\r\nsecond\r\n");
			assertThat(this.sunk.poll(10, TimeUnit.SECONDS)).isEqualTo("first");
			assertThat(this.sunk.poll(10, TimeUnit.SECONDS)).isEqualTo("second");
			client.send("third\r\n");
			assertThat(this.sunk.poll(10, TimeUnit.SECONDS)).isEqualTo("third");
			assertThat(client.isClosedByServerWithin(200)).isFalse();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "quiet", "quiet-blocking" })
	void serviceReturningNullSendsNothingAndServesTheNextMessageAtOnce(String listener, CapturedOutput output) {
		try (TcpClient client = TcpClient.connect(this.listeners.port(listener))) {
			client.send("quiet\r\nloud\r\n");
			assertThat(client.readText(6)).isEqualTo("loud\r\n");
		}
		// no reply is not a failure: nothing logged for it
		assertThat(output).doesNotContain("Listener '" + listener + "'").doesNotContain("Exception sending message");
	}

	@TestConfiguration
	static class Services {

		@Bean
		Function<String, String> quiet() {
			return (text) -> text.equals("quiet") ? null : text;
		}

		@Bean
		Function<String, String> upperCase() {
			return (text) -> text.toUpperCase(Locale.ROOT);
		}

		@Bean
		Function<byte[], byte[]> reverse() {
			return (bytes) -> {
				byte[] reversed = new byte[bytes.length];
				for (int i = 0; i < bytes.length; i++) {
					reversed[i] = bytes[bytes.length - 1 - i];
				}
				return reversed;
			};
		}

		@Bean
		SockeyeService greeter() {
			return (request,
					peer) -> ("hello " + new String(request, StandardCharsets.UTF_8) + " from " + peer.remoteAddress()
							+ ":" + peer.remotePort() + " on " + peer.listener() + " via " + peer.connectionId())
						.getBytes(StandardCharsets.UTF_8);
		}

		@Bean
		Function<String, String> fragile() {
			return (text) -> {
				if (text.equals("boom")) {
					throw new IllegalStateException("boom");
				}
				return text;
			};
		}

		@Bean
		BlockingQueue<String> sunk() {
			return new LinkedBlockingQueue<>();
		}

		@Bean
		SockeyeService sink(BlockingQueue<String> sunk) {
			return (request, peer) -> {
				sunk.add(new String(request, StandardCharsets.UTF_8));
				return request;
			};
		}

	}

}
