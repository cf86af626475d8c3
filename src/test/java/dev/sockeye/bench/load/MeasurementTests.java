package dev.sockeye.bench.load;

import dev.sockeye.bench.wire.BenchFrames;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Measurement}: what a reply counts for, without sockets.
 */
class MeasurementTests {

	private static final long START = 1_000_000_000L;

	private static final long WARMUP = 2_000_000_000L;

	private static final long DURATION = 10_000_000_000L;

	private final Results results = new Results(true);

	private final BenchConnection c = new BenchConnection(1, 0, null, 64);

	@Test
	void aReplyToNoRequestIsAMismatchAndDoesNotAdvanceTheSequence() {
		Measurement measurement = started(true);
		measurement.replied(this.c, true, START + WARMUP + 1);
		assertThat(this.results.mismatches).isOne();
		assertThat(this.results.completed).isZero();
		assertThat(this.c.received).isZero();
		assertThat(measurement.expectedTag(this.c)).isEqualTo(BenchFrames.tag(1, 0));
	}

	@Test
	void latencyRunsFromTheRequestsSendTime() {
		Measurement measurement = started(false);
		long sentAt = START + WARMUP + 5_000;
		measurement.sent(this.c, 0, sentAt);
		this.c.sent++;
		measurement.replied(this.c, true, sentAt + 42_000);
		assertThat(this.results.requests).isOne();
		assertThat(this.results.latency.getMaxValue()).isBetween(41_950L, 42_050L);
		assertThat(this.results.mismatches).isZero();
		assertThat(this.c.received).isOne();
	}

	@Test
	void aWrongReplyToARequestIsCountedAndIsAMismatch() {
		Measurement measurement = started(false);
		measurement.sent(this.c, 0, START + WARMUP);
		this.c.sent++;
		measurement.replied(this.c, false, START + WARMUP + 1_000);
		assertThat(this.results.requests).isOne();
		assertThat(this.results.mismatches).isOne();
		assertThat(this.c.received).isOne();
	}

	@Test
	void warmUpRepliesAreRecordedForProgressButThrownAwayAtTheReset() {
		Measurement measurement = started(false);
		this.c.queue();
		measurement.sentQueued(this.c, START);
		measurement.replied(this.c, true, START + 1_000);
		assertThat(this.results.requests).isOne();
		assertThat(this.results.recent.getIntervalHistogram().getTotalCount()).isOne();
		measurement.reset(START + WARMUP);
		assertThat(this.results.requests).isZero();
		assertThat(this.results.latency.getTotalCount()).isZero();
		assertThat(measurement.resetAt).isEqualTo(Long.MAX_VALUE);
		assertThat(this.results.completed).isOne();
	}

	@Test
	void repliesAfterTheEndOrWhileDrainingAreCheckedButNotMeasured() {
		Measurement measurement = started(false);
		measurement.reset(START + WARMUP);
		for (int i = 0; i < 2; i++) {
			measurement.sent(this.c, i, START + WARMUP);
			this.c.sent++;
		}
		measurement.replied(this.c, true, START + WARMUP + DURATION);
		measurement.drain();
		measurement.replied(this.c, false, START + WARMUP + 1);
		assertThat(this.results.requests).isZero();
		assertThat(this.results.completed).isEqualTo(2);
		assertThat(this.results.mismatches).isOne();
	}

	@Test
	void inTheClosedLoopEveryReplyQueuesTheNextRequestUntilDraining() {
		Measurement measurement = started(true);
		this.c.queue();
		measurement.sentQueued(this.c, START + WARMUP);
		this.c.queued = 0;
		measurement.replied(this.c, true, START + WARMUP + 1_000);
		assertThat(this.c.sent).isEqualTo(2);
		assertThat(this.c.queued).isOne();
		measurement.drain();
		measurement.replied(this.c, true, START + WARMUP + 2_000);
		assertThat(this.c.sent).isEqualTo(2);
		assertThat(this.c.received).isEqualTo(2);
	}

	@Test
	void drainingAfterAWarmUpThatNeverEndedDiscardsWhatWasRecorded() {
		Measurement measurement = started(false);
		measurement.sent(this.c, 0, START);
		this.c.sent++;
		measurement.replied(this.c, true, START + 1_000);
		assertThat(this.results.requests).isOne();
		measurement.drain();
		assertThat(this.results.requests).isZero();
		assertThat(this.results.latency.getTotalCount()).isZero();
	}

	private Measurement started(boolean closedLoop) {
		Measurement measurement = new Measurement(this.results, 1, 4, closedLoop);
		measurement.start(START, WARMUP, DURATION);
		return measurement;
	}

}
