package dev.sockeye.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

import dev.sockeye.bench.wire.BenchFrames;
import dev.sockeye.bench.wire.ReplyParser;
import dev.sockeye.tls.ClientTls;

/**
 * One I/O thread of a run, driving its share of the connections from one selector, so
 * that a few threads can load a server with many connections.
 */
public final class BenchWorker implements Runnable {

	private static final long MILLI = 1_000_000L;

	private static final long WAIT_NANOS = 100 * MILLI;

	/**
	 * Empty polls before the closed loop blocks in select: under load the next replies
	 * are close, and a thread that does not sleep is not woken.
	 */
	private static final int SPINS = 64;

	/**
	 * How long to wait for outstanding replies at the end; those still missing then are
	 * errors.
	 */
	private static final long DRAIN_NANOS = 2000 * MILLI;

	private final Coordinator coordinator;

	private final LoadSettings settings;

	private final Selector selector;

	private final BenchConnection[] connections;

	private final int depth;

	/** Requests per second of this worker in an open loop, 0 in a closed loop. */
	private final double rate;

	private final Results results;

	private final Measurement measurement;

	private final Connector connector;

	private final RequestWriter writer;

	/** Handles a ready connection during the load. */
	private final Consumer<SelectionKey> onReady;

	private final Consumer<SelectionKey> onConnectReady;

	private boolean reportedConnected;

	/**
	 * A worker for {@code count} connections numbered from {@code firstId}, with TLS
	 * unless {@code tls} is null, and {@code progress} figures for a progress line.
	 */
	public BenchWorker(Coordinator coordinator, InetSocketAddress address, ClientTls tls, BenchFrames frames,
			int firstId, int count, LoadSettings settings, boolean progress) throws IOException {
		this.coordinator = coordinator;
		this.settings = settings;
		this.depth = settings.depth();
		this.rate = (settings.rate() > 0) ? settings.rate() * count / settings.connections() : 0;
		this.selector = Selector.open();
		this.connections = new BenchConnection[count];
		this.results = new Results(progress);
		this.measurement = new Measurement(this.results, count, settings.outstandingLimit(), this.rate == 0);
		int requestWire = RequestWriter.requestWire(frames, tls != null);
		int overflowCapacity = RequestWriter.overflowCapacity(requestWire, settings, this.measurement.ringSize);
		this.connector = new Connector(this.selector, this.connections, address, tls, settings, firstId,
				this.measurement.ringSize, overflowCapacity, this.results);
		this.writer = new RequestWriter(frames, requestWire, settings.outstandingLimit(), count, this.measurement,
				this.connector, this.results);
		ReadyHandler ready = new ReadyHandler(new ReplyParser<>(frames, this.measurement), this.connector, this.writer,
				tls != null);
		this.onReady = ready.onReady;
		this.onConnectReady = ready.onConnectReady;
		this.connector.onReopened = this::reopened;
	}

	/**
	 * A connection the server closed is established again: the requests it had in flight
	 * are resent, and the closed loop puts its depth back.
	 */
	private void reopened(BenchConnection c) {
		int resend = c.outstanding();
		c.resentUpTo = c.sent;
		if (resend > 0) {
			this.results.resent += resend;
			this.writer.resend(c);
		}
		if (this.rate == 0 && !this.measurement.draining && c.open) {
			for (int i = c.outstanding(); i < this.depth; i++) {
				c.queue();
			}
			this.writer.listIfQueued(c);
		}
	}

	/**
	 * @return true while some connection is established or being reopened
	 */
	private boolean loading() {
		return this.connector.alive > 0 || (this.connector.reconnects() && this.connector.reopener().any());
	}

	/**
	 * @return this worker's figures: the progress ones while it runs, all once its thread
	 * has ended
	 */
	public Results results() {
		return this.results;
	}

	@Override
	public void run() {
		try {
			this.connector.connect(this.onConnectReady);
			this.reportedConnected = true;
			this.coordinator.connected();
			long start = this.coordinator.awaitStart();
			if (start >= 0 && loading()) {
				this.measurement.start(start, this.settings.warmupNanos(), this.settings.durationNanos());
				if (this.rate > 0) {
					openLoop(start);
				}
				else {
					closedLoop();
				}
				drain();
			}
		}
		catch (IOException | RuntimeException ex) {
			this.results.errors++;
			this.results.error("I/O thread failed: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			if (!this.reportedConnected) {
				this.coordinator.connected();
			}
			this.results.finishedAt = System.nanoTime();
			this.connector.closeAll();
			this.results.publish();
			this.coordinator.finished();
		}
	}

	/** Closed loop: every connection keeps {@code depth} requests in flight. */
	private void closedLoop() throws IOException {
		long now = System.nanoTime();
		for (BenchConnection c : this.connections) {
			if (c != null && c.open) {
				for (int i = 0; i < this.depth; i++) {
					c.queue();
				}
				this.writer.stampAndWrite(c, now);
			}
		}
		Measurement measurement = this.measurement;
		boolean progress = this.results.recent != null;
		int idle = 0;
		Connector connector = this.connector;
		Reopener reopener = connector.reopener();
		while (loading()) {
			now = System.nanoTime();
			if (now >= measurement.endAt) {
				break;
			}
			if (now >= measurement.resetAt) {
				measurement.reset(now);
			}
			if (progress) {
				this.results.publish();
			}
			long reopenAt = (reopener != null && reopener.any()) ? reopener.due(now) : Long.MAX_VALUE;
			if (this.selector.selectNow(this.onReady) > 0) {
				idle = 0;
			}
			else if (++idle >= SPINS) {
				idle = 0;
				long wait = Math.min(Math.min(measurement.endAt, measurement.resetAt) - now, WAIT_NANOS);
				wait = Math.max(MILLI, Math.min(wait, reopenAt - now));
				this.selector.select(this.onReady, (wait + MILLI - 1) / MILLI);
			}
			this.writer.flushPending();
		}
	}

	/**
	 * Open loop: sends on a fixed schedule, connection after connection, whatever the
	 * replies, each latency counting from the request's intended send time, so that a
	 * stalled server shows in the percentiles instead of slowing the load.
	 */
	private void openLoop(long start) throws IOException {
		BenchConnection[] connections = this.connections;
		Measurement measurement = this.measurement;
		int count = connections.length;
		double interval = 1e9 / this.rate;
		long endAt = measurement.endAt;
		long scheduled = 0;
		long next = start;
		int index = 0;
		boolean progress = this.results.recent != null;
		Connector connector = this.connector;
		Reopener reopener = connector.reopener();
		while (loading()) {
			long now = System.nanoTime();
			if (now >= endAt) {
				break;
			}
			if (now >= measurement.resetAt) {
				measurement.reset(now);
			}
			while (next <= now) {
				BenchConnection c = connections[index];
				if (c != null && c.open) {
					this.writer.send(c, next);
				}
				if (++index == count) {
					index = 0;
				}
				scheduled++;
				next = start + (long) (scheduled * interval);
			}
			if (progress) {
				this.results.publish();
			}
			long reopenAt = (reopener != null && reopener.any()) ? reopener.due(now) : Long.MAX_VALUE;
			long wait = Math.min(Math.min(Math.min(next, endAt), measurement.resetAt), reopenAt) - System.nanoTime();
			if (wait >= MILLI) {
				this.selector.select(this.onReady, wait / MILLI);
			}
			else {
				this.selector.selectNow(this.onReady);
			}
		}
	}

	/**
	 * Waits a little for the replies still due, so that the server is not left writing to
	 * closed connections, and checks them; they are not counted as requests or latencies.
	 */
	private void drain() throws IOException {
		this.measurement.drain();
		Connector connector = this.connector;
		Reopener reopener = connector.reopener();
		if (reopener != null) {
			reopener.stop();
		}
		long deadline = System.nanoTime() + DRAIN_NANOS;
		for (;;) {
			long due = 0;
			for (BenchConnection c : this.connections) {
				if (c != null && c.open) {
					due += c.outstanding();
				}
			}
			long reopening = (reopener != null && reopener.any()) ? reopener.outstanding() : 0;
			long now = System.nanoTime();
			long left = deadline - now;
			if (due == 0 && reopening == 0) {
				abandon(reopener);
				return;
			}
			if (left <= 0) {
				if (due > 0) {
					this.results.unanswered += due;
					this.results.errors += due;
					this.results.error(due + " requests unanswered " + DRAIN_NANOS / 1_000_000_000L
							+ "s after the end of the run");
				}
				abandon(reopener);
				return;
			}
			long wait = left;
			if (reopener != null && reopener.any()) {
				wait = Math.min(wait, reopener.due(now) - now);
			}
			this.selector.select(this.onReady, Math.max(1, wait / MILLI));
			this.writer.flushPending();
		}
	}

	/** The end of the run: requests still waiting for a reopen are lost. */
	private static void abandon(Reopener reopener) {
		if (reopener != null) {
			reopener.abandon();
		}
	}

	/**
	 * @param ex an exception
	 * @return its message, or its class's simple name when it has none
	 */
	public static String describe(Throwable ex) {
		String message = ex.getMessage();
		if (message == null || message.isBlank()) {
			return ex.getClass().getSimpleName();
		}
		return message;
	}

}
