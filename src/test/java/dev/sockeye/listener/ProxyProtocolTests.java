package dev.sockeye.listener;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLSocket;

import dev.sockeye.metrics.TcpMeterNames;
import dev.sockeye.service.SockeyeService;
import dev.sockeye.support.Meters;
import dev.sockeye.support.TcpClient;
import dev.sockeye.support.TlsClients;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listeners behind a balancer that sends a PROXY protocol header, over real sockets on
 * both I/O models: the client the header names is the connection's address everywhere
 * (the service's peer, the connection list, the rules and the per-client cap), bad,
 * oversized and late headers are closed and counted, and a peer that is not a trusted
 * proxy is refused before any read. The headers are written by hand here, from the spec,
 * so that they test the decoder rather than the encoder.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE, properties = {
		"spring.ssl.bundle.pem.server.keystore.certificate=classpath:tls/server.crt",
		"spring.ssl.bundle.pem.server.keystore.private-key=classpath:tls/server.key", "sockeye.listeners.v2-nio.port=0",
		"sockeye.listeners.v2-nio.proxy-protocol=v2", "sockeye.listeners.v2-nio.trusted-proxies=127.0.0.1/32",
		"sockeye.listeners.v2-nio.service=whoami", "sockeye.listeners.v2-nio.max-connections-per-client=2",
		"sockeye.listeners.v2-nio.deny=198.51.100.0/24", "sockeye.listeners.v2-nio.handshake-timeout=1s",
		"sockeye.listeners.v2-blocking.port=0", "sockeye.listeners.v2-blocking.io=blocking",
		"sockeye.listeners.v2-blocking.proxy-protocol=v2", "sockeye.listeners.v2-blocking.trusted-proxies=127.0.0.1/32",
		"sockeye.listeners.v2-blocking.service=whoami", "sockeye.listeners.v2-blocking.max-connections-per-client=2",
		"sockeye.listeners.v2-blocking.deny=198.51.100.0/24", "sockeye.listeners.v2-blocking.handshake-timeout=1s",
		"sockeye.listeners.v1-nio.port=0", "sockeye.listeners.v1-nio.proxy-protocol=v1",
		"sockeye.listeners.v1-nio.trusted-proxies=127.0.0.0/8", "sockeye.listeners.v1-nio.service=whoami",
		"sockeye.listeners.v1-blocking.port=0", "sockeye.listeners.v1-blocking.io=blocking",
		"sockeye.listeners.v1-blocking.proxy-protocol=v1", "sockeye.listeners.v1-blocking.trusted-proxies=127.0.0.0/8",
		"sockeye.listeners.v1-blocking.service=whoami", "sockeye.listeners.tls-nio.port=0",
		"sockeye.listeners.tls-nio.proxy-protocol=any", "sockeye.listeners.tls-nio.trusted-proxies=127.0.0.1",
		"sockeye.listeners.tls-nio.service=whoami", "sockeye.listeners.tls-nio.tls.bundle=server",
		"sockeye.listeners.tls-blocking.port=0", "sockeye.listeners.tls-blocking.io=blocking",
		"sockeye.listeners.tls-blocking.proxy-protocol=any", "sockeye.listeners.tls-blocking.trusted-proxies=127.0.0.1",
		"sockeye.listeners.tls-blocking.service=whoami", "sockeye.listeners.tls-blocking.tls.bundle=server",
		"sockeye.listeners.untrusted.port=0", "sockeye.listeners.untrusted.proxy-protocol=v2",
		"sockeye.listeners.untrusted.trusted-proxies=127.0.0.9" })
@DirtiesContext
class ProxyProtocolTests {

	@Autowired
	Listeners listeners;

	private final Meters meters;

	@Autowired
	ProxyProtocolTests(MeterRegistry registry) {
		this.meters = new Meters(registry);
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void theClientAV2HeaderNamesIsThePeerOfTheServiceAndInTheConnectionList(String io) {
		String listener = "v2-" + io;
		try (TcpClient client = connect(listener)) {
			// the header and the first request in one write, as a balancer may send them
			client.send(concat(v2("192.0.2.10", 40001, "192.0.2.1", 7000), "hello\r\n".getBytes()));
			assertThat(client.readText(24)).isEqualTo("192.0.2.10 40001 hello\r\n");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void theConnectionListShowsTheClientNotTheBalancer(String io) {
		String listener = "v2-" + io;
		try (TcpClient client = connect(listener)) {
			client.send(v2("2001:db8::7", 40002, "2001:db8::1", 7000));
			client.send("hi\r\n");
			String expected = "2001:db8:0:0:0:0:0:7 40002 hi\r\n";
			assertThat(client.readText(expected.length())).isEqualTo(expected);
			Listener found = this.listeners.listeners().get(listener);
			assertThat(found.connections()).singleElement().satisfies((connection) -> {
				assertThat(connection.remoteAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
				assertThat(connection.remotePort()).isEqualTo(40002);
			});
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void aV1HeaderSplitAcrossWritesNamesTheClientToo(String io) {
		try (TcpClient client = connect("v1-" + io)) {
			client.sendByteByByte("PROXY TCP4 203.0.113.5 192.0.2.1 51000 7000\r\n".getBytes());
			client.send("one\r\n");
			assertThat(client.readText(23)).isEqualTo("203.0.113.5 51000 one\r\n");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void aLocalHeaderKeepsTheSocketsAddress(String io) {
		try (TcpClient client = connect("v2-" + io)) {
			client.send(v2Local());
			client.send("check\r\n");
			String reply = client.readText(("127.0.0.1 " + client.localPort() + " check\r\n").length());
			assertThat(reply).isEqualTo("127.0.0.1 " + client.localPort() + " check\r\n");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void thePerClientCapCountsTheClientAndLeavesOtherClientsAlone(String io) {
		String listener = "v2-" + io;
		double before = this.meters.rejected(listener, "max_connections_per_client");
		try (TcpClient first = proxied(listener, "192.0.2.20");
				TcpClient second = proxied(listener, "192.0.2.20");
				TcpClient other = proxied(listener, "192.0.2.21")) {
			try (TcpClient third = connect(listener)) {
				third.send(v2("192.0.2.20", 40000, "192.0.2.1", 7000));
				third.send("over\r\n");
				assertThat(third.isClosedByServer()).isTrue();
			}
			assertThat(this.meters.rejected(listener, "max_connections_per_client")).isEqualTo(before + 1);
			for (TcpClient client : List.of(first, second, other)) {
				client.send("still\r\n");
				assertThat(client.readText(24)).endsWith(" 40000 still\r\n");
			}
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.meters.gauge(TcpMeterNames.CONNECTIONS_ACTIVE, listener)).isZero());
		// the refused one gave its slot back once: two from the same client fit again
		try (TcpClient again = proxied(listener, "192.0.2.20"); TcpClient more = proxied(listener, "192.0.2.20")) {
			assertThat(this.meters.rejected(listener, "max_connections_per_client")).isEqualTo(before + 1);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void denyAppliesToTheClientTheHeaderNames(String io) {
		String listener = "v2-" + io;
		double before = this.meters.rejected(listener, "denied");
		double closedBefore = this.meters.closed(listener, "rejected");
		try (TcpClient client = connect(listener)) {
			client.send(v2("198.51.100.7", 40000, "192.0.2.1", 7000));
			client.send("let me in\r\n");
			assertThat(client.isClosedByServer()).isTrue();
		}
		assertThat(this.meters.rejected(listener, "denied")).isEqualTo(before + 1);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.meters.closed(listener, "rejected")).isEqualTo(closedBefore + 1));
	}

	@Test
	void aPeerThatIsNotATrustedProxyIsRefusedBeforeAnyRead() {
		try (TcpClient client = connect("untrusted")) {
			client.send(v2("192.0.2.10", 40000, "192.0.2.1", 7000));
			assertThat(client.isClosedByServer()).isTrue();
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.meters.rejected("untrusted", "untrusted_proxy")).isEqualTo(1));
		assertThat(this.meters.counter(TcpMeterNames.CONNECTIONS_OPENED, "untrusted")).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void malformedOversizedAndLateHeadersAreClosedAndCountedWhileOthersAreServed(String io) {
		String listener = "v2-" + io;
		double before = this.meters.errors(listener, "proxy_protocol");
		try (TcpClient served = proxied(listener, "192.0.2.30")) {
			try (TcpClient plain = connect(listener)) {
				plain.send("hello, no header\r\n");
				assertThat(plain.isClosedByServer()).isTrue();
			}
			try (TcpClient v1 = connect(listener)) {
				// a v1 header on a v2 listener
				v1.send("PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\n");
				assertThat(v1.isClosedByServer()).isTrue();
			}
			try (TcpClient oversized = connect(listener)) {
				byte[] header = v2("192.0.2.1", 1, "192.0.2.2", 2);
				ByteBuffer.wrap(header).putShort(14, (short) 60000);
				oversized.send(header);
				assertThat(oversized.isClosedByServer()).isTrue();
			}
			try (TcpClient late = connect(listener)) {
				late.send(new byte[] { '\r', '\n' });
				// handshake-timeout 1s
				assertThat(late.readsToEndWithin(5000)).isTrue();
			}
			served.send("fine\r\n");
			assertThat(served.readText(23)).isEqualTo("192.0.2.30 40000 fine\r\n");
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.meters.errors(listener, "proxy_protocol")).isEqualTo(before + 4));
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void tlsStartsAfterTheHeader(String io) throws Exception {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.listeners.port("tls-" + io)));
		socket.getOutputStream().write("PROXY TCP4 192.0.2.44 192.0.2.1 42000 7000\r\n".getBytes());
		SSLSocket tls = (SSLSocket) TlsClients.context(null)
			.getSocketFactory()
			.createSocket(socket, "localhost", socket.getPort(), true);
		tls.setUseClientMode(true);
		tls.startHandshake();
		try (TcpClient client = TcpClient.over(tls)) {
			client.send("secret\r\n");
			assertThat(client.readText(25)).isEqualTo("192.0.2.44 42000 secret\r\n");
		}
	}

	private TcpClient proxied(String listener, String client) {
		TcpClient connection = connect(listener);
		connection.send(v2(client, 40000, "192.0.2.1", 7000));
		connection.send("hi\r\n");
		String expected = client + " 40000 hi\r\n";
		assertThat(connection.readText(expected.length())).isEqualTo(expected);
		return connection;
	}

	private TcpClient connect(String listener) {
		return TcpClient.connect(this.listeners.port(listener));
	}

	/** A v2 PROXY command over TCP, from the spec's layout. */
	static byte[] v2(String source, int sourcePort, String destination, int destinationPort) {
		try {
			byte[] from = InetAddress.getByName(source).getAddress();
			byte[] to = InetAddress.getByName(destination).getAddress();
			boolean v6 = from.length == 16;
			ByteBuffer header = ByteBuffer.allocate(16 + (v6 ? 36 : 12));
			header.put(SIGNATURE).put((byte) 0x21).put((byte) (v6 ? 0x21 : 0x11)).putShort((short) (v6 ? 36 : 12));
			header.put(from).put(to).putShort((short) sourcePort).putShort((short) destinationPort);
			return header.array();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	static byte[] v2Local() {
		return ByteBuffer.allocate(16).put(SIGNATURE).put((byte) 0x20).put((byte) 0).putShort((short) 0).array();
	}

	private static final byte[] SIGNATURE = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A };

	private static byte[] concat(byte[] first, byte[] second) {
		ByteArrayOutputStream both = new ByteArrayOutputStream();
		both.writeBytes(first);
		both.writeBytes(second);
		return both.toByteArray();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Services {

		/** Answers with the peer it was given, then the request. */
		@Bean
		SockeyeService whoami() {
			return (request, peer) -> (peer.remoteAddress() + " " + peer.remotePort() + " "
					+ new String(request, StandardCharsets.UTF_8))
				.getBytes(StandardCharsets.UTF_8);
		}

	}

}
