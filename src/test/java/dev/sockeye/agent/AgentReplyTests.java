package dev.sockeye.agent;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import dev.sockeye.listener.ConnectionInfo;
import dev.sockeye.listener.Listener;
import dev.sockeye.listener.config.ListenerProperties;
import dev.sockeye.service.SockeyeService;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What HAProxy's agent reads, from the instance's state alone.
 */
class AgentReplyTests {

	@Test
	void aListenerWithRoomIsUpAndReadyAtFullWeight() {
		assertThat(AgentReply.of(false, List.of(listener(Listener.State.LISTENING, 100, 0))))
			.isEqualTo("up ready 100%\n");
	}

	@Test
	void theWeightIsTheFreeCapacityOfTheFullestListener() {
		assertThat(AgentReply.of(false,
				List.of(listener(Listener.State.LISTENING, 100, 25), listener(Listener.State.LISTENING, 10, 7))))
			.isEqualTo("up ready 30%\n");
	}

	@Test
	void aFullListenerKeepsTheSmallestWeightSoThatTheBalancerStillChecks() {
		assertThat(AgentReply.of(false, List.of(listener(Listener.State.LISTENING, 10, 10))))
			.isEqualTo("up ready 1%\n");
	}

	@Test
	void aListenerWithoutACapCountsAsFree() {
		assertThat(AgentReply.of(false, List.of(listener(Listener.State.LISTENING, 0, 5000))))
			.isEqualTo("up ready 100%\n");
	}

	@Test
	void refusedReadinessIsDrainWhateverTheListeners() {
		assertThat(AgentReply.of(true, List.of(listener(Listener.State.LISTENING, 100, 0)))).isEqualTo("drain\n");
		assertThat(AgentReply.of(true, List.of())).isEqualTo("drain\n");
	}

	@Test
	void noListenerAcceptingIsDown() {
		assertThat(AgentReply.of(false,
				List.of(listener(Listener.State.FAILED, 100, 0), listener(Listener.State.STOPPED, 100, 0))))
			.isEqualTo("down\n");
		assertThat(AgentReply.of(false, List.of())).isEqualTo("down\n");
	}

	@Test
	void aFailedListenerBesideAWorkingOneLeavesTheInstanceUp() {
		assertThat(AgentReply.of(false,
				List.of(listener(Listener.State.FAILED, 100, 0), listener(Listener.State.LISTENING, 100, 50))))
			.isEqualTo("up ready 50%\n");
	}

	private static Listener listener(Listener.State state, int maxConnections, int active) {
		ListenerProperties properties = new Binder(new MapConfigurationPropertySource(
				Map.of("l.port", "0", "l.max-connections", String.valueOf(maxConnections))))
			.bindOrCreate("l", ListenerProperties.class);
		return new Listener() {

			@Override
			public String name() {
				return "l";
			}

			@Override
			public ListenerProperties properties() {
				return properties;
			}

			@Override
			public State state() {
				return state;
			}

			@Override
			public String failure() {
				return null;
			}

			@Override
			public int port() {
				return 0;
			}

			@Override
			public boolean isListening() {
				return state == State.LISTENING;
			}

			@Override
			public int activeConnections() {
				return active;
			}

			@Override
			public Collection<ConnectionInfo> connections() {
				return List.of();
			}

			@Override
			public boolean closeConnection(String connectionId) {
				return false;
			}

			@Override
			public SockeyeService service() {
				return null;
			}

		};
	}

}
