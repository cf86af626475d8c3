package dev.sockeye.listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.sockeye.metrics.TcpMeterNames;
import dev.sockeye.support.TcpClient;
import dev.sockeye.listener.connection.ListenerConnections;
import dev.sockeye.listener.context.RunningListeners;
import dev.sockeye.listener.transport.ListenerServer;
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
 * Timeouts close what would otherwise hold the server: frames that never finish
 * (slowloris), clients that never read their replies, idle connections; each with its own
 * close reason, while other clients are served.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "sockeye.listeners.slow-nio.port=0", "sockeye.listeners.slow-nio.message-timeout=1s",
				"sockeye.listeners.slow-blocking.port=0", "sockeye.listeners.slow-blocking.message-timeout=1s",
				"sockeye.listeners.slow-blocking.io=blocking", "sockeye.listeners.late-nio.port=0",
				"sockeye.listeners.late-nio.message-timeout=1s", "sockeye.listeners.late-blocking.port=0",
				"sockeye.listeners.late-blocking.message-timeout=1s", "sockeye.listeners.late-blocking.io=blocking",
				"sockeye.listeners.deaf-nio.port=0", "sockeye.listeners.deaf-nio.write-timeout=1s",
				"sockeye.listeners.deaf-blocking.port=0", "sockeye.listeners.deaf-blocking.write-timeout=1s",
				"sockeye.listeners.deaf-blocking.io=blocking", "sockeye.listeners.idle-nio.port=0",
				"sockeye.listeners.idle-nio.idle-timeout=1s", "sockeye.listeners.idle-blocking.port=0",
				"sockeye.listeners.idle-blocking.idle-timeout=1s", "sockeye.listeners.idle-blocking.io=blocking",
				"sockeye.listeners.quiet-nio.port=0", "sockeye.listeners.quiet-nio.write-timeout=1s",
				"sockeye.listeners.quiet-blocking.port=0", "sockeye.listeners.quiet-blocking.write-timeout=1s",
				"sockeye.listeners.quiet-blocking.io=blocking", "sockeye.listeners.churn-nio.port=0",
				"sockeye.listeners.churn-nio.message-timeout=1s", "sockeye.listeners.churn-blocking.port=0",
				"sockeye.listeners.churn-blocking.message-timeout=1s", "sockeye.listeners.churn-blocking.io=blocking" })
@DirtiesContext
class TimeoutTests {

	@Autowired
	Listeners listeners;

	@Autowired
	MeterRegistry registry;

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void closesSlowlorisClientsAfterTheMessageTimeoutWhileServingOthers(String io) throws Exception {
		String listener = "slow-" + io;
		List<TcpClient> attackers = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			attackers.add(TcpClient.connect(this.listeners.port(listener)));
		}
		try (TcpClient bystander = TcpClient.connect(this.listeners.port(listener))) {
			long start = System.nanoTime();
			for (int second = 0; second < 3; second++) {
				for (TcpClient attacker : attackers) {
					trySend(attacker, "x");
				}
				bystander.send("fine " + second + "\r\n");
				assertThat(bystander.readText(8)).isEqualTo("fine " + second + "\r\n");
				Thread.sleep(400);
			}
			for (TcpClient attacker : attackers) {
				assertThat(attacker.isClosedByServer()).isTrue();
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(closed(listener, "message_timeout")).isEqualTo(20));
			assertThat(closed(listener, "idle")).isZero();
		}
		finally {
			attackers.forEach(TcpClient::close);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void timesEachFrameFromItsOwnFirstByteNotFromTheDeadlineOfTheLast(String io) throws Exception {
		String listener = "late-" + io;
		// one connection in each of the listener's segments: whichever segment the
		// sweeper walks 100-120 ms before the
		// first frames' deadline queues its connection to be closed then
		List<TcpClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < ListenerConnections.SEGMENTS; i++) {
				clients.add(TcpClient.connect(this.listeners.port(listener)));
			}
			for (TcpClient client : clients) {
				client.send("par");
			}
			Thread.sleep(900);
			for (TcpClient client : clients) {
				client.send("tial\r\n");
			}
			for (TcpClient client : clients) {
				assertThat(client.readText(9)).isEqualTo("partial\r\n");
			}
			long second = System.nanoTime();
			for (TcpClient client : clients) {
				client.send("x");
			}
			// the first frames' deadline passes while the second frames have most of
			// their second left
			Thread.sleep(700);
			for (TcpClient client : clients) {
				assertThat(client.isClosedByServerWithin(1)).isFalse();
			}
			for (TcpClient client : clients) {
				assertThat(client.isClosedByServerWithin(2000)).isTrue();
			}
			assertThat(Duration.ofNanos(System.nanoTime() - second)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
		}
		finally {
			clients.forEach(TcpClient::close);
		}
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(
					() -> assertThat(closed(listener, "message_timeout")).isEqualTo(ListenerConnections.SEGMENTS));
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void closesAClientThatNeverReadsItsRepliesAndOthersAreServedMeanwhile(String io) throws Exception {
		String listener = "deaf-" + io;
		try (Socket deaf = new Socket(); TcpClient bystander = TcpClient.connect(this.listeners.port(listener))) {
			deaf.setReceiveBufferSize(4096);
			deaf.connect(new InetSocketAddress("127.0.0.1", this.listeners.port(listener)));
			OutputStream out = deaf.getOutputStream();
			byte[] line = ("y".repeat(1000) + "\r\n").getBytes();
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			boolean closed = false;
			int sent = 0;
			while (!closed && System.nanoTime() < deadline) {
				try {
					out.write(line);
					sent++;
				}
				catch (IOException ex) {
					closed = true;
				}
				if (sent % 500 == 0) {
					bystander.send("ok\r\n");
					assertThat(bystander.readText(4)).isEqualTo("ok\r\n");
				}
			}
			assertThat(closed).as("server closed the connection of the client that does not read").isTrue();
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(closed(listener, "write_timeout")).isEqualTo(1));
			bystander.send("after\r\n");
			assertThat(bystander.readText(7)).isEqualTo("after\r\n");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void resetsAClientThatStopsReadingEvenWhenNoOtherConnectionHasTraffic(String io) throws Exception {
		// the replies the client left unread must not keep the socket (and its kernel
		// buffers) open: the close is a
		// reset, and it takes effect although the listener's selector has nothing else to
		// do
		String listener = "quiet-" + io;
		try (Socket deaf = new Socket()) {
			deaf.setReceiveBufferSize(4096);
			deaf.connect(new InetSocketAddress("127.0.0.1", this.listeners.port(listener)));
			OutputStream out = deaf.getOutputStream();
			byte[] lines = ("y".repeat(1022) + "\r\n").repeat(64).getBytes();
			double previous = -1;
			for (int i = 0; i < 400; i++) {
				out.write(lines);
				Thread.sleep(50);
				double sent = sentBytes(listener);
				if (sent == previous) {
					break;
				}
				previous = sent;
			}
			// nothing more is written or read: only the write timeout can close it now,
			// and nothing else wakes the
			// listener's selector; then the client reads what it was sent before the
			// reset, and the reset
			Thread.sleep(3000);
			deaf.setSoTimeout(5000);
			InputStream in = deaf.getInputStream();
			byte[] buffer = new byte[65536];
			long read = 0;
			boolean reset = false;
			try {
				int n;
				while ((n = in.read(buffer)) >= 0 && read < 1_000_000) {
					read += n;
				}
				reset = read < 1_000_000;
			}
			catch (java.net.SocketException ex) {
				reset = true;
			}
			assertThat(reset).as("server reset the connection; the client read %d bytes first", read).isTrue();
			assertThat(closed(listener, "write_timeout")).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void closesIdleConnectionsAfterTheIdleTimeout(String io) {
		String listener = "idle-" + io;
		try (TcpClient idle = TcpClient.connect(this.listeners.port(listener))) {
			idle.send("once\r\n");
			assertThat(idle.readText(6)).isEqualTo("once\r\n");
			assertThat(idle.isClosedByServer()).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(closed(listener, "idle")).isEqualTo(1));
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void forgetsClosedConnectionsSoThatClientsComingAndGoingGrowNothing(String io) {
		String listener = "churn-" + io;
		int port = this.listeners.port(listener);
		List<TcpClient> keepers = new ArrayList<>();
		List<TcpClient> attackers = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				keepers.add(TcpClient.connect(port));
			}
			for (int round = 0; round < 3; round++) {
				for (int i = 0; i < 20; i++) {
					attackers.add(TcpClient.connect(port).send("x"));
					try (TcpClient visitor = TcpClient.connect(port)) {
						visitor.send("hi\r\n");
						assertThat(visitor.readText(4)).isEqualTo("hi\r\n");
					}
				}
			}
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(closed(listener, "message_timeout")).isEqualTo(60);
				assertThat(closed(listener, "client")).isEqualTo(60);
			});
			for (TcpClient keeper : keepers) {
				keeper.send("still\r\n");
				assertThat(keeper.readText(7)).isEqualTo("still\r\n");
			}
			// a blocking listener drops closed connections after its next accept
			keepers.add(TcpClient.connect(port).send("new\r\n"));
			assertThat(keepers.get(3).readText(5)).isEqualTo("new\r\n");
			ListenerServer server = RunningListeners.server(this.listeners.listeners().get(listener));
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(server.retainedConnections()).isEqualTo(4));
		}
		finally {
			keepers.forEach(TcpClient::close);
			attackers.forEach(TcpClient::close);
		}
	}

	private static void trySend(TcpClient client, String text) {
		try {
			client.send(text);
		}
		catch (RuntimeException ex) {
			// already closed by the server: that is the point
		}
	}

	private double sentBytes(String listener) {
		return this.registry.get(TcpMeterNames.SENT_BYTES).tag("listener", listener).counter().count();
	}

	private double closed(String listener, String reason) {
		return this.registry.get(TcpMeterNames.CONNECTIONS_CLOSED)
			.tag("listener", listener)
			.tag("reason", reason)
			.counter()
			.count();
	}

}
