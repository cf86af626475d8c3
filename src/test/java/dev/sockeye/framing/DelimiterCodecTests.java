package dev.sockeye.framing;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sockeye.framing.FramingException.Kind;

import static dev.sockeye.framing.Frames.bytes;
import static dev.sockeye.framing.Frames.concat;
import static dev.sockeye.framing.Frames.decodeChunks;
import static dev.sockeye.framing.Frames.feed;
import static dev.sockeye.framing.Frames.filled;
import static dev.sockeye.framing.Frames.framingError;
import static dev.sockeye.framing.Frames.hex;
import static dev.sockeye.framing.Frames.oneByteChunks;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code crlf}, {@code lf}, {@code null} and {@code stx-etx}. */
class DelimiterCodecTests {

	/**
	 * Above {@link FrameBuffer#INITIAL_CAPACITY}, so that reaching the limit makes the
	 * buffer grow.
	 */
	private static final int MAX = 2000;

	@Test
	void crlfStripsOneCarriageReturnBeforeTheLineFeed() throws IOException {
		FrameCodec codec = Framing.CRLF.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(feed(codec, buffer, bytes("abc\r\n"))).isEqualTo(bytes("abc"));
		assertThat(feed(codec, buffer, bytes("abc\n"))).isEqualTo(bytes("abc"));
		assertThat(feed(codec, buffer, bytes("\r\n"))).isEqualTo(bytes(""));
		assertThat(feed(codec, buffer, bytes("\n"))).isEqualTo(bytes(""));
		assertThat(feed(codec, buffer, bytes("a\rb\n"))).isEqualTo(bytes("a\rb"));
		assertThat(feed(codec, buffer, bytes("abc\r\r\n"))).isEqualTo(bytes("abc\r"));
		assertThat(feed(codec, buffer, bytes("\r"))).isNull();
		assertThat(feed(codec, buffer, bytes("\n"))).isEqualTo(bytes(""));
		assertThat(buffer.readable()).isZero();
	}

	@Test
	void crlfRepliesEndWithCarriageReturnAndLineFeed() throws IOException {
		assertThat(Framing.CRLF.codec(MAX).frame(bytes("abc"))).isEqualTo(bytes("abc\r\n"));
		assertThat(Framing.CRLF.codec(MAX).frame(bytes(""))).isEqualTo(bytes("\r\n"));
	}

	@Test
	void lfKeepsCarriageReturnsInThePayload() throws IOException {
		FrameCodec codec = Framing.LF.codec(MAX);
		assertThat(feed(codec, codec.newBuffer(), bytes("abc\r\n"))).isEqualTo(bytes("abc\r"));
		assertThat(codec.frame(bytes("abc"))).isEqualTo(bytes("abc\n"));
	}

	@Test
	void nullFramesEndWithZeroByte() throws IOException {
		FrameCodec codec = Framing.NULL.codec(MAX);
		assertThat(codec.frame(bytes("abc"))).isEqualTo(bytes("abc\0"));
		FrameBuffer buffer = codec.newBuffer();
		assertThat(feed(codec, buffer, bytes("a\nb\0c"))).isEqualTo(bytes("a\nb"));
		assertThat(buffer.readable()).isEqualTo(1);
	}

	@Test
	void stxEtxFramesAreWrappedInStartAndEndBytes() throws IOException {
		FrameCodec codec = Framing.STX_ETX.codec(MAX);
		assertThat(codec.frame(bytes("abc"))).isEqualTo(bytes("\u0002abc\u0003"));
		assertThat(codec.frame(bytes(""))).isEqualTo(bytes("\u0002\u0003"));
		assertThat(feed(codec, codec.newBuffer(), bytes("\u0002a\u0002b\u0003"))).isEqualTo(bytes("a\u0002b"));
	}

	@Test
	void stxEtxInputNotStartingWithStxIsDecodeError() throws IOException {
		FrameCodec codec = Framing.STX_ETX.codec(MAX);
		assertThat(framingError(() -> feed(codec, codec.newBuffer(), 'a')).kind()).isEqualTo(Kind.DECODE);
		assertThat(framingError(() -> feed(codec, codec.newBuffer(), bytes("abc\u0003"))).kind())
			.isEqualTo(Kind.DECODE);
		assertThat(framingError(() -> feed(codec, codec.newBuffer(), 0x03)).kind()).isEqualTo(Kind.DECODE);
	}

	@Test
	void stxEtxBytesBetweenFramesAreDecodeError() throws IOException {
		FrameCodec codec = Framing.STX_ETX.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(feed(codec, buffer, bytes("\u0002ok\u0003\r\n\u0002next\u0003"))).isEqualTo(bytes("ok"));
		assertThat(framingError(() -> codec.decode(buffer)).kind()).isEqualTo(Kind.DECODE);
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "CRLF", "LF", "NULL", "STX_ETX" })
	void closesAsSoonAsFrameWithoutDelimiterExceedsLimit(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		if (framing == Framing.STX_ETX) {
			assertThat(feed(codec, buffer, 0x02)).isNull();
		}
		for (int i = 0; i < MAX; i++) {
			assertThat(feed(codec, buffer, 'x')).as("byte %d", i).isNull();
			assertThat(buffer.capacity()).isLessThanOrEqualTo(codec.bufferLimit());
		}
		assertThat(framingError(() -> feed(codec, buffer, 'x')).kind()).isEqualTo(Kind.OVERSIZE);
		assertThat(buffer.capacity()).isLessThanOrEqualTo(codec.bufferLimit());
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "CRLF", "LF", "NULL", "STX_ETX" })
	void closesWhenBulkInputHasNoDelimiterWithinLimit(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		byte[] flood = filled(10 * MAX, 'x');
		if (framing == Framing.STX_ETX) {
			flood[0] = 0x02;
		}
		FrameBuffer buffer = codec.newBuffer();
		// decodeChunks fails if the buffer ever outgrows the codec's limit or fills up
		// without an exception
		assertThat(framingError(() -> decodeChunks(codec, buffer, List.of(flood))).kind()).isEqualTo(Kind.OVERSIZE);
		assertThat(buffer.capacity()).isLessThanOrEqualTo(codec.bufferLimit());
		assertThat(buffer.readable()).isLessThanOrEqualTo(codec.bufferLimit());
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "CRLF", "LF", "NULL", "STX_ETX" })
	void closesWhenFrameExceedsLimitThroughFrameReader(Framing framing) {
		FrameCodec codec = framing.codec(MAX);
		byte[] flood = filled(10 * MAX, 'x');
		if (framing == Framing.STX_ETX) {
			flood[0] = 0x02;
		}
		Frames.ChunkedInputStream in = new Frames.ChunkedInputStream(flood, new java.util.Random(7), 300);
		assertThat(framingError(() -> Frames.readAll(codec, in)).kind()).isEqualTo(Kind.OVERSIZE);
		assertThat(in.position()).isLessThanOrEqualTo(codec.bufferLimit());
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "CRLF", "LF", "NULL", "STX_ETX" })
	void acceptsFrameOfExactlyMaxSize(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		byte[] payload = filled(MAX, 'y');
		byte[] frame = codec.frame(payload);
		assertThat(frame).hasSizeLessThanOrEqualTo(codec.bufferLimit());
		assertThat(hex(decodeChunks(codec, codec.newBuffer(), List.of(frame)))).containsExactly(hex(payload));
		assertThat(hex(decodeChunks(codec, codec.newBuffer(), oneByteChunks(frame)))).containsExactly(hex(payload));
		byte[] two = concat(frame, frame);
		assertThat(hex(decodeChunks(codec, codec.newBuffer(), List.of(two)))).containsExactly(hex(payload),
				hex(payload));
	}

	@Test
	void crlfAcceptsMaxSizePayloadFollowedByCarriageReturnAndLineFeed() throws IOException {
		FrameCodec codec = Framing.CRLF.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		for (int i = 0; i < MAX; i++) {
			assertThat(feed(codec, buffer, 'z')).isNull();
		}
		assertThat(feed(codec, buffer, '\r')).isNull();
		assertThat(feed(codec, buffer, '\n')).isEqualTo(filled(MAX, 'z'));
		assertThat(buffer.readable()).isZero();
		byte[] frame = concat(filled(MAX, 'z'), bytes("\r\n"));
		assertThat(frame).hasSize(codec.bufferLimit());
		assertThat(feed(codec, codec.newBuffer(), frame)).isEqualTo(filled(MAX, 'z'));
	}

	@Test
	void crlfAcceptsMaxSizePayloadEndedByBareLineFeed() throws IOException {
		FrameCodec codec = Framing.CRLF.codec(MAX);
		assertThat(feed(codec, codec.newBuffer(), concat(filled(MAX, 'z'), bytes("\n")))).isEqualTo(filled(MAX, 'z'));
	}

	@ParameterizedTest
	@CsvSource({ "'\n'", "'y'" })
	void crlfRejectsLineOneByteOverLimit(char after) throws IOException {
		FrameCodec codec = Framing.CRLF.codec(MAX);
		byte[] line = concat(filled(MAX + 1, 'z'), new byte[] { (byte) after });
		assertThat(framingError(() -> feed(codec, codec.newBuffer(), line)).kind()).isEqualTo(Kind.OVERSIZE);
	}

	@Test
	void crlfRejectsMaxSizePayloadWhenCarriageReturnIsNotFollowedByLineFeed() throws IOException {
		FrameCodec codec = Framing.CRLF.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(feed(codec, buffer, concat(filled(MAX, 'z'), bytes("\r")))).isNull();
		assertThat(framingError(() -> feed(codec, buffer, 'y')).kind()).isEqualTo(Kind.OVERSIZE);
	}

	@ParameterizedTest
	@CsvSource({ "CRLF, 'partial'", "CRLF, 'partial\r'", "LF, 'partial'", "NULL, 'partial\n'",
			"STX_ETX, '\u0002partial'", "STX_ETX, '\u0002'" })
	void endOfStreamInsidePartialFrameIsDecodeError(Framing framing, String partial) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(feed(codec, buffer, bytes(partial))).isNull();
		assertThat(framingError(() -> codec.decodeAtEndOfStream(buffer)).kind()).isEqualTo(Kind.DECODE);
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "CRLF", "LF", "NULL", "STX_ETX" })
	void endOfStreamBetweenFramesHasNoMessage(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(feed(codec, buffer, codec.frame(bytes("last")))).isEqualTo(bytes("last"));
		assertThat(codec.decodeAtEndOfStream(buffer)).isNull();
	}

	@Test
	void remembersHowFarItScannedWhenLineArrivesOneByteAtATime() throws IOException {
		int size = 64 * 1024;
		FrameCodec codec = Framing.LF.codec(size);
		FrameBuffer buffer = codec.newBuffer();
		for (int i = 0; i < size; i++) {
			assertThat(feed(codec, buffer, 'a' + i % 26)).isNull();
			if (buffer.scanned() != i + 1) {
				assertThat(buffer.scanned()).as("scanned after byte %d", i).isEqualTo(i + 1);
			}
		}
		assertThat(buffer.capacity()).isEqualTo(size);
		byte[] line = feed(codec, buffer, '\n');
		assertThat(line).hasSize(size);
		assertThat(line[0]).isEqualTo((byte) 'a');
		assertThat(line[size - 1]).isEqualTo((byte) ('a' + (size - 1) % 26));
		assertThat(buffer.scanned()).isZero();
		assertThat(buffer.capacity()).isEqualTo(FrameBuffer.INITIAL_CAPACITY);
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "CRLF", "LF", "STX_ETX" })
	void doesNotSearchBytesTheBufferRecordsAsScanned(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		byte[] end = (framing == Framing.STX_ETX) ? bytes("\u0003") : bytes("\n");
		byte[] head = (framing == Framing.STX_ETX) ? bytes("\u0002") : bytes("");
		FrameBuffer buffer = codec.newBuffer();
		assertThat(feed(codec, buffer, concat(head, bytes("ab")))).isNull();
		assertThat(buffer.scanned()).isEqualTo(head.length + 2);
		// pretend that a delimiter in the remembered part was searched already: the codec
		// must not look again
		buffer.array()[buffer.start() + head.length + 1] = end[0];
		assertThat(feed(codec, buffer, bytes("cd"))).isNull();
		assertThat(buffer.scanned()).isEqualTo(head.length + 4);
		assertThat(feed(codec, buffer, end)).isEqualTo(concat(bytes("a"), end, bytes("cd")));
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "CRLF", "LF", "NULL", "STX_ETX" })
	void emptyBufferDecodesToNothing(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		assertThat(codec.decode(codec.newBuffer())).isNull();
		assertThat(codec.decodeAtEndOfStream(codec.newBuffer())).isNull();
	}

}
