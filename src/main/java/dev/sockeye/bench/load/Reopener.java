package dev.sockeye.bench.load;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * With {@code bench --reconnect}: reopens the connections the server closes, without
 * blocking the worker's loop, after a back-off when reopening fails, and decides which
 * requests in flight at a close are resent and which are lost.
 */
final class Reopener {

	private static final long MILLI = 1_000_000L;

	/** The first back-off after a failed reopen, doubled each time up to the longest. */
	static final long FIRST_BACKOFF_NANOS = 50 * MILLI;

	static final long LONGEST_BACKOFF_NANOS = 1000 * MILLI;

	private final Connector connector;

	private final LoadSettings settings;

	private final Results results;

	/** Connections closed by the server and not established again yet, from 0. */
	private final BenchConnection[] waiting;

	/** Entries of {@link #waiting}, some perhaps established already. */
	private int count;

	/** True once the load is over: closed connections are no longer reopened. */
	private boolean stopped;

	Reopener(Connector connector, int connections, LoadSettings settings, Results results) {
		this.connector = connector;
		this.waiting = new BenchConnection[connections];
		this.settings = settings;
		this.results = results;
	}

	/**
	 * @return whether a connection waits to be reopened (or was just reopened)
	 */
	boolean any() {
		return this.count > 0;
	}

	/**
	 * With {@code --reconnect}: the server closed the connection. Requests in flight at a
	 * close between replies were probably never read (a server closes at a frame
	 * boundary), so they are resent once on the new connection; those resent once
	 * already, or in flight at a close in the middle of a reply, are lost. Requests
	 * queued and not written yet are dropped: the closed loop puts its depth back on
	 * reopening.
	 */
	void closedByServer(BenchConnection c) {
		long written = c.sent - c.queued;
		boolean answered = c.received > c.receivedAtOpen;
		long lost = c.partialReply() ? written - c.received : Math.max(0, Math.min(c.resentUpTo, written) - c.received);
		if (lost > 0) {
			this.results.requestsLost += lost;
			c.received += lost;
		}
		c.forgetPartialReply();
		c.sent = written;
		this.connector.close(c);
		if (c.overflow != null) {
			c.overflow.clear();
		}
		c.writeInterest = false;
		if (this.stopped && c.outstanding() == 0) {
			return;
		}
		// a connection closed before any reply is a failure too: a server that accepts
		// and closes at once is not reconnected to in a spin
		c.reopenFailures = answered ? 0 : c.reopenFailures + 1;
		c.reopenAt = System.nanoTime() + backoff(c.reopenFailures);
		c.reopening = true;
		if (!c.listed) {
			c.listed = true;
			this.waiting[this.count++] = c;
		}
	}

	/**
	 * @return how long to wait before reopening after {@code failures} failures in a row:
	 * nothing after none, then 50 ms doubling up to 1 s
	 */
	static long backoff(int failures) {
		if (failures <= 0) {
			return 0;
		}
		return Math.min(LONGEST_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(failures - 1, 10));
	}

	/**
	 * Starts the reopens that are due and fails those past the connect timeout, without
	 * waiting for any.
	 * @param now System.nanoTime
	 * @return when the next reopen is due or times out, Long.MAX_VALUE for none
	 */
	long due(long now) {
		long next = Long.MAX_VALUE;
		long timeout = this.settings.connectTimeoutNanos();
		int kept = 0;
		for (int i = 0; i < this.count; i++) {
			BenchConnection c = this.waiting[i];
			if (c.reopening) {
				if (c.connectingAgain) {
					if (now - c.reopenAt >= timeout) {
						failed(c,
								(c.tls != null)
										? "TLS handshake with " + this.settings.target() + " timed out after "
												+ this.settings.connectTimeoutText()
										: "connect timed out after " + this.settings.connectTimeoutText());
					}
				}
				else if (now - c.reopenAt >= 0) {
					reopen(c, now);
				}
			}
			if (c.reopening) {
				this.waiting[kept++] = c;
				next = Math.min(next, c.connectingAgain ? c.reopenAt + timeout : c.reopenAt);
			}
			else {
				c.listed = false;
			}
		}
		for (int i = kept; i < this.count; i++) {
			this.waiting[i] = null;
		}
		this.count = kept;
		return next;
	}

	/**
	 * Opens a new channel for a connection the server closed, connecting it non-blocking.
	 */
	private void reopen(BenchConnection c, long now) {
		c.connectingAgain = true;
		c.reopenAt = now;
		c.key = null;
		c.tls = null;
		c.tlsOutput = null;
		c.writeInterest = false;
		SocketChannel channel;
		try {
			channel = SocketChannel.open();
		}
		catch (IOException ex) {
			failed(c, BenchWorker.describe(ex));
			return;
		}
		c.channel = channel;
		try {
			this.connector.open(c, channel);
		}
		catch (IOException | RuntimeException ex) {
			failed(c, BenchWorker.describe(ex));
		}
	}

	/** A reopen failed: counted, not an error; the next waits for the back-off. */
	void failed(BenchConnection c, String message) {
		this.results.reconnectFailures++;
		if (this.results.reconnectFailure == null) {
			this.results.reconnectFailure = message;
		}
		if (c.key != null) {
			c.key.cancel();
			c.key = null;
		}
		try {
			c.channel.close();
		}
		catch (IOException ignored) {
			// nothing to do
		}
		c.connectingAgain = false;
		c.reopenFailures++;
		c.reopenAt = System.nanoTime() + backoff(c.reopenFailures);
	}

	/**
	 * The load is over: connections are reopened only to resend requests they had in
	 * flight, so that the end of the run does not lose them.
	 */
	void stop() {
		this.stopped = true;
		for (int i = 0; i < this.count; i++) {
			BenchConnection c = this.waiting[i];
			if (c.reopening && c.outstanding() == 0) {
				cancelReopen(c);
			}
		}
	}

	/**
	 * @return requests waiting for their connection to be reopened
	 */
	long outstanding() {
		long due = 0;
		for (int i = 0; i < this.count; i++) {
			BenchConnection c = this.waiting[i];
			if (c.reopening) {
				due += c.outstanding();
			}
		}
		return due;
	}

	/** The end of the run: requests still waiting for a reopen are lost. */
	void abandon() {
		for (int i = 0; i < this.count; i++) {
			BenchConnection c = this.waiting[i];
			if (c.reopening) {
				this.results.requestsLost += c.outstanding();
				c.received = c.sent;
				cancelReopen(c);
			}
			c.listed = false;
			this.waiting[i] = null;
		}
		this.count = 0;
	}

	private void cancelReopen(BenchConnection c) {
		if (c.connectingAgain) {
			if (c.key != null) {
				c.key.cancel();
			}
			try {
				c.channel.close();
			}
			catch (IOException ignored) {
				// nothing to do
			}
			c.connectingAgain = false;
		}
		c.reopening = false;
	}

}
