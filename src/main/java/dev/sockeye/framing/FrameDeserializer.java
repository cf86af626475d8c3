package dev.sockeye.framing;

import java.io.IOException;
import java.io.InputStream;

import org.springframework.core.serializer.Deserializer;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

/**
 * Spring Integration's view of a {@link FrameCodec} on a blocking stream. On a Sockeye
 * connection the stream is a {@link FrameReader} and reads are in bulk; any other stream
 * (a client connection, a test) is read one byte at a time so that nothing past the frame
 * is consumed.
 */
public final class FrameDeserializer implements Deserializer<byte[]> {

	private final FrameCodec codec;

	public FrameDeserializer(FrameCodec codec) {
		this.codec = codec;
	}

	@Override
	public byte[] deserialize(InputStream inputStream) throws IOException {
		FrameReader reader = (inputStream instanceof FrameReader frameReader) ? frameReader
				: new FrameReader(new OneByteAtATime(inputStream), this.codec.newBuffer());
		try {
			return reader.next(this.codec);
		}
		catch (java.io.EOFException ex) {
			throw new SoftEndOfStreamException("Stream closed between frames");
		}
	}

	/** Reads no further than it must, for streams that may carry the next frame. */
	private static final class OneByteAtATime extends InputStream {

		private final InputStream in;

		OneByteAtATime(InputStream in) {
			this.in = in;
		}

		@Override
		public int read() throws IOException {
			return this.in.read();
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			return (len == 0) ? 0 : this.in.read(b, off, 1);
		}

	}

}
