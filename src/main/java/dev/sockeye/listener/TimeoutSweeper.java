package dev.sockeye.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.ErrorType;
import dev.sockeye.metrics.ListenerMetrics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Enforces a listener's timeouts on every open connection: a frame must be complete within {@code message-timeout} of
 * its first byte (the slowloris defence), replies must not wait for the client for longer than {@code write-timeout},
 * a TLS handshake must finish within {@code handshake-timeout}, and a connection with no traffic either way for
 * {@code idle-timeout} is closed. Each closes with its own reason; closes are logged as one summary line per listener
 * at most every ten seconds.
 * <p>
 * It ticks 250 times per shortest timeout (every 20 ms to 1 s). Every fifth tick looks at every connection and keeps
 * those that may expire before the next such sweep; the ticks between look at those alone. So connections expire few
 * at a time, close to their deadlines, and a listener with many connections is not walked 250 times per timeout.
 */
final class TimeoutSweeper implements Runnable {

	private static final Log logger = LogFactory.getLog(TimeoutSweeper.class);

	private static final long LOG_INTERVAL_MILLIS = 10_000;

	private static final int TICKS_PER_SWEEP = 5;

	private final String listener;

	private final ListenerConnections connections;

	private final ListenerMetrics metrics;

	private final long messageTimeout;

	private final long writeTimeout;

	private final long idleTimeout;

	private final long handshakeTimeout;

	private final AtomicLong closedSinceLog = new AtomicLong();

	/** Connections the last sweep found due to expire before the next one; only the scheduler's thread uses it. */
	private final List<ConnectionStats> due = new ArrayList<>();

	private long tickMillis;

	private int tick;

	private long nextLog;

	private ScheduledFuture<?> task;

	TimeoutSweeper(String listener, ListenerProperties properties, ListenerConnections connections) {
		this.listener = listener;
		this.connections = connections;
		this.metrics = connections.metrics();
		this.messageTimeout = properties.messageTimeout().toMillis();
		this.writeTimeout = properties.writeTimeout().toMillis();
		this.idleTimeout = properties.idleTimeout().toMillis();
		this.handshakeTimeout = properties.tls().enabled() ? properties.handshakeTimeout().toMillis() : 0;
	}

	void start(ScheduledExecutorService scheduler) {
		long shortest = Long.MAX_VALUE;
		for (long timeout : new long[] { this.messageTimeout, this.writeTimeout, this.idleTimeout,
				this.handshakeTimeout }) {
			if (timeout > 0) {
				shortest = Math.min(shortest, timeout);
			}
		}
		if (shortest == Long.MAX_VALUE) {
			return;
		}
		// a connection outlives its timeout by about one tick (0.4% of the shortest timeout, 20 ms to 1 s; one sweep
		// for timeouts under six ticks), and few expire in the same tick: closed together, and reconnecting together
		// as slowloris clients do, they stall everyone else's replies (1,000 reconnecting attackers took others' p99
		// from 1.5-1.9 ms when closed every 20 ms to 3.7-3.8 ms every 100 ms, measured with bench/defences.py's
		// harness; every 10 ms bought nothing more)
		this.tickMillis = Math.max(20, Math.min(1000, shortest / 250));
		this.task = scheduler.scheduleWithFixedDelay(this, this.tickMillis, this.tickMillis, TimeUnit.MILLISECONDS);
	}

	void stop() {
		if (this.task != null) {
			this.task.cancel(false);
		}
	}

	@Override
	public void run() {
		long now = System.currentTimeMillis();
		if (this.tick++ % TICKS_PER_SWEEP == 0) {
			sweep(now);
		}
		else {
			checkDue(now);
		}
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

	/** Closes every expired connection and keeps those due before the next sweep, or a tick after (ticks run late). */
	private void sweep(long now) {
		long horizon = now + (TICKS_PER_SWEEP + 1) * this.tickMillis;
		this.due.clear();
		for (ConnectionStats stats : this.connections.live()) {
			long deadline = deadline(stats);
			if (deadline < now) {
				// the reason, read afresh: the connection may have moved on since
				CloseReason reason = expired(stats, now);
				if (reason != null) {
					close(stats, reason);
				}
			}
			else if (deadline <= horizon) {
				this.due.add(stats);
			}
		}
	}

	/** Closes the due connections that have expired, forgetting them and those closed meanwhile. */
	private void checkDue(long now) {
		int kept = 0;
		for (int i = 0; i < this.due.size(); i++) {
			ConnectionStats stats = this.due.get(i);
			if (!stats.connection().isOpen()) {
				continue;
			}
			CloseReason reason = expired(stats, now);
			if (reason != null) {
				close(stats, reason);
			}
			else {
				this.due.set(kept++, stats);
			}
		}
		this.due.subList(kept, this.due.size()).clear();
	}

	private void close(ConnectionStats stats, CloseReason reason) {
		if (reason != CloseReason.IDLE) {
			this.metrics.error(ErrorType.TIMEOUT);
		}
		stats.closing(reason);
		if (reason == CloseReason.WRITE_TIMEOUT && stats.connection() instanceof FramedConnection framed) {
			framed.abort();
		}
		else {
			stats.connection().close();
		}
		this.closedSinceLog.incrementAndGet();
	}

	/** @return when the connection's earliest timeout runs out as things stand, or {@code Long.MAX_VALUE} */
	private long deadline(ConnectionStats stats) {
		return Math.min(
				Math.min(until(stats.handshakeSinceMillis(), this.handshakeTimeout),
						until(stats.partialSinceMillis(), this.messageTimeout)),
				Math.min(until(stats.writeBlockedSinceMillis(), this.writeTimeout),
						until(stats.lastActivityMillis(), this.idleTimeout)));
	}

	/** @return the timeout that has run out (the first of handshake, message, write, idle), or null */
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
	 * @return when a timeout started at {@code since} runs out, or {@code Long.MAX_VALUE} when it is off (0) or has
	 * not started ({@code since} 0)
	 */
	private static long until(long since, long timeout) {
		return (timeout > 0 && since != 0) ? since + timeout : Long.MAX_VALUE;
	}

}
