package dev.sockeye.framing;

import java.io.IOException;

/**
 * Input that cannot be framed: a frame over the size limit or bytes that break the
 * framing's rules. The connection that sent it cannot be resynchronised and is closed.
 */
public class FramingException extends IOException {

	/** What kind of bad input it was; also the {@code type} tag of the error meter. */
	public enum Kind {

		/** A frame, or a length header's claim, exceeds the maximum message size. */
		OVERSIZE,

		/**
		 * Bytes that the framing does not allow, or a frame cut short by the end of the
		 * stream.
		 */
		DECODE

	}

	private final Kind kind;

	public FramingException(Kind kind, String message) {
		super(message);
		this.kind = kind;
	}

	public Kind kind() {
		return this.kind;
	}

	static FramingException oversize(long size, int limit) {
		return new FramingException(Kind.OVERSIZE, "Frame of " + (size < 0 ? "more than " + limit : size)
				+ " bytes exceeds the limit of " + limit + " bytes (max-message-size)");
	}

	static FramingException oversizeWithoutEnd(int limit) {
		return new FramingException(Kind.OVERSIZE, "No end of frame within " + limit + " bytes (max-message-size)");
	}

	static FramingException decode(String message) {
		return new FramingException(Kind.DECODE, message);
	}

}
