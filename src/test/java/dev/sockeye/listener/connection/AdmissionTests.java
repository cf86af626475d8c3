package dev.sockeye.listener.connection;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.InstantSource;
import java.util.List;

import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.ListenerMetrics;
import dev.sockeye.metrics.TcpMeterNames;
import dev.sockeye.support.FakeConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

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

	@Test
	void behindABalancerAcceptChecksOnlyTheTrustedProxiesAndTheListenerCap() {
		Admission admission = proxied(2, 1, List.of("192.0.2.0/24"));
		assertThat(admission.admit(address("127.0.0.1"))).isFalse();
		assertThat(admission.admit(address("192.0.2.2"))).isTrue();
		assertThat(admission.admit(address("192.0.2.2"))).isTrue();
		assertThat(admission.admit(address("192.0.2.2"))).isFalse();
		assertThat(rejected(Admission.UNTRUSTED_PROXY)).isEqualTo(1);
		assertThat(rejected(Admission.MAX_CONNECTIONS)).isEqualTo(1);
		assertThat(rejected(Admission.MAX_CONNECTIONS_PER_CLIENT)).isZero();
	}

	@Test
	void theClientAHeaderNamesMeetsTheRulesAndItsOwnCapAndEveryCloseGivesItsSlotBack() {
		Admission admission = proxied(3, 1, List.of("192.0.2.0/24"));
		ListenerConnections connections = new ListenerConnections(this.metrics, CloseReason.CLIENT);
		connections.admission(admission);
		ConnectionStats first = open(connections, admission);
		ConnectionStats second = open(connections, admission);
		ConnectionStats denied = open(connections, admission);
		assertThat(admission.admitClient(first, address("203.0.113.1"))).isTrue();
		assertThat(admission.admitClient(second, address("203.0.113.1"))).isFalse();
		assertThat(admission.admitClient(denied, address("192.0.2.9"))).isFalse();
		assertThat(rejected(Admission.MAX_CONNECTIONS_PER_CLIENT)).isEqualTo(1);
		assertThat(rejected(Admission.DENIED)).isEqualTo(1);
		// the three still hold the listener's three slots until they close
		assertThat(admission.admit(address("192.0.2.2"))).isFalse();
		for (ConnectionStats stats : List.of(first, second, denied)) {
			stats.connection().close();
		}
		ConnectionStats again = open(connections, admission);
		assertThat(admission.admitClient(again, address("203.0.113.1"))).isTrue();
		assertThat(open(connections, admission)).isNotNull();
		assertThat(open(connections, admission)).isNotNull();
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aClientOverItsCapIsLoggedWithTheAddressTheCapAndWhatABalancerInFrontNeeds(CapturedOutput output) {
		Admission admission = admission(0, 1, List.of(), List.of());
		assertThat(admission.admit(address("127.0.0.2"))).isTrue();
		assertThat(admission.admit(address("127.0.0.2"))).isFalse();
		assertThat(output).contains("Listener 't' refused 1 connection(s) since its last report; latest from"
				+ " 127.0.0.2: max-connections-per-client (1) reached; if a load balancer or proxy is in front, every"
				+ " client shares its address: set proxy-protocol and trusted-proxies on this listener"
				+ " (send-proxy-v2 on HAProxy), or raise max-connections-per-client (0 for no cap)");
	}

	private ConnectionStats open(ListenerConnections connections, Admission admission) {
		assertThat(admission.admit(address("192.0.2.1"))).isTrue();
		ConnectionStats[] stats = new ConnectionStats[1];
		stats[0] = connections.opened(new FakeConnection((closed) -> connections.closed(stats[0])));
		return stats[0];
	}

	private Admission proxied(int max, int perClient, List<String> trusted) {
		return new Admission("t", max, perClient, List.of(), List.of("192.0.2.9"), trusted, this.metrics,
				InstantSource.system());
	}

	private Admission admission(int max, int perClient, List<String> allow, List<String> deny) {
		return new Admission("t", max, perClient, allow, deny, null, this.metrics, InstantSource.system());
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
