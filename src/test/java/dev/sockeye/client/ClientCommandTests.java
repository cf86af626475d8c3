package dev.sockeye.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import dev.sockeye.listener.Listeners;
import dev.sockeye.support.StubServer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sockeye client} against a real Sockeye listener and against servers that
 * misbehave.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "sockeye.listeners.echo.port=0", "sockeye.listeners.len.port=0",
				"sockeye.listeners.len.framing=length-header-2", "sockeye.listeners.seed.port=0",
				"sockeye.listeners.seed.framing=none", "sockeye.listeners.seed.echo.prefix=Echo: ",
				"spring.ssl.bundle.pem.server.keystore.certificate=classpath:tls/server.crt",
				"spring.ssl.bundle.pem.server.keystore.private-key=classpath:tls/server.key",
				"spring.ssl.bundle.pem.server.truststore.certificate=classpath:tls/ca.crt",
				"sockeye.listeners.secure.port=0", "sockeye.listeners.secure.tls.bundle=server",
				"sockeye.listeners.secure.tls.client-auth=need", "sockeye.listeners.proxied.port=0",
				"sockeye.listeners.proxied.proxy-protocol=v2", "sockeye.listeners.proxied.trusted-proxies=127.0.0.1/32",
				"sockeye.listeners.proxied-v1.port=0", "sockeye.listeners.proxied-v1.proxy-protocol=v1",
				"sockeye.listeners.proxied-v1.trusted-proxies=127.0.0.1/32" })
class ClientCommandTests {

	@Autowired
	Listeners listeners;

	@Test
	void sendsEachArgumentAndPrintsEachReply() {
		Result result = run("", "--port", port("echo"), "hello", "two words");
		assertThat(result.exit).isZero();
		assertThat(result.out).isEqualTo("hello\ntwo words\n");
		assertThat(result.err).isEmpty();
	}

	@Test
	void sendsEachLineOfStandardInputWhenNoMessageIsGiven() {
		Result result = run("first\nsecond\nthird\n", "--port=" + port("echo"));
		assertThat(result.exit).isZero();
		assertThat(result.out).isEqualTo("first\nsecond\nthird\n");
	}

	@Test
	void speaksTheListenersFraming() {
		Result result = run("", "--port", port("len"), "--framing", "length-header-2", "framed");
		assertThat(result.exit).isZero();
		assertThat(result.out).isEqualTo("framed\n");
	}

	@Test
	void talksToASeedStyleServerWithoutFraming() {
		Result result = run("", "--port", port("seed"), "--framing", "none", "Hello, Server!");
		assertThat(result.exit).isZero();
		assertThat(result.out).isEqualTo("Echo: Hello, Server!\n");
	}

	@Test
	void speaksMutualTlsWithPemFiles() {
		Result result = run("", "--port", port("secure"), "--tls-ca", "src/test/resources/tls/ca.crt", "--tls-cert",
				"src/test/resources/tls/client.crt", "--tls-key", "src/test/resources/tls/client.key", "hello",
				"again");
		assertThat(result.err).isEmpty();
		assertThat(result.exit).isZero();
		assertThat(result.out).isEqualTo("hello\nagain\n");
	}

	@Test
	void serverCertificateFromAnUntrustedCaIsOneLineAndExitOne() {
		Result result = run("", "--port", port("secure"), "--tls-ca", "src/test/resources/tls/rogue-ca.crt",
				"--tls-cert", "src/test/resources/tls/client.crt", "--tls-key", "src/test/resources/tls/client.key",
				"hello");
		assertThat(result.exit).isEqualTo(1);
		assertThat(result.out).isEmpty();
		assertThat(result.err).startsWith("sockeye client: TLS with localhost:" + port("secure") + " failed: ")
			.contains("PKIX path building failed")
			.hasLineCount(1);
	}

	@Test
	void unreachableServerIsOneLineAndExitOne() {
		int port;
		try (StubServer stub = StubServer.silent()) {
			port = stub.port();
		}
		Result result = run("", "--port", String.valueOf(port), "hello");
		assertThat(result.exit).isEqualTo(1);
		assertThat(result.out).isEmpty();
		assertThat(result.err)
			.isEqualTo("sockeye client: cannot connect to localhost:" + port + ": Connection refused\n");
	}

	@Test
	void serverThatNeverAnswersTimesOut() {
		try (StubServer stub = StubServer.silent()) {
			Result result = run("", "--port", String.valueOf(stub.port()), "--timeout", "500ms", "hello");
			assertThat(result.exit).isEqualTo(1);
			assertThat(result.err)
				.isEqualTo("sockeye client: no reply from localhost:" + stub.port() + " within 500ms\n");
		}
	}

	@Test
	void serverThatClosesTheConnectionIsReported() {
		try (StubServer stub = StubServer.closingAfterFirstRead()) {
			Result result = run("", "--port", String.valueOf(stub.port()), "--timeout", "5s", "hello");
			assertThat(result.exit).isEqualTo(1);
			assertThat(result.err)
				.isEqualTo("sockeye client: localhost:" + stub.port() + " closed the connection before replying\n");
		}
	}

	@Test
	void proxyProtocolV2ReachesAListenerThatRequiresTheHeader() {
		Result result = run("", "--port", port("proxied"), "--proxy-protocol", "v2", "hello", "again");
		assertThat(result.err).isEmpty();
		assertThat(result.exit).isZero();
		assertThat(result.out).isEqualTo("hello\nagain\n");
	}

	@Test
	void proxyProtocolV1ReachesAV1Listener() {
		Result result = run("", "--port", port("proxied-v1"), "--proxy-protocol=v1", "hello");
		assertThat(result.exit).isZero();
		assertThat(result.out).isEqualTo("hello\n");
	}

	@Test
	void withoutTheHeaderAProxyProtocolListenerClosesTheConnection() {
		Result result = run("", "--port", port("proxied"), "--timeout", "5s", "hello");
		assertThat(result.exit).isEqualTo(1);
		assertThat(result.err)
			.isEqualTo("sockeye client: localhost:" + port("proxied") + " closed the connection before replying\n");
	}

	@Test
	void proxyProtocolWithTlsIsRefusedWithAReason() {
		Result result = run("", "--port", port("secure"), "--tls", "--proxy-protocol", "v2", "hello");
		assertThat(result.exit).isEqualTo(2);
		assertThat(result.err).startsWith("sockeye client: --proxy-protocol is for plain TCP: ")
			.contains("bench --proxy-protocol works with --tls");
	}

	@Test
	void anUnknownProxyProtocolVersionIsAUsageError() {
		Result result = run("", "--proxy-protocol", "v3", "hello");
		assertThat(result.exit).isEqualTo(2);
		assertThat(result.err).startsWith("sockeye client: --proxy-protocol must be v1 or v2, not v3\n");
	}

	@Test
	void unknownOptionIsAUsageError() {
		Result result = run("", "--colour", "blue");
		assertThat(result.exit).isEqualTo(2);
		assertThat(result.err).startsWith("sockeye client: unknown option --colour\nusage: sockeye client");
	}

	private String port(String listener) {
		return String.valueOf(this.listeners.port(listener));
	}

	private static Result run(String stdin, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int exit = ClientCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	record Result(int exit, String out, String err) {
	}

}
