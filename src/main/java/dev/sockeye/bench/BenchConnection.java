package dev.sockeye.bench;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import dev.sockeye.tls.NonBlockingTls;

/**
 * The state of one connection, owned by one {@link BenchWorker} thread. Requests are
 * numbered from 0; replies come back in order, so the reply to request {@code received}
 * is the next one to arrive, and its send time is in the worker's ring of send times.
 * Reads and writes go through buffers the worker shares between its connections; a
 * connection holds bytes of its own only in the rare cases where a reply arrives in
 * pieces ({@link #carry}) or the socket does not take a whole write ({@link #overflow}).
 * A TLS connection also has its engine; its overflow holds encrypted bytes.
 */
final class BenchConnection {

	/** Run-wide number, part of every request's tag. */
	final int id;

	/** Where this connection's send times start in the worker's ring array. */
	final int ring;

	final SocketChannel channel;

	SelectionKey key;

	boolean open;

	boolean writeInterest;

	/** True while the connection is in its worker's list of connections to write. */
	boolean pending;

	/** Requests put in flight (a sequence number), written or queued. */
	long sent;

	/** Replies taken (a sequence number). */
	long received;

	/**
	 * Requests counted in {@link #sent} but not yet stamped and written, in the closed
	 * loop.
	 */
	int queued;

	/** The start of a reply that has not fully arrived. */
	byte[] carry;

	int carried;

	/** How many carried bytes are known to hold no terminator. */
	int scanned;

	/** True while the rest of an over-long reply is being thrown away. */
	boolean skipping;

	/** Bytes of an over-long length-header reply still to be thrown away. */
	long skipRemaining;

	/**
	 * Request bytes the socket did not take yet, written when it is writable again; null
	 * until needed.
	 */
	ByteBuffer overflow;

	/** The connection's TLS, null on plain TCP. */
	NonBlockingTls tls;

	/**
	 * Writes this connection's TLS records, keeping a copy of what the socket does not
	 * take; null on plain TCP.
	 */
	NonBlockingTls.Output tlsOutput;

	BenchConnection(int id, int ring, SocketChannel channel) {
		this.id = id;
		this.ring = ring;
		this.channel = channel;
	}

	int outstanding() {
		return (int) (this.sent - this.received);
	}

	boolean overflowing() {
		return this.overflow != null && this.overflow.position() > 0;
	}

}
