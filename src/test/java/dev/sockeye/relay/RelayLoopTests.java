package dev.sockeye.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sockeye.SockeyeApplication;
import dev.sockeye.listener.Listeners;
import dev.sockeye.support.StubServer;
import dev.sockeye.support.TcpClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay's event-loop path over real sockets: plain upstreams served on the listener's
 * own I/O thread, with non-blocking upstream connections on its selector. Each test runs
 * its own application with one listener of one event loop.
 */
class RelayLoopTests {

	private final List<AutoCloseable> resources = new ArrayList<>();

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() throws Exception {
		if (this.context != null) {
			this.context.close();
		}
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	@Test
	void plainUpstreamIsServedOnTheEventLoopWithNoUpstreamReaderThread() {
		StubServer upstream = stub(StubServer.lineEcho("loop:"));
		int port = start("127.0.0.1:" + upstream.port());
		try (TcpClient client = TcpClient.connect(port)) {
			client.send("one\r\ntwo\r\n");
			assertThat(client.readText(20)).isEqualTo("loop:one\r\nloop:two\r\n");
		}
		assertThat(Thread.getAllStackTraces().keySet())
			.noneMatch((thread) -> thread.getName().startsWith("sockeye-upstream-127.0.0.1:" + upstream.port()));
		MeterRegistry meters = this.context.getBean(MeterRegistry.class);
		assertThat(meters.get("tcp.client.requests")
			.tag("upstream", "127.0.0.1:" + upstream.port())
			.tag("outcome", "success")
			.timer()
			.count()).isEqualTo(2);
		assertThat(meters.get("tcp.client.connections.active").gauge().value()).isEqualTo(1);
	}

	@Test
	void failsOverToTheSecondUpstreamWhenTheFirstRefuses() {
		StubServer second = stub(StubServer.lineEcho("second:"));
		int refused = refusedPort();
		int port = start("127.0.0.1:" + refused + ",127.0.0.1:" + second.port());
		try (TcpClient client = TcpClient.connect(port)) {
			client.send("hello\r\n");
			assertThat(client.readText(14)).isEqualTo("second:hello\r\n");
		}
		assertThat(this.context.getBean(MeterRegistry.class)
			.get("tcp.client.errors")
			.tag("upstream", "127.0.0.1:" + refused)
			.tag("type", "connect")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void failsOverToTheSecondUpstreamWhenTheFirstDropsTheConnectionMidRequest() {
		StubServer first = stub(StubServer.closingAfterFirstRead());
		StubServer second = stub(StubServer.lineEcho("second:"));
		int port = start("127.0.0.1:" + first.port() + ",127.0.0.1:" + second.port());
		try (TcpClient client = TcpClient.connect(port)) {
			client.send("hello\r\n");
			assertThat(client.readText(14)).isEqualTo("second:hello\r\n");
			client.send("again\r\n");
			assertThat(client.readText(14)).isEqualTo("second:again\r\n");
		}
		assertThat(this.context.getBean(MeterRegistry.class)
			.get("tcp.client.errors")
			.tag("upstream", "127.0.0.1:" + first.port())
			.tag("type", "closed")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void aTimedOutRequestClosesItsUpstreamConnectionAndTheNextRequestGetsItsOwnReply() throws Exception {
		AtomicInteger connections = new AtomicInteger();
		CountDownLatch firstClosed = new CountDownLatch(1);
		// the first connection answers its first request late, every other request at
		// once
		StubServer upstream = stub(StubServer.start((socket, in) -> {
			int connection = connections.incrementAndGet();
			lines(socket, in, (line, out) -> {
				if (connection == 1 && line.equals("slow")) {
					sleep(800);
				}
				out.write(("re:" + line + "\r\n").getBytes(StandardCharsets.UTF_8));
			});
			if (connection == 1) {
				firstClosed.countDown();
			}
		}));
		int port = start("127.0.0.1:" + upstream.port(), "--sockeye.listeners.relay.relay.reply-timeout=300ms");
		try (TcpClient client = TcpClient.connect(port)) {
			client.send("slow\r\n");
			assertThat(client.readText(28)).isEqualTo("ERROR no upstream answered\r\n");
			client.send("fast\r\n");
			assertThat(client.readText(9)).isEqualTo("re:fast\r\n");
			assertThat(firstClosed.await(3, TimeUnit.SECONDS)).isTrue();
			client.send("next\r\n");
			assertThat(client.readText(9)).isEqualTo("re:next\r\n");
		}
		assertThat(connections.get()).isEqualTo(2);
		assertThat(this.context.getBean(MeterRegistry.class)
			.get("tcp.client.errors")
			.tag("type", "timeout")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void aRequestLargerThanTheSocketTakesAtOnceReachesASlowReadingUpstreamWhole() {
		StubServer upstream = stub(StubServer.start((socket, in) -> lines(socket, in, (line, out) -> {
			out.write(("length " + line.length() + "\r\n").getBytes(StandardCharsets.UTF_8));
		}, 200)));
		int port = start("127.0.0.1:" + upstream.port(), "--sockeye.listeners.relay.max-message-size=8MB");
		String big = "x".repeat(6 * 1024 * 1024);
		try (TcpClient client = TcpClient.connect(port)) {
			client.send(big + "\r\n");
			assertThat(client.readText(16)).isEqualTo("length " + big.length() + "\r\n");
		}
	}

	@Test
	void noMoreThanPoolSizeConnectionsAreOpenedWhileMoreClientsWait() throws Exception {
		AtomicInteger connections = new AtomicInteger();
		StubServer upstream = stub(StubServer.start((socket, in) -> {
			connections.incrementAndGet();
			lines(socket, in, (line, out) -> {
				sleep(50);
				out.write(("re:" + line + "\r\n").getBytes(StandardCharsets.UTF_8));
			});
		}));
		int port = start("127.0.0.1:" + upstream.port(), "--sockeye.listeners.relay.relay.pool-size=2");
		List<TcpClient> clients = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			TcpClient client = TcpClient.connect(port);
			this.resources.add(client);
			clients.add(client);
			client.send("c" + i + "\r\n");
		}
		for (int i = 0; i < clients.size(); i++) {
			assertThat(clients.get(i).readText(7)).isEqualTo("re:c" + i + "\r\n");
		}
		assertThat(connections.get()).isEqualTo(2);
	}

	@Test
	void stoppingTheApplicationClosesTheUpstreamConnections() throws Exception {
		CountDownLatch ended = new CountDownLatch(1);
		StubServer upstream = stub(StubServer.start((socket, in) -> {
			lines(socket, in, (line, out) -> out.write(("re:" + line + "\r\n").getBytes(StandardCharsets.UTF_8)));
			ended.countDown();
		}));
		int port = start("127.0.0.1:" + upstream.port());
		try (TcpClient client = TcpClient.connect(port)) {
			client.send("hello\r\n");
			assertThat(client.readText(10)).isEqualTo("re:hello\r\n");
		}
		assertThat(ended.await(300, TimeUnit.MILLISECONDS)).isFalse();
		this.context.close();
		this.context = null;
		assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
	}

	private int start(String upstreams, String... more) {
		List<String> args = new ArrayList<>(List.of("--sockeye.listeners.relay.port=0",
				"--sockeye.listeners.relay.io-threads=1", "--sockeye.listeners.relay.service=relay",
				"--sockeye.listeners.relay.relay.upstreams=" + upstreams));
		args.addAll(List.of(more));
		SpringApplication application = new SpringApplication(SockeyeApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		this.context = application.run(args.toArray(String[]::new));
		return this.context.getBean(Listeners.class).port("relay");
	}

	private StubServer stub(StubServer server) {
		this.resources.add(server);
		return server;
	}

	private static void lines(Socket socket, java.io.InputStream in, LineAnswer answer) {
		lines(socket, in, answer, 0);
	}

	/** Answers each CRLF line; with a small receive buffer and a pause, reads slowly. */
	private static void lines(Socket socket, java.io.InputStream in, LineAnswer answer, int pauseMillis) {
		try {
			if (pauseMillis > 0) {
				sleep(pauseMillis);
			}
			BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 4096);
			OutputStream out = socket.getOutputStream();
			String line;
			while ((line = reader.readLine()) != null) {
				answer.answer(line, out);
				out.flush();
			}
		}
		catch (IOException ex) {
			// closed
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int refusedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	interface LineAnswer {

		void answer(String line, OutputStream out) throws IOException;

	}

}
