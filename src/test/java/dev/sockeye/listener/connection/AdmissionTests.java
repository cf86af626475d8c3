package dev.sockeye.listener.connection;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.InstantSource;
import java.util.List;

import dev.sockeye.metrics.ListenerMetrics;
import dev.sockeye.metrics.TcpMeterNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may connect, decided without a socket: rules first, then the caps, each refusal
 * counted by reason.
 */
class AdmissionTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final ListenerMetrics metrics = new ListenerMetrics(this.registry, "t", () -> 0, () -> true);

	@Test
	void denyWinsOverAllowAndAnAllowListShutsOutEveryoneElse() {
		Admission admission = admission(0, 0, List.of("127.0.0.0/8"), List.of("127.0.0.3"));
		assertThat(admission.admit(address("127.0.0.2"))).isTrue();
		assertThat(admission.admit(address("127.0.0.3"))).isFalse();
		assertThat(admission.admit(address("10.0.0.1"))).isFalse();
		assertThat(rejected(Admission.DENIED)).isEqualTo(2);
	}

	@Test
	void theConnectionCapRefusesOneMoreAndAReleaseMakesRoom() {
		Admission admission = admission(2, 0, List.of(), List.of());
		assertThat(admission.admit(address("127.0.0.2"))).isTrue();
		assertThat(admission.admit(address("127.0.0.3"))).isTrue();
		assertThat(admission.admit(address("127.0.0.4"))).isFalse();
		admission.release("127.0.0.2");
		assertThat(admission.admit(address("127.0.0.4"))).isTrue();
		assertThat(rejected(Admission.MAX_CONNECTIONS)).isEqualTo(1);
	}

	@Test
	void thePerClientCapCountsEachAddressOnItsOwn() {
		Admission admission = admission(0, 2, List.of(), List.of());
		assertThat(admission.admit(address("127.0.0.2"))).isTrue();
		assertThat(admission.admit(address("127.0.0.2"))).isTrue();
		assertThat(admission.admit(address("127.0.0.2"))).isFalse();
		assertThat(admission.admit(address("127.0.0.3"))).isTrue();
		admission.release("127.0.0.2");
		assertThat(admission.admit(address("127.0.0.2"))).isTrue();
		assertThat(rejected(Admission.MAX_CONNECTIONS_PER_CLIENT)).isEqualTo(1);
	}

	@Test
	void aConnectionRefusedPerClientDoesNotHoldASlotOfTheListenerCap() {
		Admission admission = admission(2, 1, List.of(), List.of());
		assertThat(admission.admit(address("127.0.0.2"))).isTrue();
		assertThat(admission.admit(address("127.0.0.2"))).isFalse();
		assertThat(admission.admit(address("127.0.0.3"))).isTrue();
		assertThat(rejected(Admission.MAX_CONNECTIONS)).isZero();
	}

	@Test
	void everyReasonIsAMeterFromTheStartAtZero() {
		admission(1, 1, List.of(), List.of());
		assertThat(rejected(Admission.DENIED)).isZero();
		assertThat(rejected(Admission.MAX_CONNECTIONS)).isZero();
		assertThat(rejected(Admission.MAX_CONNECTIONS_PER_CLIENT)).isZero();
	}

	private Admission admission(int max, int perClient, List<String> allow, List<String> deny) {
		return new Admission("t", max, perClient, allow, deny, this.metrics, InstantSource.system());
	}

	private double rejected(String reason) {
		return this.registry.get(TcpMeterNames.CONNECTIONS_REJECTED).tag("reason", reason).counter().count();
	}

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
