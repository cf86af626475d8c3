package dev.sockeye.listener.transport;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;

import dev.sockeye.listener.connection.ConnectionStats;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.service.AsyncServiceHandler;
import dev.sockeye.service.FixedHeaders;
import dev.sockeye.service.Peer;

import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.GenericMessage;

/**
 * The requests of one NIO connection on their way to an asynchronous service, so that no
 * thread waits for a reply and replies still go out in request order: one request at a
 * time is with the service, the frames the client sent meanwhile wait here, and each is
 * handed over when the previous reply is written, by the thread that completed it. The
 * wait is bounded: once {@link #MAX_WAITING} frames wait, the connection stops reading
 * (what one read brought is still decoded, so at most one read's frames more), and reads
 * again when half of them are handed over.
 */
final class ServicePipeline implements AsyncServiceHandler.Outcome {

	/** The most frames that wait before the connection stops reading. */
	static final int MAX_WAITING = 32;

	private final FramedNioConnection connection;

	private final ConnectionStats stats;

	private final ListenerWire wire;

	private final Settings settings;

	private final ArrayDeque<byte[]> waiting = new ArrayDeque<>();

	private final SelectionKey key;

	/** Written by the I/O thread before the lock that hands it to other threads. */
	private Peer peer;

	/** A request is with the service. Guarded by this, as every field below. */
	private boolean inFlight;

	/** A thread is handing frames over: others leave it to that one. */
	private boolean pumping;

	/** Reading is paused: too many frames wait, or the client has ended its input. */
	private boolean paused;

	/**
	 * Closes the connection once everything read is answered: the client ended its input.
	 */
	private Runnable closeWhenIdle;

	/**
	 * @return the pipeline of a connection of a listener with an asynchronous service, or
	 * null
	 */
	static ServicePipeline of(FramedNioConnection connection, SelectionKey key, ConnectionStats stats,
			ListenerWire wire) {
		return (wire.asyncService() != null) ? new ServicePipeline(connection, key, stats, wire) : null;
	}

	private ServicePipeline(FramedNioConnection connection, SelectionKey key, ConnectionStats stats,
			ListenerWire wire) {
		this.connection = connection;
		this.key = key;
		this.stats = stats;
		this.wire = wire;
		this.settings = wire.asyncService();
	}

	/**
	 * Takes one decoded frame; on the I/O thread.
	 * @param frame the request
	 */
	void offer(byte[] frame) {
		if (this.peer == null) {
			this.peer = new Peer(this.settings.handler().listener(), this.connection.getConnectionId(),
					this.connection.getHostAddress(), this.connection.getPort());
		}
		synchronized (this) {
			this.waiting.add(frame);
			if (this.pumping || this.inFlight) {
				return;
			}
			this.pumping = true;
		}
		pump();
	}

	/**
	 * After a read is decoded, on the I/O thread: stops reading while too much waits, and
	 * marks the connection busy while a request is not answered.
	 */
	synchronized void afterRead() {
		if (!this.paused && this.waiting.size() >= MAX_WAITING) {
			this.paused = true;
			readInterest(false);
		}
		this.stats.busy(isBusy());
	}

	/**
	 * The client ended its input; on the I/O thread.
	 * @return true when requests are still to be answered: the connection closes once
	 * they are, and reading stops meanwhile
	 */
	synchronized boolean closeWhenAnswered() {
		if (!isBusy()) {
			return false;
		}
		this.closeWhenIdle = () -> {
			this.stats.closing(CloseReason.CLIENT);
			this.connection.close();
		};
		this.paused = true;
		readInterest(false);
		return true;
	}

	/** Stops or resumes reading; from any thread, with the lock. */
	private void readInterest(boolean on) {
		try {
			this.key.interestOps(on ? SelectionKey.OP_READ : 0);
			if (on) {
				// a select in progress would not see the change
				this.key.selector().wakeup();
			}
		}
		catch (CancelledKeyException ex) {
			// closed meanwhile
		}
	}

	private boolean isBusy() {
		return this.inFlight || !this.waiting.isEmpty();
	}

	/**
	 * Hands frames to the service one at a time, as long as each is answered at once; a
	 * reply that comes later calls it again. Looping here rather than recursing from the
	 * reply keeps the stack flat however many replies complete at once.
	 */
	private void pump() {
		while (true) {
			byte[] next;
			Runnable close = null;
			synchronized (this) {
				next = this.inFlight ? null : this.waiting.poll();
				if (next == null) {
					this.pumping = false;
					if (!isBusy()) {
						this.stats.busy(false);
						close = this.closeWhenIdle;
						this.closeWhenIdle = null;
					}
				}
				else {
					this.inFlight = true;
					this.stats.busy(true);
					if (this.paused && this.closeWhenIdle == null && this.waiting.size() <= MAX_WAITING / 2) {
						this.paused = false;
						readInterest(true);
					}
				}
			}
			if (next == null) {
				if (close != null) {
					close.run();
				}
				return;
			}
			if (!this.connection.isOpen()) {
				dropAll();
				return;
			}
			this.settings.handler().handle(next, this.peer, this);
		}
	}

	private void dropAll() {
		synchronized (this) {
			this.waiting.clear();
			this.inFlight = false;
			this.pumping = false;
			this.closeWhenIdle = null;
			this.stats.busy(false);
		}
	}

	@Override
	public void reply(byte[] reply) {
		if (reply != null && this.connection.isOpen()) {
			try {
				this.connection.send(new GenericMessage<>(reply, FixedHeaders.NONE));
			}
			catch (MessagingException ex) {
				// reported, and the connection closed, where it failed
			}
		}
		if (this.settings.closeAfterReply()) {
			this.connection.close();
		}
		answered();
	}

	@Override
	public void close() {
		this.wire.connections().close(this.connection.getConnectionId(), CloseReason.ERROR);
		answered();
	}

	private void answered() {
		synchronized (this) {
			this.inFlight = false;
			if (this.pumping) {
				// the thread that handed this request over takes the next
				return;
			}
			this.pumping = true;
		}
		pump();
	}

	/**
	 * An {@code nio} listener's asynchronous service.
	 *
	 * @param handler calls the service
	 * @param closeAfterReply whether each connection closes after its first reply
	 */
	record Settings(AsyncServiceHandler handler, boolean closeAfterReply) {
	}

}
