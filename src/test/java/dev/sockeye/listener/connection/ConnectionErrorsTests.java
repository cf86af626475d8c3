package dev.sockeye.listener.connection;

import java.util.regex.Pattern;

import dev.sockeye.framing.FramingException;
import dev.sockeye.metrics.ListenerMetrics;
import dev.sockeye.metrics.TcpMeterNames;
import dev.sockeye.support.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What clients get wrong is counted every time and logged within a budget: a flood of bad
 * clients cannot flood the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConnectionErrorsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final ManualClock clock = new ManualClock();

	private final ConnectionErrors errors = new ConnectionErrors("budget",
			new ListenerMetrics(this.registry, "budget", () -> 0, () -> true), this.clock);

	@Test
	void logsTheFirstTwentyLinesOfTenSecondsAndCountsEveryError(CapturedOutput output) {
		for (int i = 0; i < 1000; i++) {
			this.errors.replyFraming("c" + i, new FramingException(FramingException.Kind.DECODE, "bad " + i));
		}
		assertThat(count(output, "could not send a reply on connection c\\d+: bad \\d+"))
			.isEqualTo((long) LogBudget.BURST);
		assertThat(output).contains("connection c19: bad 19").doesNotContain("connection c20: bad 20");
		assertThat(this.registry.get(TcpMeterNames.ERRORS)
			.tag("listener", "budget")
			.tag("type", "decode")
			.counter()
			.count()).isEqualTo(1000);
	}

	@Test
	void theFirstLineOfTheNextIntervalSaysHowManyWereLeftOut(CapturedOutput output) {
		for (int i = 0; i < 25; i++) {
			this.errors.dispatch("c" + i, new IllegalStateException("broken " + i));
		}
		this.clock.now += LogBudget.INTERVAL_MILLIS - 1;
		this.errors.dispatch("late", new IllegalStateException("still in the interval"));
		assertThat(output).doesNotContain("line(s) about its connections").doesNotContain("still in the interval");
		this.clock.now += 1;
		this.errors.dispatch("next", new IllegalStateException("a new interval"));
		assertThat(output)
			.contains("Listener 'budget' left 6 line(s) about its connections out of the log (more than"
					+ " 20 in 10 s); tcp_server_errors_total counts every error")
			.contains("could not process a message on connection next")
			.contains("java.lang.IllegalStateException: a new interval");
		assertThat(output.toString().indexOf("left 6 line(s)"))
			.isLessThan(output.toString().indexOf("on connection next"));
	}

	@Test
	void aQuietIntervalStartsWithNoCountOfLeftOutLines(CapturedOutput output) {
		this.errors.replyFraming("first", new FramingException(FramingException.Kind.OVERSIZE, "too big"));
		this.clock.now += 3 * LogBudget.INTERVAL_MILLIS;
		this.errors.replyFraming("second", new FramingException(FramingException.Kind.OVERSIZE, "too big"));
		assertThat(count(output, "could not send a reply on connection (first|second): too big")).isEqualTo(2L);
		assertThat(output).doesNotContain("line(s) about its connections out of the log");
	}

	private static long count(CapturedOutput output, String regex) {
		return Pattern.compile(regex).matcher(output).results().count();
	}

}
