package dev.sockeye.bench.wire;

import java.nio.ByteBuffer;

import dev.sockeye.framing.FrameCodec;
import dev.sockeye.framing.Framing;
import dev.sockeye.framing.FramingException;

/**
 * The request and expected reply frames of one run, so that requests are written and
 * replies checked from templates with only a tag changed.
 */
public final class BenchFrames {

	static final int TAG_DIGITS = 16;

	private static final byte[] HEX = { '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e',
			'f' };

	static final byte STX = 0x02;

	private static final byte CR = '\r';

	final Framing framing;

	final int size;

	/** Digits of the tag written into each payload. */
	final int digits;

	/** Bytes before the payload in a frame: STX or the length header. */
	final int head;

	/** 1, 2 or 4 for length-header framings, 0 for delimited ones. */
	final int lengthHeader;

	/** The byte that ends a delimited frame. */
	final byte terminator;

	/** True when a CR before the terminator is not part of the payload. */
	final boolean crlf;

	/** The request frame, tag digits to be filled in at {@link #requestTag}. */
	public final byte[] request;

	public final int requestTag;

	/** The expected reply frame, tag digits to be filled in at {@link #replyTag}. */
	final byte[] reply;

	final int replyTag;

	/** Length of a reply payload: the prefix and the request payload. */
	final int replyPayload;

	/**
	 * @param framing how requests and replies are framed
	 * @param size bytes per request payload
	 * @param prefix what each reply carries before the echoed request
	 */
	public BenchFrames(Framing framing, int size, byte[] prefix) {
		this.framing = framing;
		this.size = size;
		this.digits = Math.min(TAG_DIGITS, size);
		this.head = switch (framing) {
			case STX_ETX -> 1;
			case LENGTH_HEADER_1 -> 1;
			case LENGTH_HEADER_2 -> 2;
			case LENGTH_HEADER_4 -> 4;
			default -> 0;
		};
		this.lengthHeader = switch (framing) {
			case LENGTH_HEADER_1, LENGTH_HEADER_2, LENGTH_HEADER_4 -> this.head;
			default -> 0;
		};
		this.terminator = switch (framing) {
			case LF, CRLF -> (byte) '\n';
			case STX_ETX -> (byte) 0x03;
			default -> (byte) 0;
		};
		this.crlf = framing == Framing.CRLF;
		byte[] payload = payload(size);
		byte[] replyPayload = new byte[prefix.length + size];
		System.arraycopy(prefix, 0, replyPayload, 0, prefix.length);
		System.arraycopy(payload, 0, replyPayload, prefix.length, size);
		FrameCodec codec = framing.codec(Integer.MAX_VALUE - 16);
		try {
			this.request = codec.frame(payload);
			this.reply = codec.frame(replyPayload);
		}
		catch (FramingException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
		this.requestTag = this.head;
		this.replyTag = this.head + prefix.length;
		this.replyPayload = replyPayload.length;
	}

	/**
	 * A payload is a 16-hex-digit tag (only its last {@code size} digits when shorter)
	 * followed by a fixed filler of lower-case letters, so that no payload holds a CR,
	 * LF, NUL, STX or ETX byte and every one is different.
	 * @return a payload with the tag digits all zero
	 */
	static byte[] payload(int size) {
		byte[] payload = new byte[size];
		for (int i = 0; i < size; i++) {
			payload[i] = (i < TAG_DIGITS) ? (byte) '0' : (byte) ('a' + (i % 26));
		}
		return payload;
	}

	/**
	 * @return the tag of a connection's request: the connection number in the top 24
	 * bits, the connection's request sequence number below
	 */
	public static long tag(int connection, long sequence) {
		return ((long) connection << 40) | sequence;
	}

	/** Writes the last {@link #digits} hex digits of a tag at {@code offset}. */
	public void putTag(ByteBuffer buffer, int offset, long tag) {
		long value = tag;
		for (int i = offset + this.digits - 1; i >= offset; i--) {
			buffer.put(i, HEX[(int) value & 15]);
			value >>>= 4;
		}
	}

	/**
	 * @return true when a reply frame ends in a delimiter rather than being counted by a
	 * length header
	 */
	boolean delimited() {
		return this.lengthHeader == 0;
	}

	/**
	 * @return true when the first byte of a delimited frame is a start byte (STX)
	 */
	boolean startByte() {
		return this.framing == Framing.STX_ETX;
	}

	/**
	 * @return true when a CR before the terminator is stripped
	 */
	boolean stripsCr() {
		return this.crlf;
	}

	static byte cr() {
		return CR;
	}

}
