package dev.sockeye.listener;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import dev.sockeye.support.TcpClient;
import dev.sockeye.support.Wire;
import dev.sockeye.listener.Listeners;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every framing on both I/O models, over real sockets: one listener per combination, all
 * in one application.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE)
@ActiveProfiles("roundtrip")
class FramingRoundTripTests {

	private static final String[] FRAMED = { "crlf", "lf", "null", "stx-etx", "length-header-1", "length-header-2",
			"length-header-4" };

	@Autowired
	Listeners listeners;

	static Stream<Arguments> framedListeners() {
		return Stream.of(FRAMED).flatMap((f) -> Stream.of(Arguments.of(f, "nio"), Arguments.of(f, "blocking")));
	}

	static Stream<Arguments> unframedListeners(String framing) {
		return Stream.of(Arguments.of(framing, "nio"), Arguments.of(framing, "blocking"));
	}

	static Stream<Arguments> rawListeners() {
		return unframedListeners("raw");
	}

	static Stream<Arguments> noneListeners() {
		return unframedListeners("none");
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("framedListeners")
	void echoesOneMessage(String framing, String io) {
		try (TcpClient client = connect(framing, io)) {
			byte[] frame = Wire.frame(framing, "hello");
			client.send(frame);
			assertThat(client.read(frame.length)).isEqualTo(frame);
		}
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("framedListeners")
	void echoesMessageSplitAcrossSegments(String framing, String io) {
		try (TcpClient client = connect(framing, io)) {
			byte[] frame = Wire.frame(framing, "split into many segments");
			client.sendByteByByte(frame);
			assertThat(client.read(frame.length)).isEqualTo(frame);
		}
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("framedListeners")
	void echoesSeveralMessagesFromOneSegmentInOrder(String framing, String io) {
		try (TcpClient client = connect(framing, io)) {
			byte[] frames = Wire.concat(Wire.frame(framing, "one"), Wire.frame(framing, "two"),
					Wire.frame(framing, "three"), Wire.frame(framing, ""));
			client.send(frames);
			assertThat(client.read(frames.length)).isEqualTo(frames);
		}
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("framedListeners")
	void echoesLargeMessageAndKeepsConnectionForTheNext(String framing, String io) {
		String large = "x".repeat(framing.equals("length-header-1") ? 255 : 20_000);
		try (TcpClient client = connect(framing, io)) {
			byte[] first = Wire.frame(framing, large);
			client.send(first);
			assertThat(client.read(first.length)).isEqualTo(first);
			byte[] second = Wire.frame(framing, "after");
			client.send(second);
			assertThat(client.read(second.length)).isEqualTo(second);
		}
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("rawListeners")
	void rawRepliesToWholeStreamOnceClientClosesItsOutput(String framing, String io) {
		try (TcpClient client = connect(framing, io)) {
			client.send("part one, ").sendByteByByte("part two".getBytes(StandardCharsets.UTF_8)).shutdownOutput();
			assertThat(new String(client.readToEnd(), StandardCharsets.UTF_8)).isEqualTo("part one, part two");
		}
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("noneListeners")
	void noneAnswersEachSendWithoutDelimiterLikeRecv1024(String framing, String io) {
		try (TcpClient client = connect(framing, io)) {
			client.send("Hello, Server!");
			assertThat(new String(client.recv(1024), StandardCharsets.UTF_8)).isEqualTo("Hello, Server!");
			client.send("again");
			assertThat(new String(client.recv(1024), StandardCharsets.UTF_8)).isEqualTo("again");
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "crlf", "length-header-4" })
	void echoesMessagesLargerThanTheLoopBufferInOrderWithSmallerOnes(String framing) {
		try (TcpClient client = TcpClient.connect(this.listeners.port(framing + "-large-nio"))) {
			byte[] frames = Wire.concat(Wire.frame(framing, "a".repeat(200_000)),
					Wire.frame(framing, "b".repeat(60_000)), Wire.frame(framing, "c"),
					Wire.frame(framing, "d".repeat(65_536)));
			client.send(frames);
			assertThat(client.read(frames.length)).isEqualTo(frames);
		}
	}

	private TcpClient connect(String framing, String io) {
		return TcpClient.connect(this.listeners.port(framing + "-" + io));
	}

}
