package dev.sockeye.framing;

import java.nio.ByteBuffer;

/**
 * Frames that start with a big-endian length of 1, 2 or 4 bytes (unsigned, except that a
 * 4-byte header above {@code Integer.MAX_VALUE} is rejected as malformed). The claimed
 * length is checked against the limit before a single payload byte is buffered, so a
 * lying header costs nothing.
 */
final class LengthHeaderCodec extends FrameCodec {

	private final int headerSize;

	LengthHeaderCodec(int maxPayload, int headerSize) {
		super(Math.min(maxPayload, maxFor(headerSize)));
		this.headerSize = headerSize;
	}

	private static int maxFor(int headerSize) {
		return switch (headerSize) {
			case 1 -> 0xff;
			case 2 -> 0xffff;
			default -> Integer.MAX_VALUE - 8;
		};
	}

	@Override
	protected int maxOverhead() {
		return this.headerSize;
	}

	@Override
	public byte[] decode(FrameBuffer buffer) throws FramingException {
		int readable = buffer.readable();
		if (readable < this.headerSize) {
			return null;
		}
		byte[] bytes = buffer.array();
		int start = buffer.start();
		long length = 0;
		for (int i = 0; i < this.headerSize; i++) {
			length = (length << 8) | (bytes[start + i] & 0xff);
		}
		if (this.headerSize == 4 && length > Integer.MAX_VALUE) {
			throw FramingException
				.decode("Length header 0x" + Long.toHexString(length) + " is negative as a 32-bit" + " signed length");
		}
		if (length > maxPayload()) {
			throw FramingException.oversize(length, maxPayload());
		}
		if (readable - this.headerSize < length) {
			return null;
		}
		return buffer.take(this.headerSize, (int) length, this.headerSize + (int) length);
	}

	@Override
	public byte[] frame(byte[] payload) throws FramingException {
		checkOutgoing(payload);
		byte[] frame = new byte[this.headerSize + payload.length];
		frame(payload, ByteBuffer.wrap(frame));
		return frame;
	}

	@Override
	public boolean frame(byte[] payload, ByteBuffer out) throws FramingException {
		checkOutgoing(payload);
		if (this.headerSize + payload.length > out.remaining()) {
			return false;
		}
		for (int i = this.headerSize - 1; i >= 0; i--) {
			out.put((byte) (payload.length >>> (8 * i)));
		}
		out.put(payload);
		return true;
	}

}
