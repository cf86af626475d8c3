package dev.sockeye.framing;

import java.nio.ByteBuffer;

/**
 * Frames that end with one delimiter byte ({@code lf}, {@code null}), optionally
 * stripping a carriage return before it ({@code crlf}), optionally starting with a start
 * byte ({@code stx-etx}). Searches each byte once, however the frame was split across
 * reads.
 */
final class DelimiterCodec extends FrameCodec {

	private static final byte CR = '\r';

	private static final int NONE = -1;

	private final int startByte;

	private final byte endByte;

	private final boolean crlf;

	private DelimiterCodec(int maxPayload, int startByte, byte endByte, boolean crlf) {
		super(maxPayload);
		this.startByte = startByte;
		this.endByte = endByte;
		this.crlf = crlf;
	}

	/**
	 * A line ended by LF; a CR before the LF is stripped on input, and replies end with
	 * CRLF.
	 */
	static DelimiterCodec crlf(int maxPayload) {
		return new DelimiterCodec(maxPayload, NONE, (byte) '\n', true);
	}

	static DelimiterCodec terminatedBy(int maxPayload, byte end) {
		return new DelimiterCodec(maxPayload, NONE, end, false);
	}

	static DelimiterCodec between(int maxPayload, byte start, byte end) {
		return new DelimiterCodec(maxPayload, start, end, false);
	}

	@Override
	protected int maxOverhead() {
		return (this.startByte != NONE || this.crlf) ? 2 : 1;
	}

	@Override
	public byte[] decode(FrameBuffer buffer) throws FramingException {
		int readable = buffer.readable();
		if (readable == 0) {
			return null;
		}
		byte[] bytes = buffer.array();
		int start = buffer.start();
		int head = 0;
		if (this.startByte != NONE) {
			if (bytes[start] != (byte) this.startByte) {
				throw FramingException.decode(String.format("Expected STX (0x%02x) at frame start, got 0x%02x",
						this.startByte, bytes[start] & 0xff));
			}
			head = 1;
		}
		int from = Math.max(buffer.scanned(), head);
		int limit = start + Math.min(readable, head + maxPayload() + (this.crlf ? 2 : 1));
		byte end = this.endByte;
		for (int i = start + from; i < limit; i++) {
			if (bytes[i] == end) {
				int length = i - start - head;
				if (this.crlf && length > 0 && bytes[i - 1] == CR) {
					length--;
				}
				if (length > maxPayload()) {
					throw FramingException.oversize(length, maxPayload());
				}
				return buffer.take(head, length, i - start + 1);
			}
		}
		int pending = readable - head;
		// with crlf, one byte past the limit can still be the CR of a max-size line, but
		// only if it is a CR
		boolean maybeCr = this.crlf && pending == maxPayload() + 1 && bytes[start + readable - 1] == CR;
		if (pending > maxPayload() && !maybeCr) {
			throw FramingException.oversizeWithoutEnd(maxPayload());
		}
		buffer.scanned(limit - start);
		return null;
	}

	@Override
	public byte[] frame(byte[] payload) throws FramingException {
		checkOutgoing(payload);
		byte[] frame = new byte[frameLength(payload)];
		frame(payload, ByteBuffer.wrap(frame));
		return frame;
	}

	@Override
	public boolean frame(byte[] payload, ByteBuffer out) throws FramingException {
		checkOutgoing(payload);
		if (frameLength(payload) > out.remaining()) {
			return false;
		}
		if (this.startByte != NONE) {
			out.put((byte) this.startByte);
		}
		out.put(payload);
		if (this.crlf) {
			out.put(CR);
		}
		out.put(this.endByte);
		return true;
	}

	private int frameLength(byte[] payload) {
		return ((this.startByte != NONE) ? 1 : 0) + payload.length + (this.crlf ? 2 : 1);
	}

}
