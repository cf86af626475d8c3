package dev.sockeye.agent;

import java.util.Collection;

import dev.sockeye.listener.Listener;

/**
 * The line HAProxy's {@code agent-check} reads: {@code drain} from the moment readiness
 * refuses traffic (shutdown has begun, or the application said so), {@code down} when no
 * listener is accepting, and otherwise {@code up ready} with a weight from the free
 * capacity of the fullest listener, so that a busy instance gets fewer new connections.
 */
final class AgentReply {

	private AgentReply() {
	}

	/**
	 * @param refusingTraffic whether readiness refuses traffic
	 * @param listeners every listener
	 * @return the agent's answer, with its newline
	 */
	static String of(boolean refusingTraffic, Collection<Listener> listeners) {
		if (refusingTraffic) {
			return "drain\n";
		}
		double free = 1;
		boolean accepting = false;
		for (Listener listener : listeners) {
			if (listener.state() != Listener.State.LISTENING) {
				continue;
			}
			accepting = true;
			int max = listener.properties().maxConnections();
			if (max > 0) {
				free = Math.min(free, 1 - (double) listener.activeConnections() / max);
			}
		}
		if (!accepting) {
			return "down\n";
		}
		long weight = Math.max(1, Math.min(100, Math.round(free * 100)));
		return "up ready " + weight + "%\n";
	}

}
