package dev.sockeye.bench;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The state of one connection, owned by one {@link BenchWorker} thread. Requests are numbered from 0; replies come
 * back in order, so the reply to request {@code received} is the next one to arrive and its send time is in the ring
 * {@link #sentAt} at {@code received & mask}.
 */
final class BenchConnection {

	/** Run-wide number, part of every request's tag. */
	final int id;

	final SocketChannel channel;

	/** Bytes read and not yet framed: valid from {@link #parsed} to the position. */
	final ByteBuffer in;

	/** Request bytes not yet written: valid from 0 to the position. */
	final ByteBuffer out;

	/** Send times (System.nanoTime) of outstanding requests, by sequence number. */
	final long[] sentAt;

	final int mask;

	SelectionKey key;

	boolean open;

	boolean writeInterest;

	/** True while the connection is in its worker's list of connections to write. */
	boolean pending;

	/** Where the next frame starts in {@link #in}. */
	int parsed;

	/** How many bytes after {@link #parsed} are known to hold no terminator. */
	int scanned;

	/** True while the rest of an over-long reply is being thrown away. */
	boolean skipping;

	/** Bytes of an over-long length-header reply still to be thrown away. */
	long skipRemaining;

	/** Requests put in {@link #out} (a sequence number). */
	long sent;

	/** Replies taken (a sequence number). */
	long received;

	/** Requests queued since the last stamp, in the closed loop. */
	int queued;

	BenchConnection(int id, SocketChannel channel, int inCapacity, int outCapacity, int ring) {
		this.id = id;
		this.channel = channel;
		this.in = ByteBuffer.allocateDirect(inCapacity);
		this.out = ByteBuffer.allocateDirect(outCapacity);
		this.sentAt = new long[ring];
		this.mask = ring - 1;
	}

	int outstanding() {
		return (int) (this.sent - this.received);
	}

}
