package dev.sockeye.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import dev.sockeye.bench.wire.ReplyStream;
import dev.sockeye.tls.NonBlockingTls;

/**
 * One connection's state, owned by one worker thread, so that nothing is allocated per
 * request.
 */
final class BenchConnection extends ReplyStream {

	/** Run-wide number, part of every request's tag. */
	final int id;

	/** Where this connection's send times start in the worker's ring array. */
	final int ring;

	/** The connection's channel; a new one each time it is reopened. */
	SocketChannel channel;

	/** Capacity of {@link #overflow} when it is first needed. */
	final int overflowCapacity;

	SelectionKey key;

	boolean open;

	boolean writeInterest;

	/** True while the connection is in its worker's list of connections to write. */
	boolean pending;

	/** Requests put in flight (a sequence number), written or queued. */
	long sent;

	/**
	 * Replies taken (a sequence number): replies come in order, so the next one answers
	 * request {@code received}.
	 */
	long received;

	/**
	 * Requests counted in {@link #sent} but not yet stamped and written, in the closed
	 * loop.
	 */
	int queued;

	/**
	 * Request bytes (encrypted with TLS) the socket did not take yet, written when it is
	 * writable again; null until needed.
	 */
	ByteBuffer overflow;

	/**
	 * With {@code --reconnect}: true from a close by the server until the connection is
	 * established again.
	 */
	boolean reopening;

	/** True while a reopen's connect (and TLS handshake) is under way. */
	boolean connectingAgain;

	/** True while the connection is in its connector's list of connections to reopen. */
	boolean listed;

	/**
	 * When the next reopen is due, or while {@link #connectingAgain} when its connect
	 * began (System.nanoTime).
	 */
	long reopenAt;

	/** Reopens in a row that failed or got no reply, for the back-off. */
	int reopenFailures;

	/**
	 * Requests below this sequence number were resent once already: outstanding at
	 * another close, they are lost.
	 */
	long resentUpTo;

	/** {@link #received} when the connection was last established. */
	long receivedAtOpen;

	/** The connection's TLS, null on plain TCP. */
	NonBlockingTls tls;

	/**
	 * Writes this connection's TLS records with {@link #writeRecords}; null on plain TCP.
	 */
	NonBlockingTls.Output tlsOutput;

	BenchConnection(int id, int ring, SocketChannel channel, int overflowCapacity) {
		this.id = id;
		this.ring = ring;
		this.channel = channel;
		this.overflowCapacity = overflowCapacity;
	}

	int outstanding() {
		return (int) (this.sent - this.received);
	}

	boolean overflowing() {
		return this.overflow != null && this.overflow.position() > 0;
	}

	/**
	 * Closed loop: one more request, to be stamped and written after the current read.
	 */
	void queue() {
		this.sent++;
		this.queued++;
	}

	/**
	 * Writes TLS records (a handshake's or requests') behind any the socket has not taken
	 * yet; keeps a copy of what it does not take now, as the records' buffer is reused.
	 */
	void writeRecords(ByteBuffer records) throws IOException {
		if (!overflowing()) {
			this.channel.write(records);
			if (!records.hasRemaining()) {
				return;
			}
		}
		ByteBuffer overflow = this.overflow;
		if (overflow == null || overflow.remaining() < records.remaining()) {
			int kept = (overflow != null) ? overflow.position() : 0;
			int capacity = (overflow != null) ? overflow.capacity() * 2 : this.overflowCapacity;
			ByteBuffer grown = ByteBuffer.allocate(Math.max(capacity, kept + records.remaining()));
			if (overflow != null) {
				grown.put(overflow.flip());
			}
			this.overflow = grown;
		}
		this.overflow.put(records);
		interest(true);
	}

	/** Asks the selector for writability too, or no longer. */
	void interest(boolean write) {
		if (this.writeInterest != write) {
			this.writeInterest = write;
			this.key.interestOps(write ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
		}
	}

}
