package dev.sockeye.listener.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import java.util.Deque;

import dev.sockeye.listener.connection.ConnectionStats;

/**
 * The reply bytes of one NIO connection that its client has not taken yet, so that no I/O
 * thread ever waits for a slow reader: bounded, and written in order when the socket is
 * writable again. Used under the connection's send lock.
 */
final class ReplyQueue {

	/** What became of bytes handed to {@link #write}. */
	enum Outcome {

		/** The socket took them all. */
		WRITTEN,

		/** The socket took part; the rest is the first thing queued: flush it later. */
		BLOCKED,

		/** Queued behind bytes already waiting. */
		QUEUED,

		/** Queuing them would pass the bound: the client does not read its replies. */
		OVERFLOW

	}

	private final Deque<Pending> queued = new ArrayDeque<>();

	private final long maxBytes;

	private final ConnectionStats stats;

	private long bytes;

	/**
	 * @param maxBytes the most bytes that may wait
	 * @param stats the connection's counters, told of every byte and reply written
	 */
	ReplyQueue(long maxBytes, ConnectionStats stats) {
		this.maxBytes = maxBytes;
		this.stats = stats;
	}

	boolean isEmpty() {
		return this.queued.isEmpty();
	}

	/**
	 * @return the bytes waiting
	 */
	long bytes() {
		return this.bytes;
	}

	/**
	 * Writes what the socket takes now and queues the rest behind anything already
	 * queued.
	 * @param channel the connection's socket
	 * @param bytes the bytes
	 * @param endOfMessage whether they end a reply
	 * @param copy whether {@code bytes} is reused after the call, so that a queued rest
	 * must be copied
	 * @return what became of them
	 * @throws IOException when the socket fails
	 */
	Outcome write(WritableByteChannel channel, ByteBuffer bytes, boolean endOfMessage, boolean copy)
			throws IOException {
		if (!this.queued.isEmpty()) {
			return queue(bytes, endOfMessage, copy) ? Outcome.QUEUED : Outcome.OVERFLOW;
		}
		int written = channel.write(bytes);
		if (written > 0) {
			this.stats.sentBytes(written);
		}
		if (!bytes.hasRemaining()) {
			if (endOfMessage) {
				this.stats.messageSent();
			}
			return Outcome.WRITTEN;
		}
		return queue(bytes, endOfMessage, copy) ? Outcome.BLOCKED : Outcome.OVERFLOW;
	}

	/**
	 * Writes queued bytes as far as the socket takes them.
	 * @param channel the connection's socket
	 * @return true when nothing is left queued
	 * @throws IOException when the socket fails
	 */
	boolean flush(WritableByteChannel channel) throws IOException {
		Pending pending;
		while ((pending = this.queued.peek()) != null) {
			int written = channel.write(pending.bytes());
			if (written > 0) {
				this.stats.sentBytes(written);
				this.bytes -= written;
			}
			if (pending.bytes().hasRemaining()) {
				return false;
			}
			this.queued.poll();
			if (pending.endOfMessage()) {
				this.stats.messageSent();
			}
		}
		return true;
	}

	private boolean queue(ByteBuffer bytes, boolean endOfMessage, boolean copy) {
		ByteBuffer kept = copy ? ByteBuffer.allocate(bytes.remaining()).put(bytes).flip() : bytes;
		this.queued.add(new Pending(kept, endOfMessage));
		this.bytes += kept.remaining();
		return this.bytes <= this.maxBytes;
	}

	/** Bytes queued for a client that is not reading, and whether they end a reply. */
	private record Pending(ByteBuffer bytes, boolean endOfMessage) {
	}

}
