package dev.sockeye.bench;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sockeye.bench.wire.BenchFrames;
import dev.sockeye.framing.FrameBuffer;
import dev.sockeye.framing.FrameCodec;
import dev.sockeye.framing.Framing;
import dev.sockeye.listener.Listeners;
import dev.sockeye.metrics.TcpMeterNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sockeye bench} against a real Sockeye server started by the test (plain, TLS,
 * mutual TLS, close-after-reply and PROXY protocol listeners), and against small
 * misbehaving servers of the test's own, over real sockets. Performance is measured by
 * hand against the reference harness, not here.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE, properties = { "sockeye.listeners.echo.port=0",
		"sockeye.listeners.len.port=0", "sockeye.listeners.len.framing=length-header-4",
		"sockeye.listeners.prefixed.port=0", "sockeye.listeners.prefixed.echo.prefix=Echo: ",
		"spring.ssl.bundle.pem.server.keystore.certificate=classpath:tls/server.crt",
		"spring.ssl.bundle.pem.server.keystore.private-key=classpath:tls/server.key",
		"spring.ssl.bundle.pem.server.truststore.certificate=classpath:tls/ca.crt", "sockeye.listeners.tls.port=0",
		"sockeye.listeners.tls.tls.bundle=server", "sockeye.listeners.tls.max-message-size=256KB",
		"sockeye.listeners.mtls.port=0", "sockeye.listeners.mtls.tls.bundle=server",
		"sockeye.listeners.mtls.tls.client-auth=need", "sockeye.listeners.one-shot.port=0",
		"sockeye.listeners.one-shot.close-after-reply=true", "sockeye.listeners.proxied.port=0",
		"sockeye.listeners.proxied.proxy-protocol=v2", "sockeye.listeners.proxied.trusted-proxies=127.0.0.1/32",
		"sockeye.listeners.proxied-v1.port=0", "sockeye.listeners.proxied-v1.proxy-protocol=v1",
		"sockeye.listeners.proxied-v1.trusted-proxies=127.0.0.1/32", "sockeye.listeners.proxied-tls.port=0",
		"sockeye.listeners.proxied-tls.proxy-protocol=any",
		"sockeye.listeners.proxied-tls.trusted-proxies=127.0.0.1/32",
		"sockeye.listeners.proxied-tls.tls.bundle=server" })
class BenchCommandTests {

	private static final Pattern ROW = Pattern.compile("(?m)^(\\S+(?: \\S+)*?)\\s{2,}(.+)$");

	private static final String TLS = "src/test/resources/tls/";

	@Autowired
	Listeners listeners;

	@Autowired
	MeterRegistry registry;

	@ParameterizedTest(name = "depth {0}")
	@ValueSource(ints = { 1, 4 })
	void closedLoopRunAgainstTheEchoListenerSucceedsWithEveryReplyMatching(int depth) {
		Result result = bench("--port", port("echo"), "--connections", "4", "--depth", Integer.toString(depth),
				"--duration", "1s", "--warmup", "500ms");
		assertThat(result.code).as(result.toString()).isZero();
		assertThat(result.err).isEmpty();
		assertThat(result.number("requests")).isPositive();
		assertThat(result.number("mismatches")).isZero();
		assertThat(result.number("errors")).isZero();
		assertThat(result.number("connections lost")).isZero();
		assertThat(result.row("depth")).isEqualTo(Integer.toString(depth));
		assertThat(result.row("mode")).isEqualTo("closed loop");
		assertThat(result.row("target")).isEqualTo("127.0.0.1:" + port("echo"));
		assertThat(result.row("tls")).isEqualTo("off");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "--depth 1 --size 32", "--depth 4 --threads 2 --size 32", "--depth 2 --size 40000",
			"--rate 400 --size 32" })
	void runAgainstATlsListenerSucceedsWithEveryReplyMatchingAndTheServerAnsweringEveryRequest(String load) {
		double opened = count(TcpMeterNames.CONNECTIONS_OPENED, "tls");
		double received = count(TcpMeterNames.MESSAGES_RECEIVED, "tls");
		double sent = count(TcpMeterNames.MESSAGES_SENT, "tls");
		double closedByClient = count(TcpMeterNames.CONNECTIONS_CLOSED, "tls", TcpMeterNames.TAG_REASON, "client");
		double errors = count(TcpMeterNames.ERRORS, "tls");
		List<String> args = new ArrayList<>(List.of("--port", port("tls"), "--tls-ca", TLS + "ca.crt", "--connections",
				"4", "--duration", "1s", "--warmup", "300ms"));
		args.addAll(List.of(load.split(" ")));
		Result result = bench(args.toArray(String[]::new));
		assertThat(result.code).as(result.toString()).isZero();
		assertThat(result.err).isEmpty();
		assertThat(result.row("tls")).startsWith("TLSv1.3, TLS_").doesNotContain("client certificate");
		assertThat(result.number("requests")).isPositive();
		assertThat(result.number("errors")).isZero();
		assertThat(result.number("mismatches")).isZero();
		assertThat(result.number("connections lost")).isZero();
		// the server saw the four connections through, answered every request it got, and
		// each ended cleanly
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(
					() -> assertThat(count(TcpMeterNames.CONNECTIONS_CLOSED, "tls", TcpMeterNames.TAG_REASON, "client"))
						.isEqualTo(closedByClient + 4));
		assertThat(count(TcpMeterNames.CONNECTIONS_OPENED, "tls")).isEqualTo(opened + 4);
		assertThat(count(TcpMeterNames.ERRORS, "tls")).isEqualTo(errors);
		double answered = count(TcpMeterNames.MESSAGES_SENT, "tls") - sent;
		assertThat(count(TcpMeterNames.MESSAGES_RECEIVED, "tls") - received).isEqualTo(answered);
		assertThat(answered).isGreaterThanOrEqualTo(result.number("requests"));
	}

	@Test
	void aServerCertificateThatTheGivenCaDidNotSignFailsTheHandshakeAndExitsWithThree() {
		Result result = bench("--port", port("tls"), "--tls-ca", TLS + "rogue-ca.crt", "--connections", "3",
				"--duration", "1s");
		assertThat(result.code).as(result.toString()).isEqualTo(3);
		assertThat(result.out).isEmpty();
		assertThat(result.err).hasLineCount(1)
			.startsWith("sockeye bench: TLS handshake with 127.0.0.1:" + port("tls") + " failed: ")
			.contains("PKIX path building failed");
	}

	@Test
	void aHostNameThatTheServerCertificateDoesNotNameFailsTheHandshake() {
		// the certificate names localhost and 127.0.0.1; 127.0.0.2 reaches the same
		// listener on Linux
		Result result = bench("--host", "127.0.0.2", "--port", port("tls"), "--tls-ca", TLS + "ca.crt", "--connections",
				"1", "--duration", "1s");
		assertThat(result.code).as(result.toString()).isEqualTo(3);
		assertThat(result.err).hasLineCount(1)
			.startsWith("sockeye bench: TLS handshake with 127.0.0.2:" + port("tls") + " failed: ")
			.containsIgnoringCase("subject alternative names");
	}

	@Test
	void aPlainServerThatNeverAnswersTheHandshakeTimesOutAsAConnectFailure() throws IOException {
		try (LineServer server = new LineServer((line, out) -> {
		})) {
			Result result = bench("--port", server.port(), "--tls", "--connections", "2", "--connect-timeout", "500ms",
					"--duration", "1s");
			assertThat(result.code).as(result.toString()).isEqualTo(3);
			assertThat(result.err).hasLineCount(1)
				.isEqualTo("sockeye bench: TLS handshake with 127.0.0.1:" + server.port() + " timed out after 500ms"
						+ System.lineSeparator());
		}
	}

	@Test
	void mutualTlsWithTheClientCertificateSucceeds() {
		Result result = bench("--host", "localhost", "--port", port("mtls"), "--tls-ca", TLS + "ca.crt", "--tls-cert",
				TLS + "client.crt", "--tls-key", TLS + "client.key", "--connections", "3", "--duration", "1s",
				"--warmup", "300ms");
		assertThat(result.code).as(result.toString()).isZero();
		assertThat(result.row("target")).isEqualTo("localhost:" + port("mtls"));
		assertThat(result.row("tls")).startsWith("TLSv1.3, TLS_").endsWith(", client certificate sent");
		assertThat(result.number("requests")).isPositive();
		assertThat(result.number("errors")).isZero();
		assertThat(result.number("mismatches")).isZero();
		assertThat(result.number("connections lost")).isZero();
	}

	@Test
	void mutualTlsWithoutAClientCertificateLosesEveryConnectionWhenTheServerRefusesIt() {
		// TLS 1.3: the client's side of the handshake ends before the server judges its
		// certificate
		Result result = bench("--port", port("mtls"), "--tls-ca", TLS + "ca.crt", "--connections", "3", "--duration",
				"1s", "--warmup", "300ms");
		assertThat(result.code).as(result.toString()).isEqualTo(1);
		assertThat(result.number("requests")).isZero();
		assertThat(result.number("connections lost")).isEqualTo(3);
		assertThat(result.err).hasLineCount(1).contains("3 connections lost");
	}

	@Test
	void tlsFilesThatCannotBeReadExitWithTwoAndOneLine() {
		Result result = bench("--port", port("tls"), "--tls-ca", TLS + "missing.crt");
		assertThat(result.code).isEqualTo(2);
		assertThat(result.out).isEmpty();
		assertThat(result.err).hasLineCount(1)
			.startsWith("sockeye bench: cannot load the TLS certificates: ")
			.contains("missing.crt");
	}

	@Test
	void lengthHeaderFourFramingRunsAgainstALengthHeaderListener() {
		Result result = bench("--port", port("len"), "--connections", "3", "--framing", "length-header-4", "--size",
				"100", "--duration", "1s", "--warmup", "500ms");
		assertThat(result.code).as(result.toString()).isZero();
		assertThat(result.row("framing")).isEqualTo("length-header-4");
		assertThat(result.row("size")).isEqualTo("100 bytes");
		assertThat(result.number("requests")).isPositive();
		assertThat(result.number("mismatches")).isZero();
	}

	@Test
	void expectedPrefixMakesThePrefixedListenersRepliesMatch() {
		Result result = bench("--port", port("prefixed"), "--connections", "2", "--expect-prefix", "Echo: ",
				"--duration", "1s", "--warmup", "500ms");
		assertThat(result.code).as(result.toString()).isZero();
		assertThat(result.number("requests")).isPositive();
		assertThat(result.number("mismatches")).isZero();
	}

	@Test
	void withoutTheExpectedPrefixThePrefixedListenersRepliesAreMismatches() {
		Result result = bench("--port", port("prefixed"), "--connections", "2", "--duration", "1s", "--warmup",
				"500ms");
		assertThat(result.code).as(result.toString()).isEqualTo(1);
		assertThat(result.number("requests")).isPositive();
		assertThat(result.number("mismatches")).isPositive();
		assertThat(result.err).hasLineCount(1).contains("did not match");
	}

	@Test
	void openLoopSendsAtTheRequestedRateWhateverTheConnectionsAndCountsNoWarmUpReply() {
		// 400 requests measured; the 300 of the warm-up would take the count past 500
		Result result = bench("--port", port("echo"), "--connections", "5", "--rate", "200", "--duration", "2s",
				"--warmup", "1500ms");
		assertThat(result.code).as(result.toString()).isZero();
		assertThat(result.row("mode")).isEqualTo("open loop at 200 req/s");
		assertThat(result.number("requests")).isBetween(300L, 500L);
		assertThat(result.number("mismatches")).isZero();
		assertThat(result.number("errors")).isZero();
	}

	@Test
	void equalsSignFormAndTwoThreadsWork() {
		Result result = bench("--port=" + port("echo"), "--connections=6", "--threads=2", "--depth=2", "--duration=1s",
				"--warmup=0.5s", "--framing=crlf", "--size=8");
		assertThat(result.code).as(result.toString()).isZero();
		assertThat(result.number("requests")).isPositive();
		assertThat(result.number("mismatches")).isZero();
	}

	@Test
	void repliesThatDifferFromTheRequestsAreCountedAsMismatches() throws IOException {
		try (LineServer server = new LineServer((line, out) -> write(out, "not what you sent\r\n"))) {
			Result result = bench("--port", server.port(), "--connections", "2", "--duration", "1s", "--warmup",
					"200ms");
			assertThat(result.code).as(result.toString()).isEqualTo(1);
			assertThat(result.number("requests")).isPositive();
			assertThat(result.number("mismatches")).isGreaterThanOrEqualTo(result.number("requests"));
			assertThat(result.err).hasLineCount(1).startsWith("sockeye bench: failed: ").contains("did not match");
		}
	}

	@Test
	void aServerThatClosesEveryConnectionAfterOneReplyShowsAsLostConnections() throws IOException {
		try (LineServer server = new LineServer((line, out) -> {
			write(out, line + "\r\n");
			throw new ClosedByServer();
		})) {
			Result result = bench("--port", server.port(), "--connections", "3", "--duration", "1s", "--warmup",
					"200ms");
			assertThat(result.code).as(result.toString()).isEqualTo(1);
			assertThat(result.number("connections lost")).isEqualTo(3);
			assertThat(result.number("mismatches")).isZero();
			assertThat(result.err).hasLineCount(1).contains("3 connections lost");
		}
	}

	@Test
	void repliesThatArriveInPiecesAreReassembled() throws IOException {
		try (LineServer server = new LineServer((line, out) -> {
			String reply = line + "\r\n";
			write(out, reply.substring(0, 7));
			pause();
			write(out, reply.substring(7, 30));
			pause();
			write(out, reply.substring(30));
		})) {
			Result result = bench("--port", server.port(), "--connections", "2", "--depth", "2", "--duration", "500ms",
					"--warmup", "200ms");
			assertThat(result.code).as(result.toString()).isZero();
			assertThat(result.number("requests")).isPositive();
			assertThat(result.number("mismatches")).isZero();
		}
	}

	@Test
	void anOverlongReplyIsOneMismatchAndTheRepliesAfterItStillMatch() throws IOException {
		AtomicInteger lines = new AtomicInteger();
		try (LineServer server = new LineServer((line, out) -> {
			boolean first = lines.getAndIncrement() == 0;
			write(out, (first ? "x".repeat(200_000) : line) + "\r\n");
		})) {
			Result result = bench("--port", server.port(), "--connections", "1", "--duration", "500ms", "--warmup",
					"200ms");
			assertThat(result.code).as(result.toString()).isEqualTo(1);
			assertThat(result.number("requests")).isPositive();
			assertThat(result.number("mismatches")).isOne();
			assertThat(result.number("errors")).isZero();
		}
	}

	@Test
	void requestsThatNeverGetAReplyAreErrors() throws IOException {
		try (LineServer server = new LineServer((line, out) -> {
		})) {
			Result result = bench("--port", server.port(), "--connections", "2", "--depth", "3", "--duration", "500ms",
					"--warmup", "200ms");
			assertThat(result.code).as(result.toString()).isEqualTo(1);
			assertThat(result.number("requests")).isZero();
			assertThat(result.number("errors")).isEqualTo(6);
			assertThat(result.row("errors")).isEqualTo("6 (6 unanswered)");
			assertThat(result.err).hasLineCount(1).contains("6 requests unanswered 2s after the end of the run");
		}
	}

	@Test
	void openLoopAgainstAStalledServerSkipsSendsBeyondTheOutstandingBoundAsErrors() throws IOException {
		try (LineServer server = new LineServer((line, out) -> {
		})) {
			Result result = bench("--port", server.port(), "--connections", "1", "--rate", "2000", "--duration", "1s",
					"--warmup", "200ms");
			assertThat(result.code).as(result.toString()).isEqualTo(1);
			assertThat(result.number("errors")).isGreaterThan(1024);
			assertThat(result.row("errors")).containsPattern(
					"\\d+ sends skipped with the server behind \\(1024 outstanding or socket full\\), 1024 unanswered");
		}
	}

	@Test
	void openLoopAgainstAServerThatStopsReadingKeepsItsScheduleAndSkipsSendsOnceTheSocketIsFull()
			throws IOException, InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		try (LineServer server = new LineServer((line, out) -> {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		})) {
			Result result = bench("--port", server.port(), "--connections", "1", "--rate", "2000", "--size", "60000",
					"--duration", "1s", "--warmup", "200ms");
			assertThat(result.code).as(result.toString()).isEqualTo(1);
			assertThat(result.row("errors")).containsPattern("\\d+ sends skipped with the server behind");
			assertThat(result.number("connections lost")).isZero();
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void nothingListeningExitsWithThreeAndOneLineNamingTheTarget() throws IOException {
		int free;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			free = socket.getLocalPort();
		}
		Result result = bench("--port", Integer.toString(free), "--connections", "3", "--duration", "1s");
		assertThat(result.code).isEqualTo(3);
		assertThat(result.out).isEmpty();
		assertThat(result.err).hasLineCount(1)
			.startsWith("sockeye bench: cannot connect to 127.0.0.1:" + free + ": ")
			.containsIgnoringCase("refused");
	}

	@Test
	void withReconnectAListenerThatClosesAfterEveryReplyIsFollowedWithNothingLost() {
		double opened = count(TcpMeterNames.CONNECTIONS_OPENED, "one-shot");
		Result result = bench("--port", port("one-shot"), "--reconnect", "--connections", "3", "--duration", "1s",
				"--warmup", "200ms");
		assertThat(result.code).as(result.toString()).isZero();
		assertThat(result.err).isEmpty();
		assertThat(result.number("requests")).isPositive();
		assertThat(result.number("reconnects")).isPositive();
		assertThat(result.number("requests lost")).isZero();
		assertThat(result.number("errors")).isZero();
		assertThat(result.number("mismatches")).isZero();
		assertThat(result.number("connections lost")).isZero();
		// one connection per reply, give or take the resent requests and the last ones
		assertThat(count(TcpMeterNames.CONNECTIONS_OPENED, "one-shot") - opened)
			.isGreaterThanOrEqualTo(result.number("reconnects"));
	}

	@Test
	void withReconnectAServerThatClosesEveryFewRepliesLosesNothing() throws IOException {
		ThreadLocal<int[]> replies = ThreadLocal.withInitial(() -> new int[1]);
		try (LineServer server = new LineServer((line, out) -> {
			write(out, line + "\r\n");
			if (++replies.get()[0] % 5 == 0) {
				throw new ClosedByServer();
			}
		})) {
			Result result = bench("--port", server.port(), "--reconnect", "--connections", "2", "--depth", "2",
					"--duration", "1s", "--warmup", "200ms");
			assertThat(result.code).as(result.toString()).isZero();
			assertThat(result.number("reconnects")).isPositive();
			assertThat(result.number("requests lost")).isZero();
			assertThat(result.number("errors")).isZero();
			assertThat(result.number("mismatches")).isZero();
		}
	}

	@Test
	void withReconnectRequestsTheServerReadsAndNeverAnswersAreLost() throws IOException {
		try (LineServer server = new LineServer((line, out) -> {
			throw new ClosedByServer();
		})) {
			Result result = bench("--port", server.port(), "--reconnect", "--connections", "2", "--duration", "1s",
					"--warmup", "200ms");
			assertThat(result.code).as(result.toString()).isEqualTo(1);
			assertThat(result.number("requests lost")).isPositive();
			assertThat(result.number("requests resent")).isPositive();
			assertThat(result.number("errors")).isZero();
			assertThat(result.number("connections lost")).isZero();
			assertThat(result.err).hasLineCount(1).containsPattern("\\d+ requests? lost");
		}
	}

	@Test
	void withReconnectATargetThatStopsListeningIsRetriedWithABackOffNotASpin() throws Exception {
		try (LineServer server = new LineServer((line, out) -> {
			write(out, line + "\r\n");
			throw new ClosedByServer();
		})) {
			Thread stopper = new Thread(() -> {
				try {
					Thread.sleep(300);
					server.stopListening();
				}
				catch (IOException | InterruptedException ex) {
					// the figures fail the test
				}
			});
			stopper.start();
			Result result = bench("--port", server.port(), "--reconnect", "--connections", "2", "--duration", "1500ms",
					"--warmup", "0s");
			stopper.join();
			// 50 ms doubling to 1 s: a handful of refused attempts per connection, not
			// thousands
			assertThat(result.row("reconnects")).containsPattern("\\d+ attempts failed, first: ")
				.containsIgnoringCase("refused");
			long failed = Long.parseLong(result.row("reconnects").replaceAll(".*\\((\\d+) attempts.*", "$1"));
			assertThat(failed).isBetween(2L, 30L);
			assertThat(result.number("errors")).isZero();
		}
	}

	@Test
	void withoutReconnectTheTableHasNoReconnectRows() {
		Result result = bench("--port", port("echo"), "--connections", "1", "--duration", "300ms", "--warmup", "0s");
		assertThat(result.code).as(result.toString()).isZero();
		assertThat(result.out).doesNotContain("reconnects").doesNotContain("requests lost");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "v2 proxied", "v1 proxied-v1" })
	void proxyProtocolDrivesAListenerThatRequiresTheHeader(String versionAndListener) {
		String[] parts = versionAndListener.split(" ");
		String listener = parts[1];
		double headerErrors = count(TcpMeterNames.ERRORS, listener);
		Result result = bench("--port", port(listener), "--proxy-protocol", parts[0], "--connections", "3",
				"--duration", "500ms", "--warmup", "200ms");
		assertThat(result.code).as(result.toString()).isZero();
		assertThat(result.row("proxy protocol")).isEqualTo(parts[0]);
		assertThat(result.number("requests")).isPositive();
		assertThat(result.number("errors")).isZero();
		assertThat(result.number("connections lost")).isZero();
		assertThat(count(TcpMeterNames.ERRORS, listener)).isEqualTo(headerErrors);
	}

	@Test
	void withoutTheHeaderAProxyProtocolListenerClosesEveryConnection() {
		Result result = bench("--port", port("proxied"), "--connections", "2", "--duration", "500ms", "--warmup", "0s");
		assertThat(result.code).as(result.toString()).isEqualTo(1);
		assertThat(result.number("connections lost")).isEqualTo(2);
	}

	@Test
	void proxyProtocolComesBeforeTls() {
		Result result = bench("--port", port("proxied-tls"), "--proxy-protocol", "v2", "--tls-ca", TLS + "ca.crt",
				"--connections", "2", "--duration", "500ms", "--warmup", "200ms");
		assertThat(result.code).as(result.toString()).isZero();
		assertThat(result.row("tls")).startsWith("TLSv1.3");
		assertThat(result.number("requests")).isPositive();
	}

	@Test
	void jsonFileHoldsTheFiguresOfTheTable(@TempDir Path dir) throws IOException {
		Path file = dir.resolve("result.json");
		Result result = bench("--port", port("echo"), "--connections", "2", "--duration", "1s", "--warmup", "500ms",
				"--json", file.toString());
		assertThat(result.code).as(result.toString()).isZero();
		JsonNode json = JsonMapper.builder().build().readTree(Files.readString(file));
		assertThat(json.get("target").asString()).isEqualTo(result.row("target"));
		assertThat(json.get("tls").asBoolean()).isFalse();
		assertThat(json.get("tlsProtocol").isNull()).isTrue();
		assertThat(json.get("connections").asInt()).isEqualTo(2);
		assertThat(json.get("depth").asInt()).isEqualTo(1);
		assertThat(json.get("size").asInt()).isEqualTo(32);
		assertThat(json.get("framing").asString()).isEqualTo("crlf");
		assertThat(json.get("mode").asString()).isEqualTo("closed");
		assertThat(json.get("rate").isNull()).isTrue();
		assertThat(json.get("durationSeconds").asDouble()).isEqualTo(result.decimal("duration"));
		assertThat(json.get("requests").asLong()).isEqualTo(result.number("requests")).isPositive();
		assertThat(json.get("requestsPerSecond").asDouble()).isEqualTo(result.decimal("throughput"));
		JsonNode latency = json.get("latencyMicros");
		assertThat(latency.get("p50").asDouble()).isEqualTo(result.micros("latency p50"));
		assertThat(latency.get("p90").asDouble()).isEqualTo(result.micros("latency p90"));
		assertThat(latency.get("p99").asDouble()).isEqualTo(result.micros("latency p99"));
		assertThat(latency.get("p999").asDouble()).isEqualTo(result.micros("latency p99.9"));
		assertThat(latency.get("max").asDouble()).isEqualTo(result.micros("latency max"));
		assertThat(latency.get("p50").asDouble()).isPositive().isLessThanOrEqualTo(latency.get("max").asDouble());
		assertThat(json.get("errors").asLong()).isEqualTo(result.number("errors"));
		assertThat(json.get("mismatches").asLong()).isEqualTo(result.number("mismatches"));
		assertThat(json.get("connectionsLost").asLong()).isEqualTo(result.number("connections lost"));
		assertThat(json.get("proxyProtocol").isNull()).isTrue();
		assertThat(json.get("reconnect").asBoolean()).isFalse();
		assertThat(json.get("reconnects").asLong()).isZero();
		assertThat(json.get("requestsLost").asLong()).isZero();
	}

	@Test
	void jsonFileHoldsTheReconnectFigures(@TempDir Path dir) throws IOException {
		Path file = dir.resolve("result.json");
		Result result = bench("--port", port("one-shot"), "--reconnect", "--connections", "2", "--duration", "500ms",
				"--warmup", "0s", "--json", file.toString());
		assertThat(result.code).as(result.toString()).isZero();
		JsonNode json = JsonMapper.builder().build().readTree(Files.readString(file));
		assertThat(json.get("reconnect").asBoolean()).isTrue();
		assertThat(json.get("reconnects").asLong()).isEqualTo(result.number("reconnects")).isPositive();
		assertThat(json.get("reconnectFailures").asLong()).isZero();
		assertThat(json.get("requestsResent").asLong()).isEqualTo(result.number("requests resent"));
		assertThat(json.get("requestsLost").asLong()).isEqualTo(result.number("requests lost")).isZero();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "--frobnicate 1", "--port nope", "--port 70000", "--connections 0", "--duration 10x",
			"--duration 0s", "--framing morse", "--framing raw", "--size 300 --framing length-header-1", "--depth 2000",
			"--rate -5", "--port", "extra", "--tls=yes", "--tls-cert a.crt", "--tls-key a.key", "--tls-ca",
			"--reconnect=yes", "--proxy-protocol v3", "--proxy-protocol" })
	void badOptionExitsWithTwoAndOneLineBeforeTheUsage(String args) {
		Result result = bench(args.split(" "));
		assertThat(result.code).isEqualTo(2);
		assertThat(result.out).isEmpty();
		assertThat(result.err.lines().findFirst().orElseThrow()).startsWith("sockeye bench: ");
		assertThat(result.err.lines().skip(1).findFirst().orElseThrow()).startsWith("usage: sockeye bench");
	}

	@Test
	void helpPrintsTheUsageAndExitsWithZero() {
		Result result = bench("--help");
		assertThat(result.code).isZero();
		assertThat(result.out).startsWith("usage: sockeye bench").contains("--expect-prefix").contains("--tls-ca");
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "RAW", "NONE" }, mode = EnumSource.Mode.EXCLUDE)
	void everyRequestFrameDecodesWithSockeyesCodecToAPayloadFreeOfDelimiters(Framing framing) throws Exception {
		BenchFrames frames = new BenchFrames(framing, 40, new byte[0]);
		FrameCodec codec = framing.codec(1024);
		FrameBuffer buffer = codec.newBuffer();
		buffer.writableView().put(frames.request);
		buffer.written(frames.request.length);
		byte[] payload = codec.decode(buffer);
		assertThat(payload).hasSize(40);
		assertThat(buffer.readable()).isZero();
		assertThat(payload).doesNotContain((byte) '\r', (byte) '\n', (byte) 0, (byte) 2, (byte) 3);
		assertThat(new String(payload, StandardCharsets.US_ASCII)).matches("0{16}[a-z]{24}");
	}

	private double count(String meter, String listener, String... tags) {
		return this.registry.find(meter)
			.tag(TcpMeterNames.TAG_LISTENER, listener)
			.tags(tags)
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	private String port(String listener) {
		return Integer.toString(this.listeners.port(listener));
	}

	private static Result bench(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code;
		try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
				PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
			code = BenchCommand.run(args, outStream, errStream);
		}
		return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	private static void write(OutputStream out, String text) {
		try {
			out.write(text.getBytes(StandardCharsets.US_ASCII));
			out.flush();
		}
		catch (IOException ex) {
			throw new ClosedByServer();
		}
	}

	private static void pause() {
		try {
			Thread.sleep(1);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** What a run printed, with the table's rows by label. */
	record Result(int code, String out, String err) {

		String row(String label) {
			Matcher matcher = ROW.matcher(this.out);
			while (matcher.find()) {
				if (matcher.group(1).equals(label)) {
					return matcher.group(2).trim();
				}
			}
			throw new AssertionError("No row '" + label + "' in:\n" + this.out);
		}

		long number(String label) {
			return Long.parseLong(row(label).split(" ")[0]);
		}

		double decimal(String label) {
			return Double.parseDouble(row(label).split(" ")[0]);
		}

		double micros(String label) {
			assertThat(row(label)).endsWith(" us");
			return decimal(label);
		}

		@Override
		public String toString() {
			return "exit " + this.code + "\n" + this.out + this.err;
		}

	}

	/** Thrown by a line server's handler to close the connection. */
	static final class ClosedByServer extends RuntimeException {

		private static final long serialVersionUID = 1L;

	}

	/**
	 * A tiny CRLF line server of the test's own: a thread per connection, the handler
	 * decides each answer.
	 */
	static final class LineServer implements AutoCloseable {

		private final ServerSocket socket;

		private final List<Socket> accepted = new ArrayList<>();

		LineServer(BiConsumer<String, OutputStream> handler) throws IOException {
			this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread acceptor = new Thread(() -> accept(handler), "line-server");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		String port() {
			return Integer.toString(this.socket.getLocalPort());
		}

		/** Stops accepting: new connections are refused, open ones carry on. */
		void stopListening() throws IOException {
			this.socket.close();
		}

		private void accept(BiConsumer<String, OutputStream> handler) {
			while (!this.socket.isClosed()) {
				try {
					Socket connection = this.socket.accept();
					synchronized (this.accepted) {
						this.accepted.add(connection);
					}
					Thread thread = new Thread(() -> serve(connection, handler), "line-server-connection");
					thread.setDaemon(true);
					thread.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private static void serve(Socket connection, BiConsumer<String, OutputStream> handler) {
			try (connection;
					BufferedReader in = new BufferedReader(
							new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII))) {
				OutputStream out = connection.getOutputStream();
				String line;
				while ((line = in.readLine()) != null) {
					handler.accept(line, out);
				}
			}
			catch (IOException | ClosedByServer ex) {
				// the connection ends
			}
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
			synchronized (this.accepted) {
				for (Socket connection : this.accepted) {
					connection.close();
				}
			}
		}

	}

}
