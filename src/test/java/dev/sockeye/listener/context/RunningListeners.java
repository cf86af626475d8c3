package dev.sockeye.listener.context;

import dev.sockeye.listener.Listener;
import dev.sockeye.listener.transport.ListenerServer;

/**
 * For tests of other packages: the transport side of a running listener.
 */
public final class RunningListeners {

	private RunningListeners() {
	}

	/**
	 * @param listener a listener of a running application
	 * @return its Spring Integration server
	 */
	public static ListenerServer server(Listener listener) {
		return ((RunningListener) listener).server();
	}

}
