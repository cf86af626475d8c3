package dev.sockeye.framing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A blocking connection's input: reads from the socket in bulk into the connection's
 * {@link FrameBuffer} and hands out whole frames, so no byte costs a system call of its
 * own and no byte read past a frame is lost. One reader per connection, used by one
 * thread.
 */
public final class FrameReader extends InputStream {

	private final InputStream in;

	private final FrameBuffer buffer;

	private boolean endOfStream;

	/**
	 * @param in the socket's input stream
	 * @param buffer the connection's buffer
	 */
	public FrameReader(InputStream in, FrameBuffer buffer) {
		this.in = in;
		this.buffer = buffer;
	}

	/**
	 * Blocks until the next frame is complete.
	 * @param codec the listener's codec
	 * @return the payload
	 * @throws EOFException when the stream ends between frames (an orderly close)
	 * @throws FramingException when the input cannot be framed
	 * @throws IOException when reading fails
	 */
	public byte[] next(FrameCodec codec) throws IOException {
		while (true) {
			byte[] payload = codec.decode(this.buffer);
			if (payload != null) {
				return payload;
			}
			if (this.endOfStream || !fill()) {
				this.endOfStream = true;
				payload = codec.decodeAtEndOfStream(this.buffer);
				if (payload != null) {
					return payload;
				}
				throw new EOFException("Stream closed");
			}
		}
	}

	private boolean fill() throws IOException {
		if (!this.buffer.hasRoom()) {
			throw new FramingException(FramingException.Kind.OVERSIZE, "Input buffer full");
		}
		int room = this.buffer.makeRoom();
		int read = this.in.read(this.buffer.array(), this.buffer.end(), room);
		if (read < 0) {
			return false;
		}
		this.buffer.written(read);
		return true;
	}

	@Override
	public int read() throws IOException {
		if (this.buffer.readable() == 0 && (this.endOfStream || !fill())) {
			this.endOfStream = true;
			return -1;
		}
		int b = this.buffer.array()[this.buffer.start()] & 0xff;
		this.buffer.skip(1);
		return b;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		if (len == 0) {
			return 0;
		}
		if (this.buffer.readable() == 0 && (this.endOfStream || !fill())) {
			this.endOfStream = true;
			return -1;
		}
		int n = Math.min(len, this.buffer.readable());
		System.arraycopy(this.buffer.array(), this.buffer.start(), b, off, n);
		this.buffer.skip(n);
		return n;
	}

	/**
	 * @return how many bytes are read but not yet framed
	 */
	public int buffered() {
		return this.buffer.readable();
	}

	@Override
	public int available() throws IOException {
		return this.buffer.readable() + this.in.available();
	}

	@Override
	public void close() throws IOException {
		this.in.close();
	}

}
