package dev.sockeye.framing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Turns buffered bytes into message payloads and payloads into frames, for one
 * {@link Framing} and one size limit. Stateless and shared by all connections of a
 * listener: per-connection state lives in the {@link FrameBuffer}.
 */
public abstract class FrameCodec {

	private final int maxPayload;

	protected FrameCodec(int maxPayload) {
		this.maxPayload = maxPayload;
	}

	/**
	 * @return the largest payload this codec accepts or writes
	 */
	public int maxPayload() {
		return this.maxPayload;
	}

	/**
	 * @return the most bytes a connection may buffer for one frame: payload plus header
	 * and delimiters
	 */
	public int bufferLimit() {
		return this.maxPayload + maxOverhead();
	}

	/**
	 * @return a new buffer for one connection's input, bounded by {@link #bufferLimit()}
	 */
	public FrameBuffer newBuffer() {
		return new FrameBuffer(bufferLimit());
	}

	/**
	 * @return the framing bytes around a payload at most
	 */
	protected abstract int maxOverhead();

	/**
	 * Takes the next complete frame from the buffer.
	 * @param buffer the connection's unframed bytes
	 * @return the payload, or {@code null} when more bytes are needed
	 * @throws FramingException when the input can never become a valid frame
	 */
	public abstract byte[] decode(FrameBuffer buffer) throws FramingException;

	/**
	 * Called once the peer has closed its side, after {@link #decode} returned
	 * {@code null}.
	 * @param buffer the connection's unframed bytes
	 * @return a last payload, or {@code null} when there is none
	 * @throws FramingException when a partial frame was left
	 */
	public byte[] decodeAtEndOfStream(FrameBuffer buffer) throws FramingException {
		if (buffer.readable() > 0) {
			throw FramingException.decode("Stream closed inside a frame, " + buffer.readable() + " bytes left over");
		}
		return null;
	}

	/**
	 * Writes one frame.
	 * @param payload the message
	 * @param out where the frame goes
	 * @throws IOException when the payload cannot be framed or writing fails
	 */
	public void encode(byte[] payload, OutputStream out) throws IOException {
		out.write(frame(payload));
	}

	/**
	 * @param payload the message
	 * @return the whole frame in one array, ready for a single write. The payload is
	 * written as it is: a reply that contains the delimiter (a multi-line reply in a line
	 * framing) reads as several messages on the other side
	 * @throws FramingException when the payload cannot be framed (larger than the limit
	 * or than its header can say)
	 */
	public abstract byte[] frame(byte[] payload) throws FramingException;

	/**
	 * Frames a payload straight into a buffer, the same bytes as {@link #frame(byte[])}
	 * without the array in between.
	 * @param payload the message
	 * @param out where the frame goes, from its position
	 * @return false, with nothing written, when the frame does not fit in what
	 * {@code out} has left
	 * @throws FramingException when the payload cannot be framed
	 */
	public boolean frame(byte[] payload, ByteBuffer out) throws FramingException {
		byte[] frame = frame(payload);
		if (frame.length > out.remaining()) {
			return false;
		}
		out.put(frame);
		return true;
	}

	/**
	 * @return true when one connection carries one message, ended by the client closing
	 * its output
	 */
	public boolean endsWithStream() {
		return false;
	}

	protected final void checkOutgoing(byte[] payload) throws FramingException {
		if (payload.length > this.maxPayload) {
			throw FramingException.oversize(payload.length, this.maxPayload);
		}
	}

}
