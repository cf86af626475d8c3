package dev.sockeye.listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.sockeye.metrics.TcpMeterNames;
import dev.sockeye.support.ExternalTools;
import dev.sockeye.support.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real HAProxy (TCP mode, its {@code source} 127.0.0.2) in front of listeners with the
 * default caps, sending {@code send-proxy-v2} to one and {@code send-proxy} (v1) to the
 * other: 3,000 connections from one client address meet that client's cap (2,000), not
 * the balancer's, the connection list names the client, a second client is not affected,
 * and {@code deny} of a client's address refuses it through the balancer. Clients bind to
 * other loopback addresses to look like other hosts.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "sockeye.listeners.behind-v2.port=0", "sockeye.listeners.behind-v2.proxy-protocol=v2",
				"sockeye.listeners.behind-v2.trusted-proxies=127.0.0.2", "sockeye.listeners.behind-v2.deny=127.0.0.5",
				"sockeye.listeners.behind-v1.port=0", "sockeye.listeners.behind-v1.proxy-protocol=v1",
				"sockeye.listeners.behind-v1.trusted-proxies=127.0.0.2", "sockeye.listeners.behind-v1.deny=127.0.0.5" })
@DirtiesContext
@TestInstance(Lifecycle.PER_CLASS)
class HaproxyProxyProtocolTests {

	private static final String CLIENT = "127.0.0.3";

	private static final String OTHER_CLIENT = "127.0.0.4";

	private static final String DENIED_CLIENT = "127.0.0.5";

	@Autowired
	Listeners listeners;

	private final Meters meters;

	@Autowired
	HaproxyProxyProtocolTests(MeterRegistry registry) {
		this.meters = new Meters(registry);
	}

	private Process haproxy;

	private final Map<String, Integer> frontends = new java.util.HashMap<>();

	@BeforeAll
	void startHaproxy() throws Exception {
		Path haproxyCommand = ExternalTools.require("haproxy");
		StringBuilder config = new StringBuilder("""
				global
				    # 2 descriptors a connection: fits a limit of 20,000 open files
				    maxconn 8000
				defaults
				    mode tcp
				    timeout connect 5s
				    timeout client 60s
				    timeout server 60s
				""");
		for (String version : List.of("v2", "v1")) {
			int port = freePort();
			this.frontends.put(version, port);
			config.append("frontend in-")
				.append(version)
				.append("\n    bind 127.0.0.1:")
				.append(port)
				.append("\n    default_backend to-")
				.append(version)
				.append("\nbackend to-")
				.append(version)
				.append("\n    server sockeye 127.0.0.1:")
				.append(this.listeners.port("behind-" + version))
				.append(" source 127.0.0.2 ")
				.append(version.equals("v2") ? "send-proxy-v2" : "send-proxy")
				.append("\n");
		}
		Path file = Files.createTempFile("sockeye-haproxy-", ".cfg");
		Files.writeString(file, config);
		Path log = Files.createTempFile("sockeye-haproxy-", ".log");
		this.haproxy = new ProcessBuilder(haproxyCommand.toString(), "-db", "-f", file.toString())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		for (int port : this.frontends.values()) {
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
				assertThat(this.haproxy.isAlive()).as("HAProxy exited: %s", Files.readString(log)).isTrue();
				new Socket("127.0.0.1", port).close();
				return true;
			});
		}
	}

	@AfterAll
	void stopHaproxy() throws InterruptedException {
		if (this.haproxy != null) {
			this.haproxy.destroy();
			this.haproxy.waitFor();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "v2", "v1" })
	void threeThousandConnectionsFromOneClientMeetThatClientsCapNotTheBalancers(String version) throws Exception {
		String listener = "behind-" + version;
		List<Socket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < 3000; i++) {
				Socket socket = connect(version, CLIENT);
				socket.getOutputStream().write(("n" + i + "\r\n").getBytes(StandardCharsets.US_ASCII));
				sockets.add(socket);
			}
			int served = 0;
			int refused = 0;
			for (int i = 0; i < sockets.size(); i++) {
				String reply = readLine(sockets.get(i));
				if (reply == null) {
					refused++;
				}
				else {
					assertThat(reply).isEqualTo("n" + i);
					served++;
				}
			}
			assertThat(served).isEqualTo(2000);
			assertThat(refused).isEqualTo(1000);
			assertThat(this.meters.rejected(listener, "max_connections_per_client")).isEqualTo(1000);
			assertThat(this.meters.rejected(listener, "untrusted_proxy")).isZero();

			// a refused connection leaves the list just after its socket closes
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.listeners.listeners()
					.get(listener)
					.connections()
					.stream()
					.collect(Collectors.groupingBy(ConnectionInfo::remoteAddress, Collectors.counting())))
					.isEqualTo(Map.of(CLIENT, 2000L)));

			try (Socket other = connect(version, OTHER_CLIENT)) {
				other.getOutputStream().write("other\r\n".getBytes(StandardCharsets.US_ASCII));
				assertThat(readLine(other)).isEqualTo("other");
			}
		}
		finally {
			for (Socket socket : sockets) {
				socket.close();
			}
		}
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.meters.gauge(TcpMeterNames.CONNECTIONS_ACTIVE, listener)).isZero());
	}

	@ParameterizedTest
	@ValueSource(strings = { "v2", "v1" })
	void denyOfTheClientsAddressRefusesItThroughTheBalancer(String version) throws Exception {
		String listener = "behind-" + version;
		double before = this.meters.rejected(listener, "denied");
		try (Socket denied = connect(version, DENIED_CLIENT)) {
			denied.getOutputStream().write("let me in\r\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(readLine(denied)).isNull();
		}
		assertThat(this.meters.rejected(listener, "denied")).isEqualTo(before + 1);
		try (Socket other = connect(version, OTHER_CLIENT)) {
			other.getOutputStream().write("fine\r\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(readLine(other)).isEqualTo("fine");
		}
	}

	private Socket connect(String version, String from) throws IOException {
		Socket socket = new Socket();
		socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
		socket.connect(new InetSocketAddress("127.0.0.1", this.frontends.get(version)), 5000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	/** A CRLF-terminated line without its CRLF, or null when the server closed. */
	private static String readLine(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		StringBuilder line = new StringBuilder();
		int b;
		try {
			while ((b = in.read()) >= 0) {
				if (b == '\n') {
					return line.substring(0, line.length() - 1);
				}
				line.append((char) b);
			}
		}
		catch (java.net.SocketException ex) {
			// reset by the balancer on the server's close
		}
		assertThat(line).isEmpty();
		return null;
	}

	private static int freePort() {
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return probe.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
