package dev.sockeye.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.Lock;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * Drives an {@link SSLEngine} over a non-blocking channel for one connection. Reads
 * decrypt into a per-thread buffer and hand the plain bytes on; only a TLS record split
 * across reads is kept by the connection, so an idle TLS connection holds no buffers.
 * Writes encrypt into a per-thread buffer and give the records to an {@link Output} that
 * writes them or queues a copy. The handshake runs within reads: its tasks on the reading
 * thread, its records through the same output, under the connection's write lock so that
 * they never interleave with replies.
 */
public final class NonBlockingTls {

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

	private final SSLEngine engine;

	private final Lock writeLock;

	private final Runnable handshakeFinished;

	private ByteBuffer pendingInput;

	private boolean handshaking = true;

	/**
	 * @param engine the connection's engine, its handshake begun
	 * @param writeLock the lock that the connection holds while it writes
	 * @param handshakeFinished told once, when the first handshake completes
	 */
	public NonBlockingTls(SSLEngine engine, Lock writeLock, Runnable handshakeFinished) {
		this.engine = engine;
		this.writeLock = writeLock;
		this.handshakeFinished = handshakeFinished;
	}

	/**
	 * @return whether the first handshake is still under way
	 */
	public boolean isHandshaking() {
		return this.handshaking;
	}

	/**
	 * @return whether part of a TLS record has arrived and waits for the rest (a frame in
	 * the making, for timeouts)
	 */
	public boolean hasPartialRecord() {
		return this.pendingInput != null;
	}

	/**
	 * Gives back bytes that were read from the channel before TLS began (those that came
	 * with a PROXY protocol header): the next {@link #read} takes them first.
	 * @param early the bytes, at most a TLS record's worth
	 */
	public void unread(ByteBuffer early) {
		if (early.hasRemaining()) {
			this.pendingInput = ByteBuffer.allocate(early.remaining()).put(early).flip();
		}
	}

	/**
	 * @return the engine
	 */
	public SSLEngine engine() {
		return this.engine;
	}

	/**
	 * Reads what the channel has, answers the handshake, and passes decrypted bytes to
	 * {@code plain}.
	 * @param channel the channel
	 * @param plain takes decrypted bytes; it must consume them all
	 * @param output writes handshake records
	 * @return the bytes read from the channel, or -1 at the end of the stream or when the
	 * peer closed TLS
	 * @throws IOException when reading fails, the peer's TLS is broken, or {@code plain}
	 * throws
	 */
	public int read(SocketChannel channel, PlainInput plain, Output output) throws IOException {
		Scratch scratch = SCRATCH.get();
		ByteBuffer net = scratch.network(this.engine.getSession().getPacketBufferSize());
		if (this.pendingInput != null) {
			net.put(this.pendingInput);
			this.pendingInput = null;
		}
		int read = channel.read(net);
		net.flip();
		boolean closed = false;
		try {
			closed = unwrapAll(net, scratch, plain, output);
		}
		catch (SSLException ex) {
			sendAlert(output);
			throw ex;
		}
		finally {
			if (net.hasRemaining()) {
				this.pendingInput = ByteBuffer.allocate(net.remaining()).put(net).flip();
			}
		}
		return (closed || read < 0) ? -1 : read;
	}

	private boolean unwrapAll(ByteBuffer net, Scratch scratch, PlainInput plain, Output output) throws IOException {
		int size = this.engine.getSession().getApplicationBufferSize();
		while (net.hasRemaining()) {
			ByteBuffer decrypted = scratch.application(size);
			SSLEngineResult result = this.engine.unwrap(net, decrypted);
			decrypted.flip();
			if (decrypted.hasRemaining()) {
				plain.accept(decrypted);
			}
			handshake(result.getHandshakeStatus(), output);
			switch (result.getStatus()) {
				case CLOSED:
					return true;
				case BUFFER_UNDERFLOW:
					return false;
				case BUFFER_OVERFLOW:
					// the session allows larger records than it said: the next round gets
					// a larger buffer
					size = Math.max(decrypted.capacity(), size) * 2;
					continue;
				default:
					if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
						return false;
					}
			}
		}
		return false;
	}

	/**
	 * Sends what the engine has to say first: a client's hello. A server's engine waits
	 * for the client's.
	 * @param output writes handshake records
	 * @throws IOException when writing fails
	 */
	public void start(Output output) throws IOException {
		handshake(this.engine.getHandshakeStatus(), output);
	}

	/**
	 * Encrypts {@code plain} and gives the records to {@code output}; call with the write
	 * lock held.
	 * @param plain the bytes to send, consumed
	 * @param output writes or queues the records; told which one ends {@code plain}
	 * @throws IOException when the engine is closed or writing fails
	 */
	public void write(ByteBuffer plain, Output output) throws IOException {
		Scratch scratch = SCRATCH.get();
		int size = this.engine.getSession().getPacketBufferSize();
		do {
			ByteBuffer net = scratch.outbound(size);
			SSLEngineResult result = this.engine.wrap(plain, net);
			net.flip();
			if (result.getStatus() == Status.CLOSED) {
				throw new SSLException("TLS is closed");
			}
			if (result.getStatus() == Status.BUFFER_OVERFLOW) {
				size = Math.max(net.capacity(), size) * 2;
			}
			else if (net.hasRemaining()) {
				output.write(net, !plain.hasRemaining());
			}
			else if (result.bytesConsumed() == 0) {
				throw new SSLException("TLS engine made no progress (" + result + ")");
			}
		}
		while (plain.hasRemaining());
	}

	/**
	 * Sends close_notify, best effort; call with the write lock held and nothing queued.
	 * @param output writes the record
	 */
	public void close(Output output) {
		this.engine.closeOutbound();
		sendAlert(output);
	}

	private void handshake(HandshakeStatus status, Output output) throws IOException {
		HandshakeStatus current = status;
		while (true) {
			switch (current) {
				case NEED_TASK -> {
					Runnable task;
					while ((task = this.engine.getDelegatedTask()) != null) {
						task.run();
					}
					current = this.engine.getHandshakeStatus();
				}
				case NEED_WRAP -> current = wrapHandshake(output);
				case FINISHED -> {
					finished();
					// a TLS 1.3 server may have session tickets to send now
					current = this.engine.getHandshakeStatus();
					if (current == HandshakeStatus.FINISHED) {
						return;
					}
				}
				case NOT_HANDSHAKING -> {
					finished();
					return;
				}
				default -> {
					return;
				}
			}
		}
	}

	private void finished() {
		if (this.handshaking) {
			this.handshaking = false;
			this.handshakeFinished.run();
		}
	}

	private HandshakeStatus wrapHandshake(Output output) throws IOException {
		this.writeLock.lock();
		try {
			ByteBuffer net = SCRATCH.get().outbound(this.engine.getSession().getPacketBufferSize());
			SSLEngineResult result = this.engine.wrap(EMPTY, net);
			net.flip();
			if (net.hasRemaining()) {
				output.write(net, false);
			}
			if (result.getStatus() == Status.CLOSED && !net.hasRemaining()
					&& result.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
				throw new SSLException("TLS closed during the handshake");
			}
			return result.getHandshakeStatus();
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/**
	 * Writes what the engine has to say after a failure or a close (an alert,
	 * close_notify), best effort.
	 */
	private void sendAlert(Output output) {
		this.writeLock.lock();
		try {
			ByteBuffer net = SCRATCH.get().outbound(this.engine.getSession().getPacketBufferSize());
			this.engine.wrap(EMPTY, net);
			net.flip();
			if (net.hasRemaining()) {
				output.write(net, false);
			}
		}
		catch (IOException | RuntimeException ex) {
			// the connection is being closed: the alert is a courtesy
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/** Takes decrypted bytes. */
	@FunctionalInterface
	public interface PlainInput {

		/**
		 * @param plain decrypted bytes, to be consumed entirely
		 * @throws IOException to stop reading (e.g. the bytes break the framing)
		 */
		void accept(ByteBuffer plain) throws IOException;

	}

	/** Writes TLS records. */
	@FunctionalInterface
	public interface Output {

		/**
		 * @param records encrypted bytes in a buffer that is reused after the call: what
		 * cannot be written now must be copied
		 * @param endOfMessage whether these bytes end a message given to {@link #write}
		 * @throws IOException when writing fails
		 */
		void write(ByteBuffer records, boolean endOfMessage) throws IOException;

	}

	/** One thread's buffers, cleared for each use, grown when a session asks for more. */
	private static final class Scratch {

		private ByteBuffer network = ByteBuffer.allocate(0);

		private ByteBuffer application = ByteBuffer.allocate(0);

		private ByteBuffer outbound = ByteBuffer.allocate(0);

		ByteBuffer network(int size) {
			this.network = fit(this.network, size);
			return this.network;
		}

		ByteBuffer application(int size) {
			this.application = fit(this.application, size);
			return this.application;
		}

		ByteBuffer outbound(int size) {
			this.outbound = fit(this.outbound, size);
			return this.outbound;
		}

		private static ByteBuffer fit(ByteBuffer buffer, int size) {
			ByteBuffer fitted = (buffer.capacity() >= size) ? buffer : ByteBuffer.allocate(size);
			fitted.clear();
			return fitted;
		}

	}

}
