package dev.sockeye.listener;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLContext;

import dev.sockeye.metrics.TcpMeterNames;
import dev.sockeye.support.ExternalTools;
import dev.sockeye.support.ExternalTools.ProcessResult;
import dev.sockeye.support.TcpClient;
import dev.sockeye.support.TlsClients;
import dev.sockeye.listener.Listeners;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * TLS and mutual TLS from Spring Boot SSL bundles, on both I/O models: clients the bundle
 * trusts are served; plain text, untrusted or missing client certificates and stalled
 * handshakes are refused before any message is delivered, each counted, while others are
 * served.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE, properties = {
		"spring.ssl.bundle.pem.server.keystore.certificate=classpath:tls/server.crt",
		"spring.ssl.bundle.pem.server.keystore.private-key=classpath:tls/server.key",
		"spring.ssl.bundle.pem.server.truststore.certificate=classpath:tls/ca.crt", "sockeye.listeners.tls-nio.port=0",
		"sockeye.listeners.tls-nio.tls.bundle=server", "sockeye.listeners.tls-nio.handshake-timeout=1s",
		"sockeye.listeners.tls-nio.max-message-size=256KB", "sockeye.listeners.tls-nio.message-timeout=1s",
		"sockeye.listeners.tls-blocking.port=0", "sockeye.listeners.tls-blocking.tls.bundle=server",
		"sockeye.listeners.tls-blocking.handshake-timeout=1s", "sockeye.listeners.tls-blocking.io=blocking",
		"sockeye.listeners.tls-blocking.max-message-size=256KB", "sockeye.listeners.mtls-nio.port=0",
		"sockeye.listeners.mtls-nio.tls.bundle=server", "sockeye.listeners.mtls-nio.tls.client-auth=need",
		"sockeye.listeners.mtls-blocking.port=0", "sockeye.listeners.mtls-blocking.tls.bundle=server",
		"sockeye.listeners.mtls-blocking.tls.client-auth=need", "sockeye.listeners.mtls-blocking.io=blocking",
		"sockeye.listeners.want-nio.port=0", "sockeye.listeners.want-nio.tls.bundle=server",
		"sockeye.listeners.want-nio.tls.client-auth=want", "sockeye.listeners.want-nio.close-after-reply=true" })
@DirtiesContext
class TlsTests {

	@Autowired
	Listeners listeners;

	@Autowired
	MeterRegistry registry;

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void echoesToAClientThatTrustsTheBundlesCertificate(String io) {
		String listener = "tls-" + io;
		double before = messages(listener);
		byte[] large = new byte[100_000];
		Arrays.fill(large, (byte) 'x');
		byte[] request = (new String(large, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII);
		try (TcpClient client = TlsClients.connect(this.listeners.port(listener), TlsClients.context(null))) {
			for (int i = 0; i < 20; i++) {
				client.send("hello " + i + "\r\n");
				assertThat(client.readText(("hello " + i + "\r\n").length())).isEqualTo("hello " + i + "\r\n");
			}
			client.send("one\r\ntwo\r\n");
			assertThat(client.readText(10)).isEqualTo("one\r\ntwo\r\n");
			// a message over several TLS records, both ways
			client.send(request);
			assertThat(client.read(request.length)).isEqualTo(request);
		}
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(messages(listener)).isEqualTo(before + 23));
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void refusesAPlainTextClientWithoutDeliveringItsMessage(String io) {
		String listener = "tls-" + io;
		double messagesBefore = messages(listener);
		double errorsBefore = tlsErrors(listener);
		try (TcpClient plain = TcpClient.connect(this.listeners.port(listener))) {
			plain.send("hello\r\n");
			byte[] answer = plain.readToEnd();
			assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("hello");
		}
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(tlsErrors(listener)).isEqualTo(errorsBefore + 1));
		assertThat(messages(listener)).isEqualTo(messagesBefore);
		assertServed(listener, null);
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void refusesAClientWithoutACertificateWhenOneIsNeeded(String io) {
		String listener = "mtls-" + io;
		double before = tlsErrors(listener);
		assertRefused(listener, null);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(tlsErrors(listener)).isEqualTo(before + 1));
		assertServed(listener, "client");
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void refusesAClientCertificateTheBundleDoesNotTrustWhetherNeededOrWanted(String io) {
		// openssl sends the certificate it is given; a JDK client would send none, as no
		// trusted CA issued it
		String listener = "mtls-" + io;
		double before = tlsErrors(listener);
		ProcessResult result = openssl(listener, "hello\r\n", "-cert", "src/test/resources/tls/rogue-client.crt",
				"-key", "src/test/resources/tls/rogue-client.key");
		assertThat(result.output()).doesNotContain("hello").contains("alert certificate unknown");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(tlsErrors(listener)).isEqualTo(before + 1));
		assertThat(openssl("want-nio", "hello\r\n", "-cert", "src/test/resources/tls/rogue-client.crt", "-key",
				"src/test/resources/tls/rogue-client.key")
			.output()).doesNotContain("hello").contains("alert certificate unknown");
	}

	@Test
	void servesClientsWithAndWithoutACertificateWhenOneIsWanted() {
		assertThat(openssl("want-nio", "hello\r\n").output()).contains("hello");
		assertThat(openssl("want-nio", "hello\r\n", "-cert", "src/test/resources/tls/client.crt", "-key",
				"src/test/resources/tls/client.key")
			.output()).contains("hello");
	}

	@Test
	void opensslClientCompletesTheHandshakeAndVerifiesTheServer() {
		ProcessResult result = openssl("want-nio", "hello\r\n", "-verify_return_error", "-cert",
				"src/test/resources/tls/client.crt", "-key", "src/test/resources/tls/client.key");
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("Verification: OK")
			.contains("Protocol version: TLSv1.3")
			.contains("hello");
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void refusesTls11EvenFromAClientThatOffersIt(String io) {
		String listener = "tls-" + io;
		double before = tlsErrors(listener);
		ProcessResult result = openssl(listener, "hello\r\n", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("alert protocol version").doesNotContain("hello");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(tlsErrors(listener)).isEqualTo(before + 1));
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void closesStalledHandshakesAfterTheHandshakeTimeoutWhileServingOthers(String io) throws Exception {
		String listener = "tls-" + io;
		double before = messages(listener);
		List<TcpClient> stalled = new ArrayList<>();
		try {
			for (int i = 0; i < 1000; i++) {
				TcpClient client = TcpClient.connect(this.listeners.port(listener));
				if (i % 2 == 0) {
					// the start of a TLS record, then nothing
					client.send(new byte[] { 0x16, 0x03, 0x01 });
				}
				stalled.add(client);
			}
			long start = System.nanoTime();
			assertServed(listener, null);
			for (TcpClient client : stalled) {
				assertThat(client.readsToEndWithin(5000)).isTrue();
			}
			// handshake-timeout (1 s) after the last connect, well before the default
			// (10 s), with slack for a loaded build machine (3.1 s seen with two builds)
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(closed(listener, "handshake_timeout")).isEqualTo(1000));
			assertThat(messages(listener)).isEqualTo(before + 1);
		}
		finally {
			stalled.forEach(TcpClient::close);
		}
	}

	/**
	 * Runs {@code openssl s_client} against a listener, trusting the test CA, with
	 * {@code input} on its stdin.
	 */
	private ProcessResult openssl(String listener, String input, String... options) {
		ExternalTools.require("openssl");
		List<String> command = new ArrayList<>(
				List.of("openssl", "s_client", "-connect", "127.0.0.1:" + this.listeners.port(listener), "-servername",
						"localhost", "-CAfile", "src/test/resources/tls/ca.crt", "-brief", "-ign_eof"));
		command.addAll(List.of(options));
		return ExternalTools.run(Duration.ofSeconds(20), input.getBytes(StandardCharsets.US_ASCII),
				command.toArray(String[]::new));
	}

	@Test
	void closesAClientThatSendsATlsRecordAByteAtATimeAfterTheMessageTimeout() throws Exception {
		String listener = "tls-nio";
		double before = closed(listener, "message_timeout");
		try (java.net.Socket plain = new java.net.Socket("127.0.0.1", this.listeners.port(listener))) {
			javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) TlsClients.context(null)
				.getSocketFactory()
				.createSocket(plain, "localhost", plain.getPort(), false);
			tls.startHandshake();
			// an application-data record header claiming 32 bytes, then a byte every 300
			// ms, below the TLS layer
			java.io.OutputStream raw = plain.getOutputStream();
			raw.write(new byte[] { 0x17, 0x03, 0x03, 0x00, 0x20 });
			boolean reset = false;
			for (int i = 0; i < 20 && !reset; i++) {
				Thread.sleep(300);
				try {
					raw.write(0);
				}
				catch (java.io.IOException ex) {
					reset = true;
				}
			}
			assertThat(reset || TcpClient.over(plain).readsToEndWithin(1000)).isTrue();
		}
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(closed(listener, "message_timeout")).isEqualTo(before + 1));
	}

	private void assertServed(String listener, String certificate) {
		SSLContext context = TlsClients.context(certificate);
		try (TcpClient client = TlsClients.connect(this.listeners.port(listener), context)) {
			client.send("still here\r\n");
			assertThat(client.readText(12)).isEqualTo("still here\r\n");
		}
	}

	/**
	 * The handshake fails, or the first read does (TLS 1.3 clients finish before the
	 * server checks them).
	 */
	private void assertRefused(String listener, String certificate) {
		double before = messages(listener);
		SSLContext context = TlsClients.context(certificate);
		assertThatThrownBy(() -> {
			try (TcpClient client = TlsClients.connect(this.listeners.port(listener), context)) {
				client.send("hello\r\n");
				byte[] reply = client.recv(64);
				assertThat(reply).isEmpty();
				throw new UncheckedIOException(new java.io.EOFException("closed without a reply"));
			}
		}).isInstanceOf(UncheckedIOException.class);
		assertThat(messages(listener)).isEqualTo(before);
	}

	private double messages(String listener) {
		return this.registry.get(TcpMeterNames.MESSAGES_RECEIVED).tag("listener", listener).counter().count();
	}

	private double tlsErrors(String listener) {
		return this.registry.get(TcpMeterNames.ERRORS).tag("listener", listener).tag("type", "tls").counter().count();
	}

	private double closed(String listener, String reason) {
		return this.registry.get(TcpMeterNames.CONNECTIONS_CLOSED)
			.tag("listener", listener)
			.tag("reason", reason)
			.counter()
			.count();
	}

}
