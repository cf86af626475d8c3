package dev.sockeye.bench.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Reopener}'s back-off between reopens, so that a dead target is not hammered.
 */
class ReopenerTests {

	private static final long MILLI = 1_000_000L;

	@Test
	void theFirstReopenAfterAnAnsweredConnectionIsImmediate() {
		assertThat(Reopener.backoff(0)).isZero();
	}

	@Test
	void failedReopensWaitFrom50MillisecondsDoublingUpToOneSecond() {
		assertThat(Reopener.backoff(1)).isEqualTo(50 * MILLI);
		assertThat(Reopener.backoff(2)).isEqualTo(100 * MILLI);
		assertThat(Reopener.backoff(5)).isEqualTo(800 * MILLI);
		assertThat(Reopener.backoff(6)).isEqualTo(1000 * MILLI);
		assertThat(Reopener.backoff(1000)).isEqualTo(1000 * MILLI);
	}

}
