package dev.sockeye.listener.context;

import java.time.Duration;
import java.util.List;

import dev.sockeye.listener.Listener;
import dev.sockeye.listener.connection.ListenerConnections;
import dev.sockeye.metrics.CloseReason;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Drains listeners on shutdown: they stop accepting, each connection is closed as soon as
 * it is at a frame boundary (every request read has its reply written), and those still
 * busy at the drain timeout are closed anyway and counted.
 */
final class Drain {

	private static final Log logger = LogFactory.getLog(Drain.class);

	private static final long POLL_MILLIS = 20;

	private final Duration timeout;

	/**
	 * @param timeout how long to wait for busy connections
	 */
	Drain(Duration timeout) {
		this.timeout = timeout;
	}

	/**
	 * @param listeners the listeners to drain and stop
	 */
	/**
	 * Keeps accepting for a while once readiness refuses traffic, so that balancers
	 * checking readiness or the agent stop sending new connections before the listeners
	 * close.
	 */
	void delay(Duration delay) {
		if (delay.isZero() || delay.isNegative()) {
			return;
		}
		logger.info("Draining: readiness and the agent say so; accepting for another " + delay
				+ " (sockeye.drain-delay) so that balancers stop sending new connections first");
		sleep(delay.toMillis());
	}

	void drainAndStop(List<RunningListener> listeners) {
		List<RunningListener> draining = listeners.stream()
			.filter((listener) -> listener.state() == Listener.State.LISTENING)
			.toList();
		draining.forEach((listener) -> listener.server().stopAccepting());
		long deadline = System.nanoTime() + this.timeout.toNanos();
		int busy = closeIdle(draining);
		while (busy > 0 && System.nanoTime() < deadline) {
			sleep(POLL_MILLIS);
			busy = closeIdle(draining);
		}
		for (RunningListener listener : draining) {
			int forced = listener.activeConnections();
			listener.stopped();
			ListenerConnections connections = listener.listenerConnections();
			connections.markClosing(CloseReason.SHUTDOWN);
			ListenerAssembler.stop(listener);
			logger.info("Sockeye listener '" + listener.name() + "' stopped: " + connections.messagesReceived()
					+ " messages received, " + connections.messagesSent() + " sent" + ((forced > 0)
							? "; " + forced + " connection(s) still busy at the drain timeout were closed" : ""));
		}
	}

	/**
	 * @return how many connections are still busy
	 */
	private static int closeIdle(List<RunningListener> listeners) {
		int busy = 0;
		for (RunningListener listener : listeners) {
			busy += listener.listenerConnections().closeIdle();
		}
		return busy;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
