package dev.sockeye.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sockeye.listener.Listeners;
import dev.sockeye.metrics.TcpMeterNames;
import dev.sockeye.support.Meters;
import dev.sockeye.support.StubServer;
import dev.sockeye.support.TcpClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay as an asynchronous service over real sockets: clients that pipeline their
 * requests get the replies in request order whichever upstream reply comes first, a
 * client that sends far more than it reads is not read without bound, and failover and
 * timeouts keep their order too.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE)
@DirtiesContext
class RelayPipeliningTests {

	/** Answers lines that start with "slow" after 300 ms, others at once. */
	static final StubServer delaying = StubServer.start((socket, in) -> answer(socket, in, (line) -> {
		if (line.startsWith("slow")) {
			sleep(300);
		}
		return "d:" + line;
	}));

	static final CountDownLatch gate = new CountDownLatch(1);

	static final AtomicInteger gatedRequests = new AtomicInteger();

	/** Holds every reply until the gate opens. */
	static final StubServer gated = StubServer.start((socket, in) -> answer(socket, in, (line) -> {
		gatedRequests.incrementAndGet();
		try {
			gate.await(20, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return "g:" + line;
	}));

	static final StubServer dropping = StubServer.closingAfterFirstRead();

	static final StubServer backup = StubServer.lineEcho("backup:");

	static final StubServer silent = StubServer.silent();

	@DynamicPropertySource
	static void listeners(DynamicPropertyRegistry registry) {
		relay(registry, "ordered", "localhost:" + delaying.port());
		relay(registry, "gated", "localhost:" + gated.port());
		relay(registry, "failover", "localhost:" + dropping.port(), "localhost:" + backup.port());
		relay(registry, "silent", "localhost:" + silent.port());
		registry.add("sockeye.listeners.silent.relay.reply-timeout", () -> "300ms");
	}

	private static void relay(DynamicPropertyRegistry registry, String name, String... upstreams) {
		registry.add("sockeye.listeners." + name + ".port", () -> "0");
		registry.add("sockeye.listeners." + name + ".service", () -> "relay");
		registry.add("sockeye.listeners." + name + ".relay.upstreams", () -> String.join(",", upstreams));
	}

	@AfterAll
	static void stopUpstreams() {
		gate.countDown();
		delaying.close();
		gated.close();
		dropping.close();
		backup.close();
		silent.close();
	}

	@Autowired
	Listeners listeners;

	@Autowired
	MeterRegistry registry;

	@Test
	void pipelinedRequestsAreAnsweredInOrderWhenTheUpstreamAnswersAnEarlierOneLater() {
		try (TcpClient client = TcpClient.connect(this.listeners.port("ordered"))) {
			client.send("slow-1\r\nfast-2\r\nslow-3\r\nfast-4\r\n");
			assertThat(client.readText(4 * 10)).isEqualTo("d:slow-1\r\nd:fast-2\r\nd:slow-3\r\nd:fast-4\r\n");
		}
	}

	@Test
	void aClientThatEndsItsInputGetsEveryReplyBeforeTheConnectionCloses() {
		try (TcpClient client = TcpClient.connect(this.listeners.port("ordered"))) {
			client.send("slow-1\r\nfast-2\r\n").shutdownOutput();
			assertThat(new String(client.readToEnd(), StandardCharsets.UTF_8)).isEqualTo("d:slow-1\r\nd:fast-2\r\n");
		}
	}

	@Test
	void aClientThatPipelinesFarMoreThanIsAnsweredIsNotReadUntilItsRepliesGoOut() throws Exception {
		int requests = 2000;
		StringBuilder all = new StringBuilder();
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < requests; i++) {
			String line = String.format("n-%04d", i);
			all.append(line).append("\r\n");
			expected.append("g:").append(line).append("\r\n");
		}
		Meters meters = new Meters(this.registry);
		try (TcpClient client = TcpClient.connect(this.listeners.port("gated"))) {
			client.send(all.toString());
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (gatedRequests.get() == 0 && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			// give the relay time to read whatever it would read
			Thread.sleep(500);
			assertThat(gatedRequests.get()).as("one request at a time goes upstream").isEqualTo(1);
			assertThat(meters.counter(TcpMeterNames.MESSAGES_RECEIVED, "gated"))
				.as("frames decoded: one in flight, the bounded queue, at most one read more")
				.isLessThan(200);
			gate.countDown();
			assertThat(client.readText(expected.length())).isEqualTo(expected.toString());
		}
		assertThat(meters.counter(TcpMeterNames.MESSAGES_RECEIVED, "gated")).isEqualTo(requests);
	}

	@Test
	void anUpstreamThatDropsTheConnectionBeforeReplyingIsSkippedAndPipelinedRequestsKeepTheirOrder() {
		try (TcpClient client = TcpClient.connect(this.listeners.port("failover"))) {
			client.send("a\r\nb\r\nc\r\n");
			assertThat(client.readText(3 * 10)).isEqualTo("backup:a\r\nbackup:b\r\nbackup:c\r\n");
		}
		assertThat(this.registry.get("tcp.client.errors")
			.tag("listener", "failover")
			.tag("upstream", "localhost:" + dropping.port())
			.tag("type", "closed")
			.counter()
			.count()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void pipelinedRequestsToAnUpstreamThatNeverAnswersEachGetTheErrorReplyInTurn() {
		try (TcpClient client = TcpClient.connect(this.listeners.port("silent"))) {
			client.send("one\r\ntwo\r\n");
			assertThat(client.readText(2 * 28))
				.isEqualTo("ERROR no upstream answered\r\nERROR no upstream answered\r\n");
		}
		assertThat(this.registry.get("tcp.client.errors")
			.tag("listener", "silent")
			.tag("type", "timeout")
			.counter()
			.count()).isEqualTo(2);
	}

	private static void answer(java.net.Socket socket, java.io.InputStream in,
			java.util.function.UnaryOperator<String> reply) {
		try {
			BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			OutputStream out = socket.getOutputStream();
			String line;
			while ((line = lines.readLine()) != null) {
				out.write((reply.apply(line) + "\r\n").getBytes(StandardCharsets.UTF_8));
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

}
