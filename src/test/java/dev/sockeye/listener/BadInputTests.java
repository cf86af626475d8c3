package dev.sockeye.listener;

import java.time.Duration;
import java.util.regex.Pattern;

import dev.sockeye.metrics.TcpMeterNames;
import dev.sockeye.support.TcpClient;
import dev.sockeye.support.Wire;
import dev.sockeye.listener.Listeners;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Input that breaks the framing closes that connection on purpose, with a log line naming
 * it, while the listener keeps serving everyone else.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "sockeye.listeners.lines-nio.port=0", "sockeye.listeners.lines-nio.max-message-size=1KB",
				"sockeye.listeners.lines-blocking.port=0", "sockeye.listeners.lines-blocking.max-message-size=1KB",
				"sockeye.listeners.lines-blocking.io=blocking", "sockeye.listeners.len-nio.port=0",
				"sockeye.listeners.len-nio.framing=length-header-4", "sockeye.listeners.len-nio.max-message-size=1KB",
				"sockeye.listeners.len-blocking.port=0", "sockeye.listeners.len-blocking.framing=length-header-4",
				"sockeye.listeners.len-blocking.max-message-size=1KB", "sockeye.listeners.len-blocking.io=blocking",
				"sockeye.listeners.stx-nio.port=0", "sockeye.listeners.stx-nio.framing=stx-etx",
				"sockeye.listeners.stx-blocking.port=0", "sockeye.listeners.stx-blocking.framing=stx-etx",
				"sockeye.listeners.stx-blocking.io=blocking", "sockeye.listeners.told-nio.port=0",
				"sockeye.listeners.told-nio.max-message-size=16B",
				"sockeye.listeners.told-nio.bad-input-reply=TOO LONG", "sockeye.listeners.told-blocking.port=0",
				"sockeye.listeners.told-blocking.max-message-size=16B",
				"sockeye.listeners.told-blocking.bad-input-reply=TOO LONG",
				"sockeye.listeners.told-blocking.io=blocking", "sockeye.listeners.flood-nio.port=0",
				"sockeye.listeners.flood-blocking.port=0", "sockeye.listeners.flood-blocking.io=blocking" })
@ExtendWith(OutputCaptureExtension.class)
class BadInputTests {

	@Autowired
	Listeners listeners;

	@Autowired
	MeterRegistry registry;

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void aHundredClientsLeavingInsideAFrameAreCountedAndTwentyOfThemLogged(String io, CapturedOutput output) {
		String listener = "flood-" + io;
		int port = this.listeners.port(listener);
		for (int i = 0; i < 100; i++) {
			try (TcpClient attacker = TcpClient.connect(port)) {
				attacker.send("no end of line");
			}
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.registry.get(TcpMeterNames.ERRORS)
				.tag("listener", listener)
				.tag("type", "decode")
				.counter()
				.count()).isEqualTo(100));
		try (TcpClient bystander = TcpClient.connect(port)) {
			assertThat(bystander.send("still here\r\n").readText(12)).isEqualTo("still here\r\n");
		}
		assertThat(Pattern.compile("Listener '" + listener + "' closing connection \\S+: Stream closed inside a frame")
			.matcher(output)
			.results()).hasSize(20);
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void closesConnectionWhenLineExceedsMaxMessageSize(String io, CapturedOutput output) {
		String listener = "lines-" + io;
		try (TcpClient bystander = TcpClient.connect(this.listeners.port(listener));
				TcpClient attacker = TcpClient.connect(this.listeners.port(listener))) {
			attacker.send("y".repeat(1025));
			assertThat(attacker.isClosedByServer()).isTrue();
			bystander.send("still here\r\n");
			assertThat(bystander.readText(12)).isEqualTo("still here\r\n");
		}
		assertThat(output).containsPattern("Listener '" + listener + "' closing connection \\S+: No end of frame within"
				+ " 1024 bytes \\(max-message-size\\)");
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void sendsTheBadInputReplyBeforeClosing(String io) {
		try (TcpClient attacker = TcpClient.connect(this.listeners.port("told-" + io))) {
			attacker.send("this line is far longer than sixteen bytes\r\n");
			assertThat(attacker.readText(10)).isEqualTo("TOO LONG\r\n");
			assertThat(attacker.isClosedByServer()).isTrue();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void acceptsLineOfExactlyMaxMessageSize(String io) {
		try (TcpClient client = TcpClient.connect(this.listeners.port("lines-" + io))) {
			byte[] frame = Wire.frame("crlf", "z".repeat(1024));
			client.send(frame);
			assertThat(client.read(frame.length)).isEqualTo(frame);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void closesConnectionWhoseLengthHeaderClaimsTwoGigabytes(String io, CapturedOutput output) {
		String listener = "len-" + io;
		try (TcpClient attacker = TcpClient.connect(this.listeners.port(listener))) {
			attacker.send(new byte[] { 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3 });
			assertThat(attacker.isClosedByServer()).isTrue();
		}
		assertThat(output).containsPattern("Listener '" + listener + "' closing connection \\S+: Frame of 2147483647"
				+ " bytes exceeds the limit of 1024 bytes");
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void closesConnectionWhoseLengthHeaderIsNegative(String io, CapturedOutput output) {
		try (TcpClient attacker = TcpClient.connect(this.listeners.port("len-" + io))) {
			attacker.send(new byte[] { (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe });
			assertThat(attacker.isClosedByServer()).isTrue();
		}
		assertThat(output).contains("is negative as a 32-bit signed length");
	}

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void closesConnectionWhenStxEtxFrameDoesNotStartWithStx(String io, CapturedOutput output) {
		try (TcpClient attacker = TcpClient.connect(this.listeners.port("stx-" + io))) {
			attacker.send("garbage\u0003");
			assertThat(attacker.isClosedByServer()).isTrue();
		}
		assertThat(output).contains("Expected STX (0x02) at frame start, got 0x67");
	}

}
