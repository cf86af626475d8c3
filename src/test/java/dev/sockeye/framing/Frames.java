package dev.sockeye.framing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Shared helpers for the framing tests: feeding a codec like a read loop does, chunking,
 * comparing payloads.
 */
final class Frames {

	private static final HexFormat HEX = HexFormat.of();

	private Frames() {
	}

	/**
	 * Feeds the chunks into the buffer the way an NIO read loop does: each "read" copies
	 * as much of the current chunk as fits into {@link FrameBuffer#writableView()},
	 * records it with {@link FrameBuffer#written(int)} and then decodes until the codec
	 * needs more. Fails if the buffer ever exceeds the codec's limit or fills up without
	 * the codec having rejected the input.
	 */
	static List<byte[]> decodeChunks(FrameCodec codec, FrameBuffer buffer, List<byte[]> chunks) throws IOException {
		List<byte[]> payloads = new ArrayList<>();
		for (byte[] chunk : chunks) {
			int offset = 0;
			while (offset < chunk.length) {
				assertThat(buffer.hasRoom()).as("buffer full without the codec rejecting the input").isTrue();
				ByteBuffer room = buffer.writableView();
				assertThat(buffer.capacity()).isLessThanOrEqualTo(codec.bufferLimit());
				int n = Math.min(room.remaining(), chunk.length - offset);
				assertThat(n).isPositive();
				room.put(chunk, offset, n);
				buffer.written(n);
				offset += n;
				byte[] payload;
				while ((payload = codec.decode(buffer)) != null) {
					payloads.add(payload);
				}
				assertThat(buffer.capacity()).isLessThanOrEqualTo(codec.bufferLimit());
			}
		}
		return payloads;
	}

	/**
	 * {@link #decodeChunks(FrameCodec, FrameBuffer, List)} into a new buffer, then the
	 * end of the stream.
	 */
	static List<byte[]> decodeStream(FrameCodec codec, List<byte[]> chunks) throws IOException {
		FrameBuffer buffer = codec.newBuffer();
		List<byte[]> payloads = decodeChunks(codec, buffer, chunks);
		byte[] last = codec.decodeAtEndOfStream(buffer);
		if (last != null) {
			payloads.add(last);
		}
		assertThat(buffer.readable()).isZero();
		return payloads;
	}

	/** Reads frames with a {@link FrameReader} until it reports a clean end of stream. */
	static List<byte[]> readAll(FrameCodec codec, InputStream in) throws IOException {
		FrameBuffer buffer = codec.newBuffer();
		FrameReader reader = new FrameReader(in, buffer);
		List<byte[]> payloads = new ArrayList<>();
		while (true) {
			try {
				payloads.add(reader.next(codec));
			}
			catch (EOFException ex) {
				return payloads;
			}
			assertThat(buffer.capacity()).isLessThanOrEqualTo(codec.bufferLimit());
		}
	}

	/** Writes one byte into the buffer and decodes once. */
	static byte[] feed(FrameCodec codec, FrameBuffer buffer, int b) throws IOException {
		return feed(codec, buffer, new byte[] { (byte) b });
	}

	/**
	 * Writes all the bytes into the buffer, making room (and so growing it) as often as
	 * needed, then decodes once: as if one read had delivered them all.
	 */
	static byte[] feed(FrameCodec codec, FrameBuffer buffer, byte[] bytes) throws IOException {
		int offset = 0;
		while (offset < bytes.length) {
			ByteBuffer room = buffer.writableView();
			int n = Math.min(room.remaining(), bytes.length - offset);
			room.put(bytes, offset, n);
			buffer.written(n);
			offset += n;
		}
		assertThat(buffer.capacity()).isLessThanOrEqualTo(codec.bufferLimit());
		return codec.decode(buffer);
	}

	static List<byte[]> splitAt(byte[] data, int... points) {
		List<byte[]> chunks = new ArrayList<>();
		int from = 0;
		for (int point : points) {
			chunks.add(Arrays.copyOfRange(data, from, point));
			from = point;
		}
		chunks.add(Arrays.copyOfRange(data, from, data.length));
		return chunks;
	}

	static List<byte[]> oneByteChunks(byte[] data) {
		List<byte[]> chunks = new ArrayList<>();
		for (byte b : data) {
			chunks.add(new byte[] { b });
		}
		return chunks;
	}

	static List<byte[]> randomChunks(byte[] data, Random random, int maxChunk) {
		List<byte[]> chunks = new ArrayList<>();
		int from = 0;
		while (from < data.length) {
			int to = Math.min(data.length, from + 1 + random.nextInt(maxChunk));
			chunks.add(Arrays.copyOfRange(data, from, to));
			from = to;
		}
		return chunks;
	}

	static byte[] concat(List<byte[]> parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		parts.forEach(out::writeBytes);
		return out.toByteArray();
	}

	static byte[] concat(byte[]... parts) {
		return concat(List.of(parts));
	}

	/**
	 * @return the frames of all payloads, back to back
	 */
	static byte[] stream(FrameCodec codec, List<byte[]> payloads) throws FramingException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] payload : payloads) {
			out.writeBytes(codec.frame(payload));
		}
		return out.toByteArray();
	}

	static byte[] bytes(String latin1) {
		return latin1.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
	}

	static byte[] filled(int length, char c) {
		byte[] bytes = new byte[length];
		Arrays.fill(bytes, (byte) c);
		return bytes;
	}

	/**
	 * @return {@code length} random bytes, none of them equal to {@code forbidden} (pass
	 * -1 to allow all)
	 */
	static byte[] randomBytes(Random random, int length, int forbidden) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		for (int i = 0; i < length; i++) {
			if (forbidden >= 0 && bytes[i] == (byte) forbidden) {
				bytes[i] = (byte) (forbidden + 1);
			}
		}
		return bytes;
	}

	/**
	 * Payloads as hex strings, so that lists of them compare by content and print
	 * readably.
	 */
	static List<String> hex(List<byte[]> payloads) {
		return payloads.stream().map(HEX::formatHex).toList();
	}

	static String hex(byte[] payload) {
		return HEX.formatHex(payload);
	}

	/** Runs the call and returns the {@link FramingException} it must throw. */
	static FramingException framingError(ThrowingCallable call) {
		Throwable thrown = catchThrowable(call);
		assertThat(thrown).isInstanceOf(FramingException.class);
		return (FramingException) thrown;
	}

	/**
	 * An input stream that hands out its bytes in random small chunks, like a socket
	 * does.
	 */
	static final class ChunkedInputStream extends InputStream {

		private final byte[] data;

		private final Random random;

		private final int maxChunk;

		private int position;

		private int reads;

		ChunkedInputStream(byte[] data, Random random, int maxChunk) {
			this.data = data;
			this.random = random;
			this.maxChunk = maxChunk;
		}

		@Override
		public int read() {
			return (this.position < this.data.length) ? this.data[this.position++] & 0xff : -1;
		}

		@Override
		public int read(byte[] b, int off, int len) {
			this.reads++;
			if (len == 0) {
				return 0;
			}
			if (this.position == this.data.length) {
				return -1;
			}
			int n = Math.min(Math.min(len, 1 + this.random.nextInt(this.maxChunk)), this.data.length - this.position);
			System.arraycopy(this.data, this.position, b, off, n);
			this.position += n;
			return n;
		}

		/**
		 * @return how many bytes have been handed out
		 */
		int position() {
			return this.position;
		}

		/**
		 * @return how many bulk reads were made, including the one that saw the end
		 */
		int reads() {
			return this.reads;
		}

	}

}
