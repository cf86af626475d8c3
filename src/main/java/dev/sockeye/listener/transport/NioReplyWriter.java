package dev.sockeye.listener.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.Lock;

import dev.sockeye.listener.connection.ConnectionStats;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.tls.NonBlockingTls;

/**
 * The writing half of a {@link FramedNioConnection}: writes replies without blocking,
 * queues (bounded) what the socket does not take now and lets the {@link WriteFlusher}
 * finish it. Every write, the TLS handshake's included, holds one lock so that records
 * and replies never interleave.
 */
final class NioReplyWriter {

	private final FramedNioConnection connection;

	private final SocketChannel channel;

	private final ListenerWire wire;

	private final ConnectionStats stats;

	private final Lock lock;

	private final ReplyQueue queued;

	private final NonBlockingTls tls;

	/**
	 * Close once everything queued is written: the greeting of a listener that closes
	 * after it. Guarded by the lock.
	 */
	private boolean closeWhenFlushed;

	NioReplyWriter(FramedNioConnection connection, SocketChannel channel, ListenerWire wire, ConnectionStats stats,
			Lock lock, NonBlockingTls tls) {
		this.connection = connection;
		this.channel = channel;
		this.wire = wire;
		this.stats = stats;
		this.lock = lock;
		this.tls = tls;
		this.queued = new ReplyQueue(wire.maxQueuedBytes(), stats);
	}

	SocketChannel channel() {
		return this.channel;
	}

	/**
	 * Writes one framed reply, or queues what the socket does not take.
	 * @param frame the framed reply, not written to after this call
	 */
	void write(byte[] frame) throws IOException {
		this.lock.lock();
		try {
			writeFrame(ByteBuffer.wrap(frame), false);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Writes one framed reply from a buffer that is reused after the call: a rest the
	 * socket does not take is queued as a copy.
	 * @param frame the framed reply, from its position to its limit
	 */
	void write(ByteBuffer frame) throws IOException {
		this.lock.lock();
		try {
			writeFrame(frame, true);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Writes the listener's greeting.
	 * @param greeting the greeting, shared by every connection of the listener
	 * @return whether it was written whole, so a closing greeting may close now
	 */
	boolean writeGreeting(Greeting greeting) throws IOException {
		this.lock.lock();
		try {
			writeFrame(ByteBuffer.wrap(greeting.frame()), false);
			boolean flushed = this.queued.isEmpty();
			this.closeWhenFlushed = greeting.thenClose() && !flushed;
			return flushed;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Encrypts and writes, or writes, one frame; call with the lock.
	 * @param frame the frame, from its position to its limit
	 * @param reused whether its bytes are written to after this call, so that a rest the
	 * socket does not take must be queued as a copy (encrypted records always are)
	 */
	private void writeFrame(ByteBuffer frame, boolean reused) throws IOException {
		if (this.tls != null) {
			this.tls.write(frame, this::writeOrQueueCopy);
		}
		else {
			writeOrQueue(frame, true, reused);
		}
	}

	/**
	 * The TLS output of reads and writes: encrypted records live in a per-thread buffer,
	 * so what is queued is a copy.
	 */
	void writeOrQueueCopy(ByteBuffer records, boolean endOfMessage) throws IOException {
		writeOrQueue(records, endOfMessage, true);
	}

	/**
	 * Writes what the socket takes now and queues the rest behind anything already
	 * queued; call with the lock.
	 */
	private void writeOrQueue(ByteBuffer bytes, boolean endOfMessage, boolean copy) throws IOException {
		switch (this.queued.write(this.channel, bytes, endOfMessage, copy)) {
			case BLOCKED -> {
				this.stats.writeBlocked();
				this.wire.flusher().flushLater(this);
			}
			case OVERFLOW -> {
				this.wire.errors().slowReader(this.stats, this.queued.bytes());
				this.connection.abort();
			}
			default -> {
			}
		}
	}

	/** Best effort, never blocking: the connection is closed right after. */
	void writeBeforeClose(byte[] reply) {
		this.lock.lock();
		try {
			if (!this.queued.isEmpty()) {
				return;
			}
			if (this.tls != null) {
				this.tls.write(ByteBuffer.wrap(reply), (records, end) -> this.channel.write(records));
			}
			else {
				this.channel.write(ByteBuffer.wrap(reply));
			}
		}
		catch (IOException ex) {
			// the client is gone already
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Writes queued replies as far as the socket takes them; called by the
	 * {@link WriteFlusher} when it is writable.
	 * @return true when nothing is left queued (or the connection is closed)
	 */
	boolean flushQueued() {
		boolean closeNow;
		this.lock.lock();
		try {
			if (!this.queued.flush(this.channel)) {
				return false;
			}
			this.stats.writeDrained();
			closeNow = this.closeWhenFlushed;
		}
		catch (IOException ex) {
			this.wire.errors().io(this.stats, ex);
			this.connection.closeAfterWrite(true);
			return true;
		}
		finally {
			this.lock.unlock();
		}
		if (closeNow) {
			this.stats.closing(CloseReason.GREETING);
			this.connection.closeAfterWrite(false);
		}
		return true;
	}

	boolean hasQueued() {
		return !this.queued.isEmpty();
	}

	/**
	 * Says close_notify when nothing is queued before it; never waits for the lock or the
	 * socket.
	 */
	void closeTls() {
		if (!this.lock.tryLock()) {
			return;
		}
		try {
			if (this.queued.isEmpty()) {
				this.tls.close((records, end) -> this.channel.write(records));
			}
		}
		finally {
			this.lock.unlock();
		}
	}

}
