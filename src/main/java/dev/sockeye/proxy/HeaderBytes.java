package dev.sockeye.proxy;

import java.nio.ByteBuffer;

/**
 * Reads a header's bytes in order from the front of a buffer, by absolute index, without
 * moving the buffer. Running out of bytes ends the attempt with {@link Incomplete}, so a
 * parser reads as if the whole header were there and the caller retries with more bytes;
 * as the parser only ever looks at the bytes so far, the outcome does not depend on how
 * the header was split across reads.
 */
final class HeaderBytes {

	private final ByteBuffer input;

	private final int start;

	private final int available;

	private int offset;

	HeaderBytes(ByteBuffer input) {
		this.input = input;
		this.start = input.position();
		this.available = input.remaining();
	}

	/** The next byte, unsigned. */
	int next() throws Incomplete {
		if (this.offset >= this.available) {
			throw Incomplete.INSTANCE;
		}
		return this.input.get(this.start + this.offset++) & 0xff;
	}

	/** The next two bytes as a big-endian unsigned number. */
	int nextShort() throws Incomplete {
		return (next() << 8) | next();
	}

	/** Fills the array with the next bytes. */
	void next(byte[] into) throws Incomplete {
		require(into.length);
		this.input.get(this.start + this.offset, into);
		this.offset += into.length;
	}

	/** Steps over bytes, once they have arrived. */
	void skip(int count) throws Incomplete {
		require(count);
		this.offset += count;
	}

	/** How many bytes have been read: the header's length once it is complete. */
	int offset() {
		return this.offset;
	}

	/** Ends the attempt unless the next {@code count} bytes have arrived. */
	void require(int count) throws Incomplete {
		if (this.available - this.offset < count) {
			throw Incomplete.INSTANCE;
		}
	}

	/**
	 * The bytes so far are a valid start of a header, but not a whole one. Thrown without
	 * a stack trace, once per read of a split header.
	 */
	static final class Incomplete extends Exception {

		static final Incomplete INSTANCE = new Incomplete();

		private Incomplete() {
			super("More bytes needed", null, false, false);
		}

	}

}
