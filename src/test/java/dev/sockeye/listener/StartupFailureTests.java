package dev.sockeye.listener;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

import dev.sockeye.SockeyeApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Bad configuration and busy ports stop the application with a report that says what is
 * wrong and what to do, and no stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTests {

	@Test
	void portInUseSaysWhichListenerAndHowToFreeThePort(CapturedOutput output) throws Exception {
		try (ServerSocket busy = new ServerSocket()) {
			busy.bind(new InetSocketAddress("0.0.0.0", 0));
			int port = busy.getLocalPort();
			assertThatException().isThrownBy(() -> run("--sockeye.listeners.devices.port=" + port))
				.havingRootCause()
				.isInstanceOf(java.net.BindException.class);
			assertThat(output).contains("APPLICATION FAILED TO START")
				.contains("Sockeye listener 'devices' failed to start. Port " + port + " on 0.0.0.0 is already in use.")
				.contains("set sockeye.listeners.devices.port to another port (0 picks a free one)");
			assertNoStackTrace(output);
		}
	}

	@Test
	void aPortSharedWithSoReusePortByAnotherSocketIsInUseForAListenerWithSeveralLoops(CapturedOutput output)
			throws Exception {
		try (ServerSocket busy = new ServerSocket()) {
			// the loops bind with SO_REUSEPORT, which would let them join this socket's
			// port unnoticed
			busy.setOption(java.net.StandardSocketOptions.SO_REUSEPORT, true);
			busy.bind(new InetSocketAddress("0.0.0.0", 0));
			int port = busy.getLocalPort();
			assertThatException().isThrownBy(
					() -> run("--sockeye.listeners.devices.port=" + port, "--sockeye.listeners.devices.io-threads=2"))
				.havingRootCause()
				.isInstanceOf(java.net.BindException.class);
			assertThat(output).contains(
					"Sockeye listener 'devices' failed to start. Port " + port + " on 0.0.0.0 is already in use.");
		}
	}

	@Test
	void twoListenersOnOnePortAreReportedTogetherWithAnUnknownService(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--sockeye.listeners.a.port=7411", "--sockeye.listeners.b.port=7411",
				"--sockeye.listeners.b.service=nothingLikeThis"));
		assertThat(output).contains("Sockeye's listener configuration is invalid:")
			.contains("listeners 'a' and 'b' both use port 7411; give each listener its own sockeye.listeners.b.port")
			.contains(
					"sockeye.listeners.b.service is 'nothingLikeThis', but there is no such service; use one of echo");
		assertNoStackTrace(output);
	}

	@Test
	void unknownSslBundleListsTheBundlesThatExistAndClientAuthNeedsABundle(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> run("--spring.ssl.bundle.pem.devices.keystore.certificate=classpath:tls/server.crt",
					"--spring.ssl.bundle.pem.devices.keystore.private-key=classpath:tls/server.key",
					"--sockeye.listeners.a.port=0", "--sockeye.listeners.a.tls.bundle=device",
					"--sockeye.listeners.b.port=0", "--sockeye.listeners.b.tls.client-auth=need"));
		assertThat(output).contains("Sockeye's listener configuration is invalid:")
			.contains("sockeye.listeners.a.tls.bundle is 'device', but there is no such SSL bundle; use one of devices"
					+ " or define it under spring.ssl.bundle.pem.device")
			.contains("sockeye.listeners.b.tls.client-auth is need, but sockeye.listeners.b.tls.bundle is not set");
		assertNoStackTrace(output);
	}

	@Test
	void zeroMaxMessageSizeIsRejected(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> run("--sockeye.listeners.a.port=0", "--sockeye.listeners.a.max-message-size=0"));
		assertThat(output).contains("sockeye.listeners.a.max-message-size is 0B; it must be greater than 0");
		assertNoStackTrace(output);
	}

	@Test
	void portOutOfRangeNamesThePropertyAndTheLimit(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--sockeye.listeners.a.port=70000"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: sockeye.listeners.a.port")
			.contains("70000")
			.contains("must be less than or equal to 65535");
		assertNoStackTrace(output);
	}

	@Test
	void unknownFramingListsTheFramingsThatExist(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> run("--sockeye.listeners.a.port=0", "--sockeye.listeners.a.framing=crlf-ish"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("sockeye.listeners.a.framing")
			.contains("crlf-ish")
			.contains("LENGTH_HEADER_4");
		assertNoStackTrace(output);
	}

	@Test
	void relayWithoutUsableUpstreamsSaysHowToWriteThem(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> run("--sockeye.listeners.a.port=0", "--sockeye.listeners.a.service=relay",
					"--sockeye.listeners.b.port=0", "--sockeye.listeners.b.service=relay",
					"--sockeye.listeners.b.relay.upstreams=localhost:7001,nocolon,host:99999"));
		assertThat(output)
			.contains("sockeye.listeners.a.relay.upstreams is empty; list the servers to forward to as" + " host:port")
			.contains("sockeye.listeners.b.relay.upstreams has 'nocolon'; write each upstream as host:port")
			.contains("sockeye.listeners.b.relay.upstreams has 'host:99999'");
		assertNoStackTrace(output);
	}

	@Test
	void misspelledTopLevelPropertyStopsTheAppNamingTheIntendedOne(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--sockeye.listeners.a.port=0", "--sockeye.drain-timout=5s"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Sockeye does not know this property, so it would have no effect:")
			.contains("  - sockeye.drain-timout (from ")
			.contains(": did you mean sockeye.drain-timeout?");
		assertNoStackTrace(output);
	}

	@Test
	void misspelledListenerPropertiesStopTheAppNamingTheIntendedOnes(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--sockeye.listeners.echo.port=0",
				"--sockeye.listeners.echo.max-conections=5", "--sockeye.listeners.echo.framming=lf"));
		assertThat(output).contains("Sockeye does not know these properties, so they would have no effect:")
			.contains("  - sockeye.listeners.echo.framming (from ")
			.contains(": did you mean sockeye.listeners.echo.framing?")
			.contains("  - sockeye.listeners.echo.max-conections (from ")
			.contains(": did you mean sockeye.listeners.echo.max-connections?")
			.contains("Correct the property's name");
		assertNoStackTrace(output);
	}

	@Test
	void misspelledNestedPropertiesStopTheAppNamingTheIntendedOnes(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--sockeye.listeners.gw.port=0",
				"--sockeye.listeners.gw.tls.bundel=devices", "--sockeye.listeners.gw.relay.upstream=localhost:7001",
				"--sockeye.listeners.gw.reply.txt=Response"));
		assertThat(output).contains(": did you mean sockeye.listeners.gw.tls.bundle?")
			.contains(": did you mean sockeye.listeners.gw.relay.upstreams?")
			.contains(": did you mean sockeye.listeners.gw.reply.text?");
		assertNoStackTrace(output);
	}

	@Test
	void unknownPropertyWithNothingCloseIsNamedWithoutAGuess(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> run("--sockeye.listeners.a.port=0", "--sockeye.listeners.a.colour=blue"));
		assertThat(output).contains("  - sockeye.listeners.a.colour (from ").doesNotContain("did you mean");
		assertNoStackTrace(output);
	}

	@Test
	void greetingLongerThanARepliesMayBeIsRejected(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> run("--sockeye.listeners.a.port=0", "--sockeye.listeners.a.max-message-size=8B",
					"--sockeye.listeners.a.greeting=Hello, World!", "--sockeye.listeners.a.error-reply=ERR"));
		assertThat(output).contains("Sockeye's listener configuration is invalid:")
			.contains("sockeye.listeners.a.greeting is 13 bytes, but a reply on this listener is at most 8 bytes;"
					+ " shorten it or raise sockeye.listeners.a.max-message-size (8B)");
		assertNoStackTrace(output);
	}

	@Test
	void replyServiceNeedsItsTextAndItsTextNeedsTheReplyService(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> run("--sockeye.listeners.a.port=0", "--sockeye.listeners.a.service=reply",
					"--sockeye.listeners.b.port=0", "--sockeye.listeners.b.reply.text=Response",
					"--sockeye.listeners.c.port=0", "--sockeye.listeners.c.close-after-greeting=true",
					"--sockeye.listeners.d.port=0", "--sockeye.listeners.d.framing=length-header-1",
					"--sockeye.listeners.d.max-reply-size=1KB", "--sockeye.listeners.d.greeting=" + "x".repeat(300)));
		assertThat(output)
			.contains("sockeye.listeners.a.service is 'reply', but sockeye.listeners.a.reply.text is" + " not set")
			.contains("sockeye.listeners.b.reply.text is set, but sockeye.listeners.b.service is 'echo'; set service:"
					+ " reply")
			.contains("sockeye.listeners.c.close-after-greeting is true, but sockeye.listeners.c.greeting is not set")
			.contains("sockeye.listeners.d.greeting is 300 bytes, but a reply on this listener is at most 255 bytes");
		assertNoStackTrace(output);
	}

	private static void run(String... args) {
		SpringApplication application = new SpringApplication(SockeyeApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.run(args);
	}

	private static void assertNoStackTrace(CapturedOutput output) {
		assertThat(output.toString()).doesNotContain("\tat org.springframework").doesNotContain("\tat dev.sockeye");
	}

}
