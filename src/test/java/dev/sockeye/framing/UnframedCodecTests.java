package dev.sockeye.framing;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockeye.framing.FramingException.Kind;

import static dev.sockeye.framing.Frames.bytes;
import static dev.sockeye.framing.Frames.decodeChunks;
import static dev.sockeye.framing.Frames.feed;
import static dev.sockeye.framing.Frames.filled;
import static dev.sockeye.framing.Frames.framingError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code raw} and {@code none}. */
class UnframedCodecTests {

	private static final int MAX = 1000;

	@Test
	void rawDecodesNothingUntilTheEndOfTheStream() throws IOException {
		FrameCodec codec = Framing.RAW.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(feed(codec, buffer, bytes("first line\n"))).isNull();
		assertThat(feed(codec, buffer, bytes("second\0\r\n"))).isNull();
		assertThat(codec.decode(buffer)).isNull();
		assertThat(codec.decodeAtEndOfStream(buffer)).isEqualTo(bytes("first line\nsecond\0\r\n"));
		assertThat(buffer.readable()).isZero();
	}

	@Test
	void rawRoundTripsPayload() throws IOException {
		FrameCodec codec = Framing.RAW.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		byte[] payload = bytes("any\nbytes\0at all");
		assertThat(feed(codec, buffer, codec.frame(payload))).isNull();
		assertThat(codec.decodeAtEndOfStream(buffer)).isEqualTo(payload);
	}

	@Test
	void rawAcceptsExactlyMaxBytes() throws IOException {
		FrameCodec codec = Framing.RAW.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(feed(codec, buffer, filled(MAX, 'r'))).isNull();
		assertThat(codec.decodeAtEndOfStream(buffer)).isEqualTo(filled(MAX, 'r'));
	}

	@Test
	void rawRejectsOneByteMoreThanMax() throws IOException {
		FrameCodec codec = Framing.RAW.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(feed(codec, buffer, filled(MAX, 'r'))).isNull();
		assertThat(framingError(() -> feed(codec, buffer, 'r')).kind()).isEqualTo(Kind.OVERSIZE);
		assertThat(buffer.capacity()).isLessThanOrEqualTo(codec.bufferLimit());
	}

	@Test
	void rawRejectsBulkInputOverMaxWithoutOutgrowingTheLimit() {
		FrameCodec codec = Framing.RAW.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(framingError(() -> decodeChunks(codec, buffer, List.of(filled(10 * MAX, 'r')))).kind())
			.isEqualTo(Kind.OVERSIZE);
		assertThat(buffer.capacity()).isLessThanOrEqualTo(codec.bufferLimit());
	}

	@Test
	void rawEmptyStreamHasNoMessage() throws IOException {
		FrameCodec codec = Framing.RAW.codec(MAX);
		assertThat(codec.decodeAtEndOfStream(codec.newBuffer())).isNull();
	}

	@Test
	void noneDecodesWhateverWasBuffered() throws IOException {
		FrameCodec codec = Framing.NONE.codec(MAX);
		FrameBuffer buffer = codec.newBuffer();
		assertThat(feed(codec, buffer, bytes("half a li"))).isEqualTo(bytes("half a li"));
		assertThat(codec.decode(buffer)).isNull();
		assertThat(feed(codec, buffer, bytes("ne\nand more\0"))).isEqualTo(bytes("ne\nand more\0"));
		assertThat(codec.decode(buffer)).isNull();
		assertThat(codec.decodeAtEndOfStream(buffer)).isNull();
	}

	@Test
	void noneCapsEachMessageAtMax() throws IOException {
		FrameCodec codec = Framing.NONE.codec(10);
		FrameBuffer buffer = new FrameBuffer(100);
		buffer.writableView().put(bytes("0123456789abcdefghij01234"));
		buffer.written(25);
		assertThat(codec.decode(buffer)).isEqualTo(bytes("0123456789"));
		assertThat(codec.decode(buffer)).isEqualTo(bytes("abcdefghij"));
		assertThat(codec.decode(buffer)).isEqualTo(bytes("01234"));
		assertThat(codec.decode(buffer)).isNull();
	}

	@Test
	void noneBufferNeverHoldsMoreThanMax() throws IOException {
		FrameCodec codec = Framing.NONE.codec(10);
		assertThat(codec.bufferLimit()).isEqualTo(10);
		List<byte[]> messages = decodeChunks(codec, codec.newBuffer(), List.of(bytes("0123456789abcdefghij01234")));
		assertThat(Frames.hex(messages)).containsExactly(Frames.hex(bytes("0123456789")),
				Frames.hex(bytes("abcdefghij")), Frames.hex(bytes("01234")));
	}

	@Test
	void noneReadsUpTo4096BytesAtATime() {
		assertThat(Framing.NONE.codec(64 * 1024).newBuffer().writableView().remaining()).isEqualTo(4096);
		assertThat(Framing.NONE.codec(100).newBuffer().writableView().remaining()).isEqualTo(100);
	}

	@Test
	void noneWritesPayloadAsACopy() throws IOException {
		byte[] payload = bytes("reply");
		byte[] frame = Framing.NONE.codec(MAX).frame(payload);
		assertThat(frame).isEqualTo(payload).isNotSameAs(payload);
	}

}
