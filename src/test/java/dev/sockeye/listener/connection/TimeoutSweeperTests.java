package dev.sockeye.listener.connection;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.ListenerMetrics;
import dev.sockeye.metrics.TcpMeterNames;
import dev.sockeye.support.FakeConnection;
import dev.sockeye.support.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
			new ListenerMetrics(this.registry, "t", () -> 0, () -> true), CloseReason.CLIENT, this.clock,
			this.clock::nanos);

	private final TimeoutSweeper sweeper = new TimeoutSweeper("t", this.connections, Duration.ofSeconds(1),
			Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ZERO, this.clock);

	@Test
	void aFrameLeftIncompleteClosesJustAfterTheMessageTimeout() {
		Open slow = open();
		slow.stats().received(1);
		slow.stats().partialFrame(true, false);
		runUntil(1000);
		assertThat(slow.connection().closed()).isFalse();
		runUntil(1002);
		assertThat(slow.connection().closed()).isTrue();
		assertThat(slow.connection().aborted()).isFalse();
		assertThat(closed("message_timeout")).isEqualTo(1);
	}

	@Test
	void aFrameCompletedInTimeMovesTheDeadlineToTheNextFrame() {
		Open client = open();
		client.stats().partialFrame(true, false);
		runUntil(900);
		client.stats().received(1);
		client.stats().partialFrame(true, true);
		runUntil(1800);
		assertThat(client.connection().closed()).isFalse();
		runUntil(1902);
		assertThat(client.connection().closed()).isTrue();
	}

	@Test
	void aClientThatDoesNotReadItsRepliesIsResetAfterTheWriteTimeout() {
		Open deaf = open();
		deaf.stats().writeBlocked();
		runUntil(2000);
		assertThat(deaf.connection().closed()).isFalse();
		runUntil(2002);
		assertThat(deaf.connection().aborted()).isTrue();
		assertThat(closed("write_timeout")).isEqualTo(1);
	}

	@Test
	void aQuietConnectionClosesAfterTheIdleTimeoutAndTrafficPutsItOff() {
		Open quiet = open();
		Open talker = open();
		for (long t = 0; t < 10_500; t += 1000) {
			runUntil(t);
			talker.stats().received(1);
		}
		runUntil(10_500);
		assertThat(quiet.connection().closed()).isTrue();
		assertThat(talker.connection().closed()).isFalse();
		assertThat(closed("idle")).isEqualTo(1);
	}

	@Test
	void aClosedConnectionsLifetimeIsMeasuredOnTheMonotonicTicker() {
		Open client = open();
		this.clock.now += 1500;
		client.connection().close();
		client.connection().close();
		Timer lifetime = this.registry.get(TcpMeterNames.CONNECTION_DURATION).timer();
		assertThat(lifetime.count()).isEqualTo(1);
		assertThat(lifetime.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500.0);
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

	private Open open() {
		ConnectionStats[] stats = new ConnectionStats[1];
		FakeConnection connection = new FakeConnection((closed) -> this.connections.closed(stats[0]));
		stats[0] = this.connections.opened(connection);
		return new Open(connection, stats[0]);
	}

	private double closed(String reason) {
		return this.registry.get(TcpMeterNames.CONNECTIONS_CLOSED).tag("reason", reason).counter().count();
	}

	private record Open(FakeConnection connection, ConnectionStats stats) {

	}

}
