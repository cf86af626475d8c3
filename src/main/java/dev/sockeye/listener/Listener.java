package dev.sockeye.listener;

import java.util.Collection;

import dev.sockeye.listener.config.ListenerProperties;
import dev.sockeye.service.SockeyeService;

/**
 * One configured listener at run time, as operators and the actuator see it: its
 * settings, its state and its open connections.
 */
public interface Listener {

	/** Where a listener is in its life. */
	enum State {

		/** Binding its port. */
		STARTING,

		/** Bound and accepting connections. */
		LISTENING,

		/**
		 * Could not bind; the application runs on without it
		 * ({@code sockeye.fail-on-bind-error=false}).
		 */
		FAILED,

		/** Stopped with the application. */
		STOPPED

	}

	/**
	 * @return the listener's name
	 */
	String name();

	/**
	 * @return its settings
	 */
	ListenerProperties properties();

	/**
	 * @return its state
	 */
	State state();

	/**
	 * @return why it failed to start, or {@code null}
	 */
	String failure();

	/**
	 * @return the bound port, or -1 when not listening
	 */
	int port();

	/**
	 * @return true while the listener accepts connections
	 */
	boolean isListening();

	/**
	 * @return the number of open connections
	 */
	int activeConnections();

	/**
	 * @return the open connections
	 */
	Collection<ConnectionInfo> connections();

	/**
	 * Closes one connection on an operator's request; counted with reason {@code admin}.
	 * @param connectionId the connection's id
	 * @return true if it was open
	 */
	boolean closeConnection(String connectionId);

	/**
	 * @return the service handling its messages, once started
	 */
	SockeyeService service();

}
