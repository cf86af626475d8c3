package dev.sockeye.listener.context;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.sockeye.listener.Listener;
import dev.sockeye.listener.Listeners;

/**
 * The application's listeners as {@link ListenerBootstrap} started them; the
 * {@link Listeners} bean.
 */
final class ListenerRegistry implements Listeners {

	private final Map<String, RunningListener> listeners = new ConcurrentHashMap<>();

	void add(RunningListener listener) {
		this.listeners.put(listener.name(), listener);
	}

	Collection<RunningListener> running() {
		return this.listeners.values();
	}

	@Override
	public Map<String, Listener> listeners() {
		return Collections.unmodifiableMap(new TreeMap<>(this.listeners));
	}

}
