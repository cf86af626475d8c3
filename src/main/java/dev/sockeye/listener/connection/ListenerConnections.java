package dev.sockeye.listener.connection;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import dev.sockeye.listener.ConnectionInfo;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.ListenerMetrics;

/**
 * The open connections of one listener: registered when accepted, removed (and counted
 * with their close reason and duration) exactly once when closed, and closable by id.
 * They are kept in {@value #SEGMENTS} segments, taken in turn as connections open, so
 * that the {@link TimeoutSweeper} can walk a fifth of them at a time.
 */
public final class ListenerConnections {

	/** How many segments the open connections are kept in. */
	public static final int SEGMENTS = 5;

	private final ListenerMetrics metrics;

	private final CloseReason defaultCloseReason;

	private final List<Map<String, ConnectionStats>> segments = Stream
		.<Map<String, ConnectionStats>>generate(ConcurrentHashMap::new)
		.limit(SEGMENTS)
		.toList();

	private final AtomicInteger opens = new AtomicInteger();

	private final InstantSource clock;

	private final LongSupplier ticker;

	private volatile Admission admission;

	private volatile ConnectionLog log;

	/**
	 * @param metrics the listener's meters
	 * @param defaultCloseReason the reason of a close that nobody explained: the
	 * client's, or the reply's on listeners that close after each reply
	 */
	public ListenerConnections(ListenerMetrics metrics, CloseReason defaultCloseReason) {
		this(metrics, defaultCloseReason, InstantSource.system(), System::nanoTime);
	}

	/**
	 * @param metrics the listener's meters
	 * @param defaultCloseReason the reason of a close that nobody explained
	 * @param clock what the connections' timestamps and deadlines are read from
	 * @param ticker monotonic nanoseconds, what connection lifetimes are measured in
	 */
	ListenerConnections(ListenerMetrics metrics, CloseReason defaultCloseReason, InstantSource clock,
			LongSupplier ticker) {
		this.metrics = metrics;
		this.defaultCloseReason = defaultCloseReason;
		this.clock = clock;
		this.ticker = ticker;
	}

	/**
	 * @param admission the listener's admission control, told when a connection it
	 * admitted closes
	 */
	public void admission(Admission admission) {
		this.admission = admission;
	}

	/**
	 * @param log where each closed connection gets its line, or null for none
	 */
	public void connectionLog(ConnectionLog log) {
		this.log = log;
	}

	public ListenerMetrics metrics() {
		return this.metrics;
	}

	/**
	 * @param connection a connection just accepted
	 * @return its counters, kept until it closes
	 */
	public ConnectionStats opened(ConnectionHandle connection) {
		int segment = Math.floorMod(this.opens.getAndIncrement(), SEGMENTS);
		ConnectionStats stats = new ConnectionStats(connection, this.metrics, this.clock, this.ticker.getAsLong(),
				segment);
		Admission current = this.admission;
		if (current == null || !current.awaitsProxyHeader()) {
			stats.admittedAs(connection.getHostAddress());
		}
		this.segments.get(segment).put(connection.getConnectionId(), stats);
		this.metrics.opened();
		return stats;
	}

	/**
	 * @param stats the counters of a connection that has closed; counted once
	 * @return true the first time, when it was counted: its factory has to drop it
	 */
	public boolean closed(ConnectionStats stats) {
		if (this.segments.get(stats.segment()).remove(stats.id(), stats)) {
			Admission current = this.admission;
			if (current != null) {
				current.release(stats.admittedAs());
			}
			CloseReason reason = stats.closeReason(this.defaultCloseReason);
			long duration = this.ticker.getAsLong() - stats.openedTick();
			this.metrics.closed(reason, duration);
			ConnectionLog lines = this.log;
			if (lines != null) {
				lines.closed(stats, reason, duration);
			}
			return true;
		}
		return false;
	}

	public long messagesReceived() {
		return this.metrics.messagesReceivedTotal();
	}

	public long messagesSent() {
		return this.metrics.messagesSentTotal();
	}

	public int count() {
		int count = 0;
		for (Map<String, ConnectionStats> segment : this.segments) {
			count += segment.size();
		}
		return count;
	}

	public Collection<ConnectionInfo> list() {
		return new ArrayList<>(all());
	}

	/**
	 * @param segment from 0 to {@code SEGMENTS - 1}
	 * @return the open connections of one segment as a live view, for walks that run
	 * often: no copy, and a connection that opens or closes during the walk may or may
	 * not be seen
	 */
	Collection<ConnectionStats> live(int segment) {
		return Collections.unmodifiableCollection(this.segments.get(segment).values());
	}

	private List<ConnectionStats> all() {
		List<ConnectionStats> all = new ArrayList<>();
		this.segments.forEach((segment) -> all.addAll(segment.values()));
		return all;
	}

	/**
	 * @param id a connection id
	 * @param reason why it is closed
	 * @return true if it was open
	 */
	public boolean close(String id, CloseReason reason) {
		ConnectionStats stats = null;
		for (int i = 0; i < SEGMENTS && stats == null; i++) {
			stats = this.segments.get(i).get(id);
		}
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
	public int closeIdle() {
		for (ConnectionStats stats : all()) {
			if (stats.isAtFrameBoundary()) {
				stats.closing(CloseReason.SHUTDOWN);
				stats.connection().close();
			}
		}
		return count();
	}

	/**
	 * Records a reason for every open connection, before something else closes them all
	 * (a stopping factory).
	 */
	public void markClosing(CloseReason reason) {
		this.segments.forEach((segment) -> segment.values().forEach((stats) -> stats.closing(reason)));
	}

}
