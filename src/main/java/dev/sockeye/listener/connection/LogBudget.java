package dev.sockeye.listener.connection;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many lines about its connections a listener may log: {@link #BURST} per
 * {@link #INTERVAL_MILLIS}, the rest counted. Clients decide how many such lines there
 * are (1,000 attackers leaving in the middle of a frame wrote 1,000 warnings), and the
 * log must not grow with them; the errors meter still counts every one.
 */
final class LogBudget {

	/** Lines logged per interval before the rest are only counted. */
	static final int BURST = 20;

	/** The interval, in milliseconds. */
	static final long INTERVAL_MILLIS = 10_000;

	private final InstantSource clock;

	private final AtomicLong intervalEnd = new AtomicLong(Long.MIN_VALUE);

	private final AtomicInteger logged = new AtomicInteger();

	private final AtomicLong leftOut = new AtomicLong();

	LogBudget(InstantSource clock) {
		this.clock = clock;
	}

	/**
	 * Takes one line from the budget.
	 * @return -1 when the line is to be left out; otherwise how many lines were left out
	 * since the last one logged, to be said before this one
	 */
	long take() {
		long now = this.clock.millis();
		long end = this.intervalEnd.get();
		if (now >= end && this.intervalEnd.compareAndSet(end, now + INTERVAL_MILLIS)) {
			this.logged.set(0);
		}
		if (this.logged.incrementAndGet() > BURST) {
			this.leftOut.incrementAndGet();
			return -1;
		}
		return this.leftOut.getAndSet(0);
	}

}
