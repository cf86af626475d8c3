package dev.sockeye.support;

import java.time.Instant;
import java.time.InstantSource;

/**
 * A clock that moves only when a test moves it, for policies tested without sleeps. Its
 * wall time and its monotonic ticks move together.
 */
public final class ManualClock implements InstantSource {

	/** Not 0: a timestamp of 0 means "not started" to the connection state. */
	public static final long START = 1_000_000;

	/** The time in milliseconds; tests set it. */
	public long now = START;

	@Override
	public Instant instant() {
		return Instant.ofEpochMilli(this.now);
	}

	@Override
	public long millis() {
		return this.now;
	}

	/**
	 * @return monotonic nanoseconds, for a ticker
	 */
	public long nanos() {
		return this.now * 1_000_000L;
	}

}
