package dev.sockeye.framing;

/**
 * How a listener splits the byte stream into messages, and how it frames replies.
 */
public enum Framing {

	/**
	 * Lines ended by CRLF; a bare LF also ends a line on input, replies end with CRLF.
	 */
	CRLF,

	/** Lines ended by LF. */
	LF,

	/** Messages ended by a NUL (0x00) byte; quote it as {@code 'null'} in YAML. */
	NULL,

	/** Messages wrapped in STX (0x02) and ETX (0x03). */
	STX_ETX,

	/** A one-byte unsigned length, then that many bytes (255 at most). */
	LENGTH_HEADER_1,

	/** A two-byte big-endian unsigned length, then that many bytes (65,535 at most). */
	LENGTH_HEADER_2,

	/** A four-byte big-endian length, then that many bytes. */
	LENGTH_HEADER_4,

	/**
	 * One message per connection: everything the client sends until it closes its output.
	 */
	RAW,

	/**
	 * No framing: each read from the socket is one message, as a server calling
	 * {@code recv(1024)} sees it.
	 */
	NONE;

	/**
	 * @param maxPayload the largest message in bytes
	 * @return a codec for this framing
	 */
	public FrameCodec codec(int maxPayload) {
		return switch (this) {
			case CRLF -> DelimiterCodec.crlf(maxPayload);
			case LF -> DelimiterCodec.terminatedBy(maxPayload, (byte) '\n');
			case NULL -> DelimiterCodec.terminatedBy(maxPayload, (byte) 0);
			case STX_ETX -> DelimiterCodec.between(maxPayload, (byte) 0x02, (byte) 0x03);
			case LENGTH_HEADER_1 -> new LengthHeaderCodec(maxPayload, 1);
			case LENGTH_HEADER_2 -> new LengthHeaderCodec(maxPayload, 2);
			case LENGTH_HEADER_4 -> new LengthHeaderCodec(maxPayload, 4);
			case RAW -> new UnframedCodec(maxPayload, true);
			case NONE -> new UnframedCodec(maxPayload, false);
		};
	}

	/**
	 * @return the name as written in configuration, e.g. {@code length-header-4}
	 */
	public String configName() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

}
