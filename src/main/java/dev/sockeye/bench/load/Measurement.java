package dev.sockeye.bench.load;

import dev.sockeye.bench.wire.BenchFrames;
import dev.sockeye.bench.wire.ReplyParser;

/**
 * Turns replies into results, so that latency runs from each request's send time and only
 * replies within the measured window count.
 */
final class Measurement implements ReplyParser.Replies<BenchConnection> {

	/**
	 * How often the warm-up's latencies are thrown away, so that the JIT sees the branch
	 * that ends it taken.
	 */
	private static final long RESET_NANOS = 100_000_000L;

	private final Results results;

	/** True when each reply sends the next request. */
	private final boolean closedLoop;

	/**
	 * Send times (System.nanoTime) by connection and sequence number:
	 * {@code ring + (sequence & mask)}.
	 */
	private final long[] sentAt;

	final int ringSize;

	private final int mask;

	private long measureAt;

	/**
	 * When the latencies recorded so far are next thrown away: every tenth of a second of
	 * the warm-up, then never.
	 */
	long resetAt;

	long endAt;

	/**
	 * True once the run is over: replies are still read and checked, no more requests are
	 * sent.
	 */
	boolean draining;

	Measurement(Results results, int connections, int outstandingLimit, boolean closedLoop) {
		this.results = results;
		this.closedLoop = closedLoop;
		this.ringSize = Integer.highestOneBit(Math.max(outstandingLimit, 1) * 2 - 1);
		this.mask = this.ringSize - 1;
		this.sentAt = new long[connections * this.ringSize];
	}

	void start(long start, long warmup, long duration) {
		this.measureAt = start + warmup;
		this.endAt = this.measureAt + duration;
		this.resetAt = start;
	}

	/** Stamps one request with the time it was (or was due to be) sent. */
	void sent(BenchConnection c, long sequence, long at) {
		this.sentAt[c.ring + ((int) sequence & this.mask)] = at;
	}

	/** Stamps the connection's queued requests with the time they are written. */
	void sentQueued(BenchConnection c, long at) {
		long[] sentAt = this.sentAt;
		int ring = c.ring;
		int mask = this.mask;
		for (long seq = c.sent - c.queued; seq < c.sent; seq++) {
			sentAt[ring + ((int) seq & mask)] = at;
		}
	}

	/**
	 * Throws away the replies counted and latencies recorded so far: every tenth of a
	 * second of the warm-up, and at its end. Warm-up replies are counted and recorded
	 * exactly as measured ones are, so that the JIT compiles the reply path once, for
	 * both.
	 */
	void reset(long now) {
		discardRecorded();
		this.resetAt = (now >= this.measureAt) ? Long.MAX_VALUE : Math.min(now + RESET_NANOS, this.measureAt);
	}

	/** The run is over: replies still count as checked, not as requests or latencies. */
	void drain() {
		this.draining = true;
		if (this.resetAt != Long.MAX_VALUE) {
			// every connection was lost during the warm-up: nothing was measured
			discardRecorded();
		}
	}

	private void discardRecorded() {
		this.results.requests = 0;
		this.results.latency.reset();
	}

	@Override
	public long expectedTag(BenchConnection c) {
		return BenchFrames.tag(c.id, c.received);
	}

	@Override
	public void replied(BenchConnection c, boolean match, long now) {
		Results results = this.results;
		if (c.sent == c.received) {
			// a reply to no request
			results.mismatches++;
			return;
		}
		long latency = now - this.sentAt[c.ring + ((int) c.received & this.mask)];
		c.received++;
		results.completed++;
		if (!match) {
			results.mismatches++;
		}
		if (latency > Results.HIGHEST_LATENCY) {
			latency = Results.HIGHEST_LATENCY;
		}
		else if (latency < 0) {
			latency = 0;
		}
		if (!this.draining && now < this.endAt) {
			results.requests++;
			results.latency.recordValue(latency);
		}
		if (results.recent != null) {
			results.recent.recordValue(latency);
		}
		if (this.closedLoop && !this.draining) {
			c.queue();
		}
	}

}
