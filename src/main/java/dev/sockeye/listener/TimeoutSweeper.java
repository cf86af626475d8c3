package dev.sockeye.listener;

import java.time.Duration;
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
 * Enforces a listener's timeouts on every open connection, fifty times per shortest timeout (every 20 ms to 1 s): a
 * frame must be complete within {@code message-timeout} of its first byte (the slowloris defence), replies must not
 * wait for the client for longer than {@code write-timeout}, a TLS handshake must finish within
 * {@code handshake-timeout}, and a connection with no traffic either way for {@code idle-timeout} is closed.
 * Each closes with its own reason; closes are logged as one summary line per listener at most every ten seconds.
 */
final class TimeoutSweeper implements Runnable {

	private static final Log logger = LogFactory.getLog(TimeoutSweeper.class);

	private static final long LOG_INTERVAL_MILLIS = 10_000;

	private final String listener;

	private final ListenerConnections connections;

	private final ListenerMetrics metrics;

	private final long messageTimeout;

	private final long writeTimeout;

	private final long idleTimeout;

	private final long handshakeTimeout;

	private final AtomicLong closedSinceLog = new AtomicLong();

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
		// a connection outlives its timeout by at most one period (2% of the shortest timeout, 20 ms to 1 s), and
		// few connections expire in the same sweep, to be closed together
		long period = Math.max(20, Math.min(1000, shortest / 50));
		this.task = scheduler.scheduleWithFixedDelay(this, period, period, TimeUnit.MILLISECONDS);
	}

	void stop() {
		if (this.task != null) {
			this.task.cancel(false);
		}
	}

	@Override
	public void run() {
		long now = System.currentTimeMillis();
		for (ConnectionStats stats : this.connections.live()) {
			CloseReason reason = expired(stats, now);
			if (reason != null) {
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

	private CloseReason expired(ConnectionStats stats, long now) {
		long handshake = stats.handshakeSinceMillis();
		if (this.handshakeTimeout > 0 && handshake != 0 && now - handshake > this.handshakeTimeout) {
			return CloseReason.HANDSHAKE_TIMEOUT;
		}
		long partial = stats.partialSinceMillis();
		if (this.messageTimeout > 0 && partial != 0 && now - partial > this.messageTimeout) {
			return CloseReason.MESSAGE_TIMEOUT;
		}
		long blocked = stats.writeBlockedSinceMillis();
		if (this.writeTimeout > 0 && blocked != 0 && now - blocked > this.writeTimeout) {
			return CloseReason.WRITE_TIMEOUT;
		}
		if (this.idleTimeout > 0 && now - stats.lastActivityMillis() > this.idleTimeout) {
			return CloseReason.IDLE;
		}
		return null;
	}

}
