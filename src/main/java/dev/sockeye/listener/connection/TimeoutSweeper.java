package dev.sockeye.listener.connection;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.sockeye.listener.config.ListenerProperties;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.ErrorType;
import dev.sockeye.metrics.ListenerMetrics;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Enforces a listener's timeouts on every open connection: a frame must be complete
 * within {@code message-timeout} of its first byte (the slowloris defence), replies must
 * not wait for the client for longer than {@code write-timeout}, a TLS handshake must
 * finish within {@code handshake-timeout}, and a connection with no traffic either way
 * for {@code idle-timeout} is closed. Each closes with its own reason; closes are logged
 * as one summary line per listener at most every ten seconds.
 * <p>
 * Each tick walks one of the listener's segments (see {@link ListenerConnections}), so a
 * listener with many connections is never walked whole in one go; connections due before
 * their segment's next turn wait in a queue by deadline and are closed one by one as they
 * expire, to the millisecond. Why this shape: docs/architecture.md, "Timeouts".
 */
public final class TimeoutSweeper implements Runnable {

	private static final Log logger = LogFactory.getLog(TimeoutSweeper.class);

	private static final long LOG_INTERVAL_MILLIS = 10_000;

	private static final int SEGMENTS = ListenerConnections.SEGMENTS;

	/**
	 * Ticks per shortest timeout; each connection is looked at every {@code SEGMENTS}
	 * ticks.
	 */
	private static final int TICKS_PER_SHORTEST_TIMEOUT = 50;

	private final String listener;

	private final ListenerConnections connections;

	private final ListenerMetrics metrics;

	private final long messageTimeout;

	private final long writeTimeout;

	private final long idleTimeout;

	private final long handshakeTimeout;

	private final InstantSource clock;

	private final AtomicLong closedSinceLog = new AtomicLong();

	/**
	 * Connections that may expire before their segment's next turn, soonest first; only
	 * the sweeper's thread uses it.
	 */
	private final PriorityQueue<Due> due = new PriorityQueue<>(Comparator.comparingLong(Due::deadline));

	private long tickMillis;

	private int segment;

	private long nextTick;

	private long nextLog;

	private ScheduledExecutorService scheduler;

	private ScheduledFuture<?> task;

	private boolean stopped;

	/**
	 * @param listener the listener's name
	 * @param properties its settings
	 * @param connections its open connections
	 */
	public TimeoutSweeper(String listener, ListenerProperties properties, ListenerConnections connections) {
		this(listener, connections, properties.messageTimeout(), properties.writeTimeout(), properties.idleTimeout(),
				(properties.tls().enabled() || properties.proxied()) ? properties.handshakeTimeout() : Duration.ZERO,
				InstantSource.system());
	}

	TimeoutSweeper(String listener, ListenerConnections connections, Duration messageTimeout, Duration writeTimeout,
			Duration idleTimeout, Duration handshakeTimeout, InstantSource clock) {
		this.listener = listener;
		this.clock = clock;
		this.connections = connections;
		this.metrics = connections.metrics();
		this.messageTimeout = messageTimeout.toMillis();
		this.writeTimeout = writeTimeout.toMillis();
		this.idleTimeout = idleTimeout.toMillis();
		this.handshakeTimeout = handshakeTimeout.toMillis();
	}

	/**
	 * Starts sweeping, unless every timeout is off.
	 * @param scheduler the thread the sweeps run on
	 */
	public synchronized void start(ScheduledExecutorService scheduler) {
		long shortest = shortestTimeout();
		if (shortest == Long.MAX_VALUE) {
			return;
		}
		this.scheduler = scheduler;
		this.tickMillis = tickMillis(shortest);
		this.nextTick = this.clock.millis() + this.tickMillis;
		this.task = scheduler.schedule(this, this.tickMillis, TimeUnit.MILLISECONDS);
	}

	private long shortestTimeout() {
		long shortest = Long.MAX_VALUE;
		for (long timeout : new long[] { this.messageTimeout, this.writeTimeout, this.idleTimeout,
				this.handshakeTimeout }) {
			if (timeout > 0) {
				shortest = Math.min(shortest, timeout);
			}
		}
		return shortest;
	}

	/**
	 * @param shortest the shortest timeout that is on, in milliseconds
	 * @return how often to tick: {@value #TICKS_PER_SHORTEST_TIMEOUT} times per shortest
	 * timeout, every 20 ms to 1 s
	 */
	static long tickMillis(long shortest) {
		return Math.max(20, Math.min(1000, shortest / TICKS_PER_SHORTEST_TIMEOUT));
	}

	/** Stops sweeping. */
	public synchronized void stop() {
		this.stopped = true;
		if (this.task != null) {
			this.task.cancel(false);
		}
	}

	@Override
	public void run() {
		long now = this.clock.millis();
		long next = this.nextTick;
		try {
			next = tick(now);
		}
		finally {
			scheduleNext(now, next);
		}
	}

	/**
	 * Closes what has expired by {@code now} and walks the segment whose turn it is.
	 * @param now the time, from the clock
	 * @return when to run next: the next tick or just after the soonest deadline queued
	 */
	long tick(long now) {
		if (this.tickMillis == 0) {
			this.tickMillis = tickMillis(shortestTimeout());
			this.nextTick = now;
		}
		expireDue(now);
		if (now >= this.nextTick) {
			sweep(now);
			this.segment = (this.segment + 1) % SEGMENTS;
			this.nextTick = now + this.tickMillis;
		}
		report(now);
		long next = this.nextTick;
		Due soonest = this.due.peek();
		if (soonest != null) {
			// a timeout runs out once its deadline has passed
			next = Math.min(next, soonest.deadline() + 1);
		}
		return next;
	}

	private void report(long now) {
		long closed = this.closedSinceLog.get();
		if (closed > 0 && now >= this.nextLog) {
			this.closedSinceLog.addAndGet(-closed);
			this.nextLog = now + LOG_INTERVAL_MILLIS;
			logger.info("Listener '" + this.listener + "' closed " + closed + " connection(s) on timeouts since its"
					+ " last report (message-timeout " + Duration.ofMillis(this.messageTimeout) + ", write-timeout "
					+ Duration.ofMillis(this.writeTimeout) + ", idle-timeout " + Duration.ofMillis(this.idleTimeout)
					+ ((this.handshakeTimeout > 0) ? ", handshake-timeout " + Duration.ofMillis(this.handshakeTimeout)
							: "")
					+ ")");
		}
	}

	private synchronized void scheduleNext(long now, long next) {
		if (this.stopped) {
			return;
		}
		this.task = this.scheduler.schedule(this, Math.max(1, next - now), TimeUnit.MILLISECONDS);
	}

	/**
	 * Closes the current segment's expired connections and queues those due before its
	 * next turn, or a tick after (ticks run late).
	 */
	private void sweep(long now) {
		long horizon = horizon(now);
		for (ConnectionStats stats : this.connections.live(this.segment)) {
			if (stats.isDue()) {
				continue;
			}
			long deadline = deadline(stats);
			if (deadline < now) {
				// the reason, read afresh: the connection may have moved on since
				CloseReason reason = expired(stats, now);
				if (reason != null) {
					close(stats, reason);
				}
			}
			else if (deadline <= horizon) {
				stats.due(true);
				this.due.add(new Due(deadline, stats));
			}
		}
	}

	/**
	 * Closes the queued connections whose deadline has passed, if it still has: one whose
	 * deadline has moved on (a frame completed, a client read its replies) is queued
	 * again if it is still due soon, else left to its segment's next turn.
	 */
	private void expireDue(long now) {
		Due soonest;
		while ((soonest = this.due.peek()) != null && soonest.deadline() < now) {
			this.due.poll();
			ConnectionStats stats = soonest.stats();
			if (!stats.connection().isOpen()) {
				continue;
			}
			CloseReason reason = expired(stats, now);
			if (reason != null) {
				close(stats, reason);
				continue;
			}
			long deadline = deadline(stats);
			if (deadline <= horizon(now)) {
				this.due.add(new Due(deadline, stats));
			}
			else {
				stats.due(false);
			}
		}
	}

	/**
	 * @return how far ahead a sweep must look: until its segment's next turn, and a tick
	 * more as ticks run late
	 */
	private long horizon(long now) {
		return now + (SEGMENTS + 1) * this.tickMillis;
	}

	private void close(ConnectionStats stats, CloseReason reason) {
		if (reason == CloseReason.HANDSHAKE_TIMEOUT && stats.awaitsProxyHeader()) {
			this.metrics.error(ErrorType.PROXY_PROTOCOL);
		}
		else if (reason != CloseReason.IDLE) {
			this.metrics.error(ErrorType.TIMEOUT);
		}
		stats.closing(reason);
		if (reason == CloseReason.WRITE_TIMEOUT) {
			stats.connection().abort();
		}
		else {
			stats.connection().close();
		}
		this.closedSinceLog.incrementAndGet();
	}

	/**
	 * @return when the connection's earliest timeout runs out as things stand, or
	 * {@code Long.MAX_VALUE}
	 */
	private long deadline(ConnectionStats stats) {
		return Math.min(
				Math.min(until(stats.handshakeSinceMillis(), this.handshakeTimeout),
						until(stats.partialSinceMillis(), this.messageTimeout)),
				Math.min(until(stats.writeBlockedSinceMillis(), this.writeTimeout),
						until(stats.lastActivityMillis(), this.idleTimeout)));
	}

	/**
	 * @return the timeout that has run out (the first of handshake, message, write,
	 * idle), or null
	 */
	private CloseReason expired(ConnectionStats stats, long now) {
		if (until(stats.handshakeSinceMillis(), this.handshakeTimeout) < now) {
			return CloseReason.HANDSHAKE_TIMEOUT;
		}
		if (until(stats.partialSinceMillis(), this.messageTimeout) < now) {
			return CloseReason.MESSAGE_TIMEOUT;
		}
		if (until(stats.writeBlockedSinceMillis(), this.writeTimeout) < now) {
			return CloseReason.WRITE_TIMEOUT;
		}
		if (until(stats.lastActivityMillis(), this.idleTimeout) < now) {
			return CloseReason.IDLE;
		}
		return null;
	}

	/**
	 * @return when a timeout started at {@code since} runs out, or {@code Long.MAX_VALUE}
	 * when it is off (0) or has not started ({@code since} 0)
	 */
	private static long until(long since, long timeout) {
		return (timeout > 0 && since != 0) ? since + timeout : Long.MAX_VALUE;
	}

	/** A queued connection and the deadline it had when queued. */
	private record Due(long deadline, ConnectionStats stats) {
	}

}
