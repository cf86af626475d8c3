package dev.sockeye.framing;

import java.util.Arrays;

/**
 * No framing bytes at all. Either each read is one message ({@code none}: what a
 * {@code recv(1024)} server does), or the whole stream until the client closes its output
 * is one message ({@code raw}). Replies are written as they are.
 */
final class UnframedCodec extends FrameCodec {

	private static final int READ_SIZE = 4096;

	private final boolean wholeStream;

	UnframedCodec(int maxPayload, boolean wholeStream) {
		super(maxPayload);
		this.wholeStream = wholeStream;
	}

	@Override
	protected int maxOverhead() {
		// one byte past the limit is how a whole-stream message is found to be too large
		return this.wholeStream ? 1 : 0;
	}

	@Override
	public FrameBuffer newBuffer() {
		// each read is a message: read as much as a recv(READ_SIZE) would, not a few
		// hundred bytes at a time
		return this.wholeStream ? super.newBuffer() : new FrameBuffer(bufferLimit(), READ_SIZE);
	}

	@Override
	public byte[] decode(FrameBuffer buffer) throws FramingException {
		int readable = buffer.readable();
		if (this.wholeStream) {
			if (readable > maxPayload()) {
				throw FramingException.oversize(-1, maxPayload());
			}
			return null;
		}
		if (readable == 0) {
			return null;
		}
		int length = Math.min(readable, maxPayload());
		return buffer.take(0, length, length);
	}

	@Override
	public byte[] decodeAtEndOfStream(FrameBuffer buffer) throws FramingException {
		if (this.wholeStream && buffer.readable() > 0) {
			return buffer.take(0, buffer.readable(), buffer.readable());
		}
		return null;
	}

	@Override
	public byte[] frame(byte[] payload) throws FramingException {
		checkOutgoing(payload);
		return Arrays.copyOf(payload, payload.length);
	}

	@Override
	public boolean endsWithStream() {
		return this.wholeStream;
	}

}
