package dev.sockeye.framing;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes every frame decoder with Jazzer: arbitrary bytes, split at arbitrary points
 * across reads, must decode to the same frames as when read whole, fail only with
 * {@link FramingException}, never yield a frame over the limit, and never buffer more
 * than the limit. The build fuzzes it for {@code maxDuration} (its {@code fuzz}
 * execution); raise that for a longer run.
 */
class FramingFuzzTests {

	@FuzzTest(maxDuration = "30s")
	void decodersAgreeAcrossSplitsAndStayWithinTheirLimits(FuzzedDataProvider data) throws Exception {
		Framing framing = data.pickValue(Framing.values());
		int max = data.consumeInt(1, 4096);
		int[] splits = new int[data.consumeInt(0, 16)];
		for (int i = 0; i < splits.length; i++) {
			splits[i] = data.consumeInt(1, 64);
		}
		byte[] input = data.consumeRemainingAsBytes();
		FrameCodec codec = framing.codec(max);

		Outcome whole = decode(codec, new ByteArrayInputStream(input));
		Outcome split = decode(codec, new Chunked(input, splits));
		if (framing != Framing.NONE) {
			// with no framing each read is a message, so only there do the splits decide
			// the messages
			assertThat(split.frames).as("frames, %s max %d", framing, max).isEqualTo(whole.frames);
			assertThat(split.failure).as("failure, %s max %d", framing, max).isEqualTo(whole.failure);
		}
		else {
			java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
			split.frames.forEach(joined::writeBytes);
			assertThat(joined.toByteArray()).isEqualTo(java.util.Arrays.copyOf(input, joined.size()));
		}
		for (byte[] frame : whole.frames) {
			assertThat(frame.length).isLessThanOrEqualTo(codec.maxPayload());
		}
	}

	private static Outcome decode(FrameCodec codec, InputStream in) throws Exception {
		FrameBuffer buffer = codec.newBuffer();
		FrameReader reader = new FrameReader(in, buffer);
		Outcome outcome = new Outcome();
		try {
			while (true) {
				outcome.frames.add(reader.next(codec));
				assertThat(buffer.capacity()).isLessThanOrEqualTo(codec.bufferLimit());
			}
		}
		catch (EOFException ex) {
			outcome.failure = null;
		}
		catch (FramingException ex) {
			outcome.failure = ex.kind();
		}
		assertThat(buffer.capacity()).isLessThanOrEqualTo(codec.bufferLimit());
		return outcome;
	}

	static final class Outcome {

		final List<byte[]> frames = new ArrayList<>() {

			@Override
			public boolean equals(Object other) {
				if (!(other instanceof List<?> list) || list.size() != size()) {
					return false;
				}
				for (int i = 0; i < size(); i++) {
					if (!java.util.Arrays.equals(get(i), (byte[]) list.get(i))) {
						return false;
					}
				}
				return true;
			}

			@Override
			public int hashCode() {
				return size();
			}

		};

		FramingException.Kind failure;

	}

	/**
	 * Returns the input in chunks of the given sizes (cycling), as a socket returns a
	 * stream in reads.
	 */
	static final class Chunked extends InputStream {

		private final byte[] input;

		private final int[] splits;

		private int position;

		private int read;

		Chunked(byte[] input, int[] splits) {
			this.input = input;
			this.splits = (splits.length == 0) ? new int[] { Integer.MAX_VALUE } : splits;
		}

		@Override
		public int read() {
			return (this.position < this.input.length) ? this.input[this.position++] & 0xff : -1;
		}

		@Override
		public int read(byte[] b, int off, int len) {
			if (this.position >= this.input.length) {
				return -1;
			}
			int chunk = Math.min(Math.min(len, this.splits[this.read++ % this.splits.length]),
					this.input.length - this.position);
			System.arraycopy(this.input, this.position, b, off, chunk);
			this.position += chunk;
			return chunk;
		}

	}

}
