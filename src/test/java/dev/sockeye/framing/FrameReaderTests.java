package dev.sockeye.framing;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.sockeye.framing.FramingException.Kind;

import static dev.sockeye.framing.Frames.bytes;
import static dev.sockeye.framing.Frames.concat;
import static dev.sockeye.framing.Frames.filled;
import static dev.sockeye.framing.Frames.framingError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class FrameReaderTests {

	@Test
	void returnsFramesInOrderThenEndOfStreamBetweenFrames() throws IOException {
		FrameCodec codec = Framing.CRLF.codec(100);
		FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes("one\r\ntwo\nthree\r\n")),
				codec.newBuffer());
		assertThat(reader.next(codec)).isEqualTo(bytes("one"));
		assertThat(reader.next(codec)).isEqualTo(bytes("two"));
		assertThat(reader.next(codec)).isEqualTo(bytes("three"));
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> reader.next(codec));
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> reader.next(codec));
	}

	@Test
	void emptyStreamIsEndOfStream() {
		FrameCodec codec = Framing.LF.codec(100);
		FrameReader reader = new FrameReader(InputStream.nullInputStream(), codec.newBuffer());
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> reader.next(codec));
	}

	@Test
	void endOfStreamInsidePartialFrameIsDecodeError() {
		FrameCodec codec = Framing.LF.codec(100);
		FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes("complete\nincompl")), codec.newBuffer());
		assertThat(framingError(() -> {
			assertThat(reader.next(codec)).isEqualTo(bytes("complete"));
			reader.next(codec);
		}).kind()).isEqualTo(Kind.DECODE);
	}

	@Test
	void readsInBulkRatherThanByteByByte() throws IOException {
		FrameCodec codec = Framing.LF.codec(1000);
		byte[] data = concat(java.util.Collections.nCopies(100, bytes("abc\n")));
		CountingInputStream in = new CountingInputStream(new ByteArrayInputStream(data));
		FrameReader reader = new FrameReader(in, codec.newBuffer());
		for (int i = 0; i < 100; i++) {
			assertThat(reader.next(codec)).isEqualTo(bytes("abc"));
		}
		assertThat(in.reads).isEqualTo(1);
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> reader.next(codec));
		assertThat(in.reads).isEqualTo(2);
	}

	@Test
	void stopsReadingOnceTheFrameCannotFitTheLimit() {
		FrameCodec codec = Framing.LF.codec(100);
		FrameBuffer buffer = codec.newBuffer();
		Frames.ChunkedInputStream in = new Frames.ChunkedInputStream(filled(100_000, 'x'), new Random(3), 40);
		FrameReader reader = new FrameReader(in, buffer);
		assertThat(framingError(() -> reader.next(codec)).kind()).isEqualTo(Kind.OVERSIZE);
		assertThat(in.position()).isLessThanOrEqualTo(codec.bufferLimit());
		assertThat(buffer.capacity()).isLessThanOrEqualTo(codec.bufferLimit());
	}

	@Test
	void rejectsTwoGigabyteLengthClaimWithoutBufferingTheBody() {
		FrameCodec codec = Framing.LENGTH_HEADER_4.codec(64 * 1024);
		FrameBuffer buffer = codec.newBuffer();
		byte[] data = concat(new byte[] { 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff }, filled(100_000, 'x'));
		FrameReader reader = new FrameReader(new ByteArrayInputStream(data), buffer);
		assertThat(framingError(() -> reader.next(codec)).kind()).isEqualTo(Kind.OVERSIZE);
		assertThat(buffer.capacity()).isLessThanOrEqualTo(512);
	}

	@Test
	void rawReturnsTheWholeStreamOnceThenEndOfStream() throws IOException {
		FrameCodec codec = Framing.RAW.codec(1000);
		byte[] data = Frames.randomBytes(new Random(5), 1000, -1);
		FrameReader reader = new FrameReader(new Frames.ChunkedInputStream(data, new Random(5), 7), codec.newBuffer());
		assertThat(reader.next(codec)).isEqualTo(data);
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> reader.next(codec));
	}

	@Test
	void rawRejectsStreamLongerThanMax() {
		FrameCodec codec = Framing.RAW.codec(1000);
		FrameReader reader = new FrameReader(new ByteArrayInputStream(new byte[1001]), codec.newBuffer());
		assertThat(framingError(() -> reader.next(codec)).kind()).isEqualTo(Kind.OVERSIZE);
	}

	@Test
	void noneReturnsWhatEachReadDelivered() throws IOException {
		FrameCodec codec = Framing.NONE.codec(1000);
		byte[] data = bytes("abcdefghijklmnop");
		Frames.ChunkedInputStream in = new Frames.ChunkedInputStream(data, new Random(11), 5);
		FrameReader reader = new FrameReader(in, codec.newBuffer());
		List<byte[]> messages = new ArrayList<>();
		while (in.position() < data.length) {
			int before = in.position();
			byte[] message = reader.next(codec);
			assertThat(message).isEqualTo(java.util.Arrays.copyOfRange(data, before, in.position()));
			messages.add(message);
		}
		assertThat(messages).hasSizeGreaterThan(1);
		assertThat(concat(messages)).isEqualTo(data);
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> reader.next(codec));
	}

	@Test
	void readsBytesLeftInTheBufferAsAPlainInputStream() throws IOException {
		FrameCodec codec = Framing.LF.codec(100);
		FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes("line\nrest of it")), codec.newBuffer());
		assertThat(reader.next(codec)).isEqualTo(bytes("line"));
		assertThat(reader.available()).isEqualTo(10);
		assertThat(reader.read()).isEqualTo('r');
		byte[] into = new byte[20];
		assertThat(reader.read(into, 0, 0)).isZero();
		assertThat(reader.read(into, 2, 20 - 2)).isEqualTo(9);
		assertThat(java.util.Arrays.copyOfRange(into, 2, 11)).isEqualTo(bytes("est of it"));
		assertThat(reader.read(into, 0, 20)).isEqualTo(-1);
		assertThat(reader.read()).isEqualTo(-1);
	}

	@Test
	void readsFromTheSocketWhenNothingIsBuffered() throws IOException {
		FrameCodec codec = Framing.LF.codec(100);
		FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes("xy")), codec.newBuffer());
		assertThat(reader.available()).isEqualTo(2);
		assertThat(reader.read()).isEqualTo('x');
		assertThat(reader.readAllBytes()).isEqualTo(bytes("y"));
	}

	@Test
	void closesTheUnderlyingStream() throws IOException {
		boolean[] closed = new boolean[1];
		InputStream in = new ByteArrayInputStream(new byte[0]) {
			@Override
			public void close() {
				closed[0] = true;
			}
		};
		new FrameReader(in, new FrameBuffer(10)).close();
		assertThat(closed[0]).isTrue();
	}

	private static final class CountingInputStream extends InputStream {

		private final InputStream in;

		private int reads;

		CountingInputStream(InputStream in) {
			this.in = in;
		}

		@Override
		public int read() throws IOException {
			this.reads++;
			return this.in.read();
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			this.reads++;
			return this.in.read(b, off, len);
		}

	}

}
