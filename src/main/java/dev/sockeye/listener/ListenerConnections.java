package dev.sockeye.listener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.ListenerMetrics;

import org.springframework.integration.ip.tcp.connection.TcpConnection;

/**
 * The open connections of one listener: registered when accepted, removed (and counted with their close reason and
 * duration) exactly once when closed, and closable by id.
 */
final class ListenerConnections {

	private final ListenerMetrics metrics;

	private final CloseReason defaultCloseReason;

	private final Map<String, ConnectionStats> open = new ConcurrentHashMap<>();

	private final AtomicLong closes = new AtomicLong();

	private volatile Admission admission;

	/**
	 * @param metrics the listener's meters
	 * @param defaultCloseReason the reason of a close that nobody explained: the client's, or the reply's on listeners
	 * that close after each reply
	 */
	ListenerConnections(ListenerMetrics metrics, CloseReason defaultCloseReason) {
		this.metrics = metrics;
		this.defaultCloseReason = defaultCloseReason;
	}

	/** @param admission the listener's admission control, told when a connection it admitted closes */
	void admission(Admission admission) {
		this.admission = admission;
	}

	ListenerMetrics metrics() {
		return this.metrics;
	}

	ConnectionStats opened(TcpConnection connection) {
		ConnectionStats stats = new ConnectionStats(connection, this.metrics);
		this.open.put(connection.getConnectionId(), stats);
		this.metrics.opened();
		return stats;
	}

	void closed(ConnectionStats stats) {
		if (this.open.remove(stats.id(), stats)) {
			Admission current = this.admission;
			if (current != null) {
				current.release(stats.remoteAddress());
			}
			this.metrics.closed(stats.closeReason(this.defaultCloseReason), stats.openNanos());
			this.closes.incrementAndGet();
		}
	}

	/** @return how many connections have closed so far; it changes only after a closed connection reports closed */
	long closes() {
		return this.closes.get();
	}

	long messagesReceived() {
		return this.metrics.messagesReceivedTotal();
	}

	long messagesSent() {
		return this.metrics.messagesSentTotal();
	}

	int count() {
		return this.open.size();
	}

	Collection<ConnectionInfo> list() {
		return new ArrayList<>(this.open.values());
	}

	/**
	 * @return the open connections as a live view, for walks that run often: no copy, and a connection that opens
	 * or closes during the walk may or may not be seen
	 */
	Collection<ConnectionStats> live() {
		return Collections.unmodifiableCollection(this.open.values());
	}

	/**
	 * @param id a connection id
	 * @param reason why it is closed
	 * @return true if it was open
	 */
	boolean close(String id, CloseReason reason) {
		ConnectionStats stats = this.open.get(id);
		if (stats == null) {
			return false;
		}
		stats.closing(reason);
		stats.connection().close();
		return true;
	}

	/**
	 * Closes every connection that is at a frame boundary, with reason {@code shutdown}.
	 * @return how many connections are still open (busy)
	 */
	int closeIdle() {
		for (ConnectionStats stats : new ArrayList<>(this.open.values())) {
			if (stats.isAtFrameBoundary()) {
				stats.closing(CloseReason.SHUTDOWN);
				stats.connection().close();
			}
		}
		return this.open.size();
	}

	/** Records a reason for every open connection, before something else closes them all (a stopping factory). */
	void markClosing(CloseReason reason) {
		this.open.values().forEach((stats) -> stats.closing(reason));
	}

}
