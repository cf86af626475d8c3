package dev.sockeye.listener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import dev.sockeye.support.TcpClient;
import dev.sockeye.support.TlsClients;
import dev.sockeye.listener.Listeners;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener's certificate rotates without a restart: when the files of its SSL bundle
 * change, new connections get the new certificate, and connections already open keep
 * working.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "spring.ssl.bundle.watch.file.quiet-period=200ms", "sockeye.listeners.rot-nio.port=0",
				"sockeye.listeners.rot-nio.tls.bundle=rotating", "sockeye.listeners.rot-blocking.port=0",
				"sockeye.listeners.rot-blocking.tls.bundle=rotating", "sockeye.listeners.rot-blocking.io=blocking" })
@DirtiesContext
class TlsRotationTests {

	@TempDir
	static Path certificates;

	@Autowired
	Listeners listeners;

	@DynamicPropertySource
	static void rotatingBundle(DynamicPropertyRegistry registry) {
		install("server");
		registry.add("spring.ssl.bundle.pem.rotating.reload-on-update", () -> "true");
		registry.add("spring.ssl.bundle.pem.rotating.keystore.certificate",
				() -> "file:" + certificates.resolve("server.crt"));
		registry.add("spring.ssl.bundle.pem.rotating.keystore.private-key",
				() -> "file:" + certificates.resolve("server.key"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void newConnectionsGetTheNewCertificateWhenTheBundleFilesChange(String io) throws Exception {
		int port = this.listeners.port("rot-" + io);
		install("server");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> TlsClients.serverSubject(port).equals("O=Sockeye Test,CN=localhost"));
		try (TcpClient open = TlsClients.connect(port, TlsClients.context(null))) {
			open.send("before\r\n");
			assertThat(open.readText(8)).isEqualTo("before\r\n");
			install("server-rotated");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> TlsClients.serverSubject(port).equals("O=Sockeye Test Rotated,CN=localhost"));
			open.send("after\r\n");
			assertThat(open.readText(7)).isEqualTo("after\r\n");
		}
		try (TcpClient fresh = TlsClients.connect(port, TlsClients.context(null))) {
			fresh.send("fresh\r\n");
			assertThat(fresh.readText(7)).isEqualTo("fresh\r\n");
		}
	}

	/**
	 * Copies a key and certificate from the test resources over the bundle's files, key
	 * first.
	 */
	private static void install(String name) {
		try {
			for (String extension : new String[] { ".key", ".crt" }) {
				Path source = Path.of("src/test/resources/tls", name + extension);
				Path temporary = certificates.resolve(name + extension + ".tmp");
				Files.copy(source, temporary, StandardCopyOption.REPLACE_EXISTING);
				Files.move(temporary, certificates.resolve("server" + extension), StandardCopyOption.REPLACE_EXISTING,
						StandardCopyOption.ATOMIC_MOVE);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
