package dev.sockeye.framing;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sockeye.framing.FramingException.Kind;

import static dev.sockeye.framing.Frames.bytes;
import static dev.sockeye.framing.Frames.concat;
import static dev.sockeye.framing.Frames.decodeChunks;
import static dev.sockeye.framing.Frames.feed;
import static dev.sockeye.framing.Frames.filled;
import static dev.sockeye.framing.Frames.framingError;
import static dev.sockeye.framing.Frames.hex;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code length-header-1}, {@code length-header-2} and {@code length-header-4}. */
class LengthHeaderCodecTests {

	private static final int MAX = 64 * 1024;

	@Test
	void rejectsTwoGigabyteClaimAsSoonAsTheFourHeaderBytesAreBuffered() throws IOException {
		FrameCodec codec = Framing.LENGTH_HEADER_4.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(feed(codec, buffer, 0x7f)).isNull();
		assertThat(feed(codec, buffer, 0xff)).isNull();
		assertThat(feed(codec, buffer, 0xff)).isNull();
		assertThat(framingError(() -> feed(codec, buffer, 0xff)).kind()).isEqualTo(Kind.OVERSIZE);
		assertThat(buffer.readable()).isEqualTo(4);
		assertThat(buffer.capacity()).isLessThanOrEqualTo(512);
	}

	@Test
	void rejectsTwoGigabyteClaimEvenWhenTheLimitIsTheLargestPossible() throws IOException {
		FrameCodec codec = Framing.LENGTH_HEADER_4.codec(Integer.MAX_VALUE);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(framingError(() -> feed(codec, buffer, new byte[] { 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff }))
			.kind()).isEqualTo(Kind.OVERSIZE);
		assertThat(buffer.capacity()).isLessThanOrEqualTo(512);
	}

	@Test
	void rejectsTwoGigabyteClaimWithoutBufferingTheBodyThatFollows() {
		FrameCodec codec = Framing.LENGTH_HEADER_4.codec(MAX);
		byte[] stream = concat(new byte[] { 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff }, filled(100_000, 'x'));
		FrameBuffer buffer = codec.newBuffer();
		assertThat(framingError(() -> decodeChunks(codec, buffer, List.of(stream))).kind()).isEqualTo(Kind.OVERSIZE);
		assertThat(buffer.capacity()).isLessThanOrEqualTo(512);
	}

	@ParameterizedTest
	@ValueSource(strings = { "80000000", "80000001", "fffffff7", "ffffffff" })
	void fourByteHeaderAboveIntMaxIsDecodeError(String header) throws IOException {
		FrameCodec codec = Framing.LENGTH_HEADER_4.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(framingError(() -> feed(codec, buffer, java.util.HexFormat.of().parseHex(header))).kind())
			.isEqualTo(Kind.DECODE);
		assertThat(buffer.capacity()).isLessThanOrEqualTo(512);
	}

	@ParameterizedTest
	@CsvSource({ "LENGTH_HEADER_1, 100, 65", "LENGTH_HEADER_1, 254, ff", "LENGTH_HEADER_2, 1000, 03e9",
			"LENGTH_HEADER_2, 65534, ffff", "LENGTH_HEADER_4, 1000, 000003e9", "LENGTH_HEADER_4, 65536, 00010001" })
	void rejectsClaimOneByteOverLimitRightAfterTheHeader(Framing framing, int max, String header) throws IOException {
		FrameCodec codec = framing.codec(max);
		FrameBuffer buffer = codec.newBuffer();
		byte[] bytes = java.util.HexFormat.of().parseHex(header);
		assertThat(framingError(() -> feed(codec, buffer, bytes)).kind()).isEqualTo(Kind.OVERSIZE);
		assertThat(buffer.readable()).isEqualTo(bytes.length);
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "LENGTH_HEADER_1", "LENGTH_HEADER_2", "LENGTH_HEADER_4" })
	void acceptsFrameOfExactlyMaxSizeOneByteAtATime(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(200);
		byte[] payload = filled(200, 'm');
		byte[] frame = codec.frame(payload);
		assertThat(frame).hasSize(codec.bufferLimit());
		FrameBuffer buffer = codec.newBuffer();
		for (int i = 0; i < frame.length - 1; i++) {
			assertThat(feed(codec, buffer, frame[i])).as("byte %d", i).isNull();
		}
		assertThat(feed(codec, buffer, frame[frame.length - 1])).isEqualTo(payload);
		assertThat(buffer.readable()).isZero();
	}

	@Test
	void oneByteHeaderCannotCarryMoreThan255Bytes() throws IOException {
		FrameCodec codec = Framing.LENGTH_HEADER_1.codec(1000);
		assertThat(codec.maxPayload()).isEqualTo(255);
		assertThat(codec.bufferLimit()).isEqualTo(256);
		byte[] frame = codec.frame(filled(255, 'q'));
		assertThat(frame).hasSize(256);
		assertThat(frame[0]).isEqualTo((byte) 0xff);
		assertThat(framingError(() -> codec.frame(new byte[256])).kind()).isEqualTo(Kind.OVERSIZE);
		assertThat(feed(codec, codec.newBuffer(), frame)).isEqualTo(filled(255, 'q'));
	}

	@Test
	void twoByteHeaderCannotCarryMoreThan65535Bytes() throws IOException {
		FrameCodec codec = Framing.LENGTH_HEADER_2.codec(1 << 20);
		assertThat(codec.maxPayload()).isEqualTo(65535);
		byte[] frame = codec.frame(new byte[65535]);
		assertThat(frame).hasSize(65537);
		assertThat(frame[0]).isEqualTo((byte) 0xff);
		assertThat(frame[1]).isEqualTo((byte) 0xff);
		assertThat(framingError(() -> codec.frame(new byte[65536])).kind()).isEqualTo(Kind.OVERSIZE);
		assertThat(feed(codec, codec.newBuffer(), frame)).isEqualTo(new byte[65535]);
	}

	@Test
	void fourByteHeaderLimitStaysBelowIntMax() {
		FrameCodec codec = Framing.LENGTH_HEADER_4.codec(Integer.MAX_VALUE);
		assertThat(codec.maxPayload()).isEqualTo(Integer.MAX_VALUE - 8);
		assertThat(codec.bufferLimit()).isEqualTo(Integer.MAX_VALUE - 4);
	}

	@ParameterizedTest
	@CsvSource({ "LENGTH_HEADER_1, 200, c8", "LENGTH_HEADER_2, 300, 012c", "LENGTH_HEADER_2, 40000, 9c40",
			"LENGTH_HEADER_4, 70000, 00011170", "LENGTH_HEADER_4, 0, 00000000", "LENGTH_HEADER_1, 0, 00" })
	void writesAndReadsUnsignedBigEndianHeaders(Framing framing, int length, String header) throws IOException {
		FrameCodec codec = framing.codec(100_000);
		byte[] payload = filled(length, 'h');
		byte[] frame = codec.frame(payload);
		assertThat(hex(frame)).isEqualTo(header + hex(payload));
		assertThat(feed(codec, codec.newBuffer(), frame)).isEqualTo(payload);
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "LENGTH_HEADER_2", "LENGTH_HEADER_4" })
	void waitsForTheWholeHeader(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		byte[] frame = codec.frame(bytes("hi"));
		int headerSize = frame.length - 2;
		for (int i = 0; i < headerSize; i++) {
			assertThat(feed(codec, buffer, frame[i])).isNull();
		}
		assertThat(feed(codec, buffer, bytes("h"))).isNull();
		assertThat(feed(codec, buffer, bytes("i"))).isEqualTo(bytes("hi"));
	}

	@ParameterizedTest
	@CsvSource({ "LENGTH_HEADER_2, 00", "LENGTH_HEADER_4, 000000", "LENGTH_HEADER_1, 05616263",
			"LENGTH_HEADER_2, 0005616263", "LENGTH_HEADER_4, 0000000561626364" })
	void endOfStreamInsideHeaderOrPayloadIsDecodeError(Framing framing, String partial) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(feed(codec, buffer, java.util.HexFormat.of().parseHex(partial))).isNull();
		assertThat(framingError(() -> codec.decodeAtEndOfStream(buffer)).kind()).isEqualTo(Kind.DECODE);
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "LENGTH_HEADER_1", "LENGTH_HEADER_2", "LENGTH_HEADER_4" })
	void payloadMayContainAnyByte(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		byte[] payload = new byte[256];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (byte) i;
		}
		payload = java.util.Arrays.copyOf(payload, codec.maxPayload() < 256 ? codec.maxPayload() : 256);
		assertThat(feed(codec, codec.newBuffer(), codec.frame(payload))).isEqualTo(payload);
	}

}
