package dev.sockeye.listener;

import java.util.Map;

/**
 * The application's listeners, for whoever needs to look at them (the actuator, tests, a
 * user's own beans) without starting or stopping anything.
 */
public interface Listeners {

	/**
	 * @return every configured listener by name, in name order, including any that failed
	 * to start
	 */
	Map<String, Listener> listeners();

	/**
	 * @param name a listener's name
	 * @return its bound port
	 * @throws IllegalArgumentException when no such listener runs
	 */
	default int port(String name) {
		Listener listener = listeners().get(name);
		if (listener == null) {
			throw new IllegalArgumentException("No listener named '" + name + "'");
		}
		return listener.port();
	}

}
