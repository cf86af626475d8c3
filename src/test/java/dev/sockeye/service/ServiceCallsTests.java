package dev.sockeye.service;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import dev.sockeye.metrics.ErrorType;
import dev.sockeye.metrics.ListenerMetrics;
import dev.sockeye.metrics.TcpMeterNames;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class ServiceCallsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ServiceCalls calls = calls(true);

	@Test
	void aSuccessfulCallIsTimedAsASuccessAndItsReplySent() {
		byte[] reply = "pong".getBytes(StandardCharsets.UTF_8);
		assertThat(this.calls.succeeded(reply, 1_500)).isSameAs(reply);
		assertThat(timer("success").count()).isEqualTo(1);
		assertThat(timer("success").totalTime(TimeUnit.NANOSECONDS)).isEqualTo(1_500);
		assertThat(serviceErrors()).isZero();
	}

	@Test
	void aOneWayListenerSendsNoReplyEvenWhenTheServiceGivesOne() {
		ServiceCalls oneWay = calls(false);
		assertThat(oneWay.succeeded("pong".getBytes(StandardCharsets.UTF_8), 1_000)).isNull();
		assertThat(oneWay.errorReply()).isNull();
		assertThat(timer("success").count()).isEqualTo(1);
	}

	@Test
	void aFailureIsCountedLoggedWithItsConnectionAndAnsweredWithTheErrorReply(CapturedOutput output) {
		assertThat(this.calls.failed(new IllegalStateException("boom"), "conn-7", 2_000)).isFalse();
		assertThat(this.calls.errorReply()).asString(StandardCharsets.UTF_8).isEqualTo("ERR");
		assertThat(timer("error").count()).isEqualTo(1);
		assertThat(timer("success").count()).isZero();
		assertThat(serviceErrors()).isEqualTo(1);
		assertThat(output).containsOnlyOnce("Listener 'l' service 's' failed on connection conn-7")
			.contains("IllegalStateException: boom");
	}

	@Test
	void aServiceAskingToCloseTheConnectionIsCountedButNotLogged(CapturedOutput output) {
		assertThat(this.calls.failed(new CloseConnectionException("bye"), "conn-8", 2_000)).isTrue();
		assertThat(timer("error").count()).isEqualTo(1);
		assertThat(serviceErrors()).isEqualTo(1);
		assertThat(output).doesNotContain("conn-8");
	}

	private ServiceCalls calls(boolean replies) {
		return new ServiceCalls("l", "s", "ERR", replies, new ListenerMetrics(this.registry, "l", () -> 0, () -> true));
	}

	private Timer timer(String outcome) {
		return this.registry.get(TcpMeterNames.REQUEST_DURATION)
			.tag(TcpMeterNames.TAG_SERVICE, "s")
			.tag(TcpMeterNames.TAG_OUTCOME, outcome)
			.timer();
	}

	private double serviceErrors() {
		return this.registry.get(TcpMeterNames.ERRORS)
			.tag(TcpMeterNames.TAG_TYPE, ErrorType.SERVICE.tag())
			.counter()
			.count();
	}

}
