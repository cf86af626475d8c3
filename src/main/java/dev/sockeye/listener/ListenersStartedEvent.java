package dev.sockeye.listener;

import java.util.Map;

import org.springframework.context.ApplicationEvent;

/**
 * Published once every listener is bound, with their ports, like a web server's
 * initialized event.
 */
public class ListenersStartedEvent extends ApplicationEvent {

	private final Map<String, Listener> listeners;

	/**
	 * @param source the lifecycle that started the listeners
	 * @param listeners the listeners by name
	 */
	public ListenersStartedEvent(Object source, Map<String, Listener> listeners) {
		super(source);
		this.listeners = listeners;
	}

	/**
	 * @return the listeners by name
	 */
	public Map<String, Listener> listeners() {
		return this.listeners;
	}

	/**
	 * @param name a listener's name
	 * @return its bound port
	 */
	public int port(String name) {
		return this.listeners.get(name).port();
	}

}
