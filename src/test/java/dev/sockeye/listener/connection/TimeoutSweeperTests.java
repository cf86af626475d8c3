package dev.sockeye.listener.connection;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.ListenerMetrics;
import dev.sockeye.metrics.TcpMeterNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timeout policy on a clock the test moves: no sockets, no sleeps.
 */
class TimeoutSweeperTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final ManualClock clock = new ManualClock();

	private final ListenerConnections connections = new ListenerConnections(
			new ListenerMetrics(this.registry, "t", () -> 0, () -> true), CloseReason.CLIENT, this.clock);

	private final TimeoutSweeper sweeper = new TimeoutSweeper("t", this.connections, Duration.ofSeconds(1),
			Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ZERO, this.clock);

	@Test
	void aFrameLeftIncompleteClosesJustAfterTheMessageTimeout() {
		FakeConnection slow = open();
		slow.stats.received(1);
		slow.stats.partialFrame(true, false);
		runUntil(1000);
		assertThat(slow.closed).isFalse();
		runUntil(1002);
		assertThat(slow.closed).isTrue();
		assertThat(slow.aborted).isFalse();
		assertThat(closed("message_timeout")).isEqualTo(1);
	}

	@Test
	void aFrameCompletedInTimeMovesTheDeadlineToTheNextFrame() {
		FakeConnection client = open();
		client.stats.partialFrame(true, false);
		runUntil(900);
		client.stats.received(1);
		client.stats.partialFrame(true, true);
		runUntil(1800);
		assertThat(client.closed).isFalse();
		runUntil(1902);
		assertThat(client.closed).isTrue();
	}

	@Test
	void aClientThatDoesNotReadItsRepliesIsResetAfterTheWriteTimeout() {
		FakeConnection deaf = open();
		deaf.stats.writeBlocked();
		runUntil(2000);
		assertThat(deaf.closed).isFalse();
		runUntil(2002);
		assertThat(deaf.aborted).isTrue();
		assertThat(closed("write_timeout")).isEqualTo(1);
	}

	@Test
	void aQuietConnectionClosesAfterTheIdleTimeoutAndTrafficPutsItOff() {
		FakeConnection quiet = open();
		FakeConnection talker = open();
		for (long t = 0; t < 10_500; t += 1000) {
			runUntil(t);
			talker.stats.received(1);
		}
		runUntil(10_500);
		assertThat(quiet.closed).isTrue();
		assertThat(talker.closed).isFalse();
		assertThat(closed("idle")).isEqualTo(1);
	}

	@Test
	void ticksFiftyTimesPerShortestTimeoutBetweenTwentyMillisecondsAndOneSecond() {
		assertThat(TimeoutSweeper.tickMillis(500)).isEqualTo(20);
		assertThat(TimeoutSweeper.tickMillis(10_000)).isEqualTo(200);
		assertThat(TimeoutSweeper.tickMillis(600_000)).isEqualTo(1000);
	}

	/**
	 * Runs the sweeper at every wake-up it asks for, up to {@code millis} after the
	 * start.
	 */
	private void runUntil(long millis) {
		long end = ManualClock.START + millis;
		long next = this.clock.now;
		while (next <= end) {
			this.clock.now = Math.max(this.clock.now, next);
			next = this.sweeper.tick(this.clock.now);
		}
		this.clock.now = end;
	}

	private FakeConnection open() {
		FakeConnection connection = new FakeConnection();
		connection.stats = this.connections.opened(connection);
		return connection;
	}

	private double closed(String reason) {
		return this.registry.get(TcpMeterNames.CONNECTIONS_CLOSED).tag("reason", reason).counter().count();
	}

	private static final class ManualClock implements InstantSource {

		/** Not 0: a timestamp of 0 means "not started". */
		static final long START = 1_000_000;

		long now = START;

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(this.now);
		}

		@Override
		public long millis() {
			return this.now;
		}

	}

	private final class FakeConnection implements ConnectionHandle {

		private static int ids;

		final String id = "c" + (++ids);

		ConnectionStats stats;

		boolean closed;

		boolean aborted;

		@Override
		public String getConnectionId() {
			return this.id;
		}

		@Override
		public String getHostAddress() {
			return "127.0.0.1";
		}

		@Override
		public int getPort() {
			return 40000;
		}

		@Override
		public boolean isOpen() {
			return !this.closed;
		}

		@Override
		public void close() {
			if (!this.closed) {
				this.closed = true;
				TimeoutSweeperTests.this.connections.closed(this.stats);
			}
		}

		@Override
		public void abort() {
			this.aborted = true;
			close();
		}

	}

}
