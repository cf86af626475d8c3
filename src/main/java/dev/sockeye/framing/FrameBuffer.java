package dev.sockeye.framing;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes one connection has read but not yet framed. Starts small, grows by doubling
 * only while a frame that is still within the limit needs it, and shrinks back to its
 * initial capacity once it is drained, so an idle connection holds at most 4 KiB (the
 * initial capacity unless its messages are large) and never a buffer of the maximum
 * message size. Not thread-safe: one connection reads from one thread at a time.
 */
public final class FrameBuffer {

	/** Default capacity of a fresh buffer, and what a drained buffer shrinks back to. */
	public static final int INITIAL_CAPACITY = 512;

	private static final int SHRINK_ABOVE = 4 * 1024;

	private final int capacityLimit;

	private final int initialCapacity;

	private byte[] bytes;

	private ByteBuffer view;

	private int start;

	private int end;

	private int scanned;

	/**
	 * @param capacityLimit the most this buffer may hold: the largest frame the codec
	 * accepts, header and delimiters included
	 */
	public FrameBuffer(int capacityLimit) {
		this(capacityLimit, INITIAL_CAPACITY);
	}

	/**
	 * @param capacityLimit the most this buffer may hold
	 * @param initialCapacity the capacity it starts with and shrinks back to
	 */
	public FrameBuffer(int capacityLimit, int initialCapacity) {
		this.capacityLimit = Math.max(capacityLimit, 1);
		this.initialCapacity = Math.min(Math.max(initialCapacity, 1), this.capacityLimit);
		this.bytes = new byte[this.initialCapacity];
		this.view = ByteBuffer.wrap(this.bytes);
	}

	/**
	 * @return the backing array; valid bytes are {@link #start()} (inclusive) to
	 * {@link #end()} (exclusive)
	 */
	public byte[] array() {
		return this.bytes;
	}

	/**
	 * @return the index of the first unframed byte
	 */
	public int start() {
		return this.start;
	}

	/**
	 * @return the index after the last unframed byte
	 */
	public int end() {
		return this.end;
	}

	/**
	 * @return how many unframed bytes there are
	 */
	public int readable() {
		return this.end - this.start;
	}

	/**
	 * @return how many unframed bytes a codec has already searched, so that it does not
	 * search them again
	 */
	public int scanned() {
		return this.scanned;
	}

	/** Records that the first {@code count} unframed bytes hold no frame end. */
	public void scanned(int count) {
		this.scanned = count;
	}

	/**
	 * @return true when another read could add bytes without exceeding the limit
	 */
	public boolean hasRoom() {
		return readable() < this.capacityLimit;
	}

	/**
	 * Makes room for at least one more byte (compacting first, growing only if that is
	 * not enough) and returns a buffer view whose position and limit are the free space.
	 * The caller reads into it and then calls {@link #written(int)}.
	 * @return the free space as a {@link ByteBuffer} over the backing array
	 * @throws IllegalStateException if the buffer already holds {@code capacityLimit}
	 * bytes
	 */
	public ByteBuffer writableView() {
		makeRoom();
		this.view.limit(this.bytes.length).position(this.end);
		return this.view;
	}

	/**
	 * @return the number of bytes that can be written at {@link #end()} after making room
	 */
	public int makeRoom() {
		if (this.end == this.bytes.length) {
			if (this.start > 0) {
				compact();
			}
			if (this.end == this.bytes.length) {
				if (this.bytes.length >= this.capacityLimit) {
					throw new IllegalStateException("Frame buffer is full at " + this.capacityLimit + " bytes");
				}
				int grown = (int) Math.min((long) this.bytes.length * 2, this.capacityLimit);
				this.bytes = Arrays.copyOf(this.bytes, grown);
				this.view = ByteBuffer.wrap(this.bytes);
			}
		}
		return this.bytes.length - this.end;
	}

	/** Records that {@code count} bytes were written at {@link #end()}. */
	public void written(int count) {
		this.end += count;
	}

	/**
	 * Takes one frame off the front of the buffer.
	 * @param payloadOffset where the payload starts, relative to {@link #start()}
	 * @param payloadLength the payload's length
	 * @param frameLength how many bytes the whole frame occupies (header and delimiters
	 * included)
	 * @return a copy of the payload
	 */
	public byte[] take(int payloadOffset, int payloadLength, int frameLength) {
		int from = this.start + payloadOffset;
		byte[] payload = Arrays.copyOfRange(this.bytes, from, from + payloadLength);
		skip(frameLength);
		return payload;
	}

	/** Discards {@code count} bytes from the front of the buffer. */
	public void skip(int count) {
		this.start += count;
		this.scanned = 0;
		if (this.start == this.end) {
			this.start = 0;
			this.end = 0;
			if (this.bytes.length > SHRINK_ABOVE) {
				this.bytes = new byte[this.initialCapacity];
				this.view = ByteBuffer.wrap(this.bytes);
			}
		}
	}

	/**
	 * @return the current capacity of the backing array, for tests and diagnostics
	 */
	public int capacity() {
		return this.bytes.length;
	}

	private void compact() {
		int length = this.end - this.start;
		System.arraycopy(this.bytes, this.start, this.bytes, 0, length);
		this.start = 0;
		this.end = length;
	}

}
