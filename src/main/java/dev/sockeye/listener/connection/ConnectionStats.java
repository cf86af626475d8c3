package dev.sockeye.listener.connection;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

import dev.sockeye.listener.ConnectionInfo;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.ListenerMetrics;

/**
 * One connection's counters, kept in step with its listener's meters: every byte and
 * message is counted once, here and in the listener total. Reads are counted by the one
 * thread that reads the connection and writes under the connection's send lock, so plain
 * volatile fields suffice.
 */
public final class ConnectionStats implements ConnectionInfo {

	private final ConnectionHandle connection;

	private final ListenerMetrics metrics;

	private final InstantSource clock;

	private final int segment;

	private final Instant opened;

	private final long openedMillis;

	private final long openedTick;

	private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();

	private volatile long bytesReceived;

	private volatile long bytesSent;

	private volatile long messagesReceived;

	private volatile long messagesSent;

	private volatile long lastActivityMillis;

	private volatile long partialSinceMillis;

	private volatile long writeBlockedSinceMillis;

	private volatile long handshakeSinceMillis;

	private volatile boolean busy;

	/** A PROXY protocol header is awaited: a handshake deadline that runs out is its. */
	private volatile boolean awaitingProxyHeader;

	/** The address the per-client cap counts it under; null until its client is known. */
	private volatile String admittedAs;

	/**
	 * Whether the {@link TimeoutSweeper} has it in its queue of connections due soon;
	 * only its thread uses it.
	 */
	private boolean due;

	ConnectionStats(ConnectionHandle connection, ListenerMetrics metrics, InstantSource clock, long openedTick,
			int segment) {
		this.connection = connection;
		this.metrics = metrics;
		this.clock = clock;
		this.segment = segment;
		this.opened = clock.instant();
		this.openedMillis = this.opened.toEpochMilli();
		this.lastActivityMillis = this.openedMillis;
		this.openedTick = openedTick;
	}

	/**
	 * @return which of its listener's segments it is kept in
	 */
	int segment() {
		return this.segment;
	}

	boolean isDue() {
		return this.due;
	}

	void due(boolean due) {
		this.due = due;
	}

	/**
	 * @param bytes bytes read from the client, framing included
	 */
	public void received(int bytes) {
		this.bytesReceived += bytes;
		this.lastActivityMillis = this.clock.millis();
		this.metrics.received(bytes);
	}

	public void messageReceived() {
		this.messagesReceived++;
		this.metrics.messageReceived();
	}

	public void sent(int bytes) {
		sentBytes(bytes);
		messageSent();
	}

	/** Bytes of a reply that reached the socket (a reply may take several writes). */
	public void sentBytes(int bytes) {
		this.bytesSent += bytes;
		this.lastActivityMillis = this.clock.millis();
		this.metrics.sent(bytes);
	}

	/** A whole reply reached the socket. */
	public void messageSent() {
		this.messagesSent++;
		this.metrics.messageSent();
	}

	/**
	 * Records after a read whether a frame is left incomplete, for the message timeout.
	 * @param pending whether unframed bytes remain
	 * @param completedAny whether the read completed at least one frame (so any remainder
	 * is a new frame)
	 */
	public void partialFrame(boolean pending, boolean completedAny) {
		if (!pending) {
			this.partialSinceMillis = 0;
		}
		else if (completedAny || this.partialSinceMillis == 0) {
			this.partialSinceMillis = this.clock.millis();
		}
	}

	/**
	 * @return when the incomplete frame's first bytes arrived, or 0 when there is none
	 */
	long partialSinceMillis() {
		return this.partialSinceMillis;
	}

	/** A reply could not be written at once: the client is not reading fast enough. */
	public void writeBlocked() {
		if (this.writeBlockedSinceMillis == 0) {
			this.writeBlockedSinceMillis = this.clock.millis();
		}
	}

	/** Everything queued has been written. */
	public void writeDrained() {
		this.writeBlockedSinceMillis = 0;
	}

	/**
	 * @return since when replies have waited for the client to read, or 0
	 */
	long writeBlockedSinceMillis() {
		return this.writeBlockedSinceMillis;
	}

	/**
	 * The connection speaks TLS: its handshake must finish within the handshake timeout.
	 */
	public void handshakeStarted() {
		this.handshakeSinceMillis = this.openedMillis;
	}

	/**
	 * The connection comes through a balancer: its PROXY protocol header must arrive
	 * within the handshake timeout.
	 */
	public void proxyHeaderAwaited() {
		this.awaitingProxyHeader = true;
		this.handshakeSinceMillis = this.openedMillis;
	}

	/**
	 * The PROXY protocol header has arrived.
	 * @param tlsFollows whether a TLS handshake follows, under the same deadline
	 */
	public void proxyHeaderRead(boolean tlsFollows) {
		this.awaitingProxyHeader = false;
		if (!tlsFollows) {
			this.handshakeSinceMillis = 0;
		}
	}

	/**
	 * @return whether its PROXY protocol header is still awaited
	 */
	public boolean awaitsProxyHeader() {
		return this.awaitingProxyHeader;
	}

	void admittedAs(String address) {
		this.admittedAs = address;
	}

	String admittedAs() {
		return this.admittedAs;
	}

	/** The TLS handshake finished. */
	public void handshakeFinished() {
		this.handshakeSinceMillis = 0;
	}

	/**
	 * @return since when the TLS handshake has been under way, or 0 when there is none
	 */
	public long handshakeSinceMillis() {
		return this.handshakeSinceMillis;
	}

	/**
	 * @param busy whether a request read from this connection is being handled and its
	 * reply not yet written
	 */
	public void busy(boolean busy) {
		this.busy = busy;
	}

	/**
	 * @return true when the connection can be closed without losing anything the server
	 * has read: no request in hand, no partial frame buffered, no reply waiting to be
	 * written
	 */
	boolean isAtFrameBoundary() {
		return !this.busy && this.partialSinceMillis == 0 && this.writeBlockedSinceMillis == 0;
	}

	long lastActivityMillis() {
		return this.lastActivityMillis;
	}

	/**
	 * Records why the connection is about to close; the first reason given wins.
	 * @param reason the reason
	 */
	public void closing(CloseReason reason) {
		this.closeReason.compareAndSet(null, reason);
	}

	/**
	 * @return the reason recorded, or {@code otherwise} when none was
	 */
	public CloseReason closeReason(CloseReason otherwise) {
		CloseReason reason = this.closeReason.get();
		return (reason != null) ? reason : otherwise;
	}

	/**
	 * @return the monotonic tick it opened at, in nanoseconds: its lifetime is measured
	 * from it, immune to wall-clock steps
	 */
	long openedTick() {
		return this.openedTick;
	}

	ConnectionHandle connection() {
		return this.connection;
	}

	@Override
	public String id() {
		return this.connection.getConnectionId();
	}

	@Override
	public String remoteAddress() {
		return this.connection.getHostAddress();
	}

	@Override
	public int remotePort() {
		return this.connection.getPort();
	}

	@Override
	public Instant openedAt() {
		return this.opened;
	}

	@Override
	public long bytesReceived() {
		return this.bytesReceived;
	}

	@Override
	public long bytesSent() {
		return this.bytesSent;
	}

	@Override
	public long messagesReceived() {
		return this.messagesReceived;
	}

	@Override
	public long messagesSent() {
		return this.messagesSent;
	}

	@Override
	public Instant lastActivity() {
		return Instant.ofEpochMilli(this.lastActivityMillis);
	}

}
