package dev.sockeye.listener;

import java.util.Collection;
import java.util.List;

import dev.sockeye.metrics.CloseReason;
import dev.sockeye.service.SockeyeService;

import org.springframework.integration.dsl.context.IntegrationFlowContext.IntegrationFlowRegistration;
import org.springframework.integration.ip.tcp.connection.AbstractServerConnectionFactory;

/**
 * One configured listener at run time: its settings, its state, its connection factory
 * and flow once started, and its open connections.
 */
public final class Listener {

	/** Where a listener is in its life. */
	public enum State {

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

	private final String name;

	private final ListenerProperties properties;

	private volatile State state = State.STARTING;

	private volatile String failure;

	private volatile AbstractServerConnectionFactory factory;

	private volatile IntegrationFlowRegistration registration;

	private volatile ListenerConnections connections;

	private volatile SockeyeService service;

	private final List<Runnable> stopActions = new java.util.concurrent.CopyOnWriteArrayList<>();

	Listener(String name, ListenerProperties properties) {
		this.name = name;
		this.properties = properties;
	}

	/**
	 * @return the listener's name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * @return its settings
	 */
	public ListenerProperties properties() {
		return this.properties;
	}

	/**
	 * @return its state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * @return why it failed to start, or {@code null}
	 */
	public String failure() {
		return this.failure;
	}

	/**
	 * @return the bound port, or -1 when not listening
	 */
	public int port() {
		AbstractServerConnectionFactory current = this.factory;
		return (current != null && current.isListening()) ? current.getPort() : -1;
	}

	/**
	 * @return true while the listener accepts connections
	 */
	public boolean isListening() {
		AbstractServerConnectionFactory current = this.factory;
		return this.state == State.LISTENING && current != null && current.isListening();
	}

	/**
	 * @return the number of open connections
	 */
	public int activeConnections() {
		ListenerConnections current = this.connections;
		return (current != null) ? current.count() : 0;
	}

	/**
	 * @return the open connections
	 */
	public Collection<ConnectionInfo> connections() {
		ListenerConnections current = this.connections;
		return (current != null) ? current.list() : List.of();
	}

	/**
	 * Closes one connection on an operator's request; counted with reason {@code admin}.
	 * @param connectionId the connection's id
	 * @return true if it was open
	 */
	public boolean closeConnection(String connectionId) {
		ListenerConnections current = this.connections;
		return current != null && current.close(connectionId, CloseReason.ADMIN);
	}

	/**
	 * @return the service handling its messages, once started
	 */
	public SockeyeService service() {
		return this.service;
	}

	void service(SockeyeService service) {
		this.service = service;
	}

	/** Stops accepting new connections, keeping the open ones. */
	void stopAccepting() {
		AbstractServerConnectionFactory current = this.factory;
		if (current instanceof AdmittingNioServerConnectionFactory nio) {
			nio.stopAccepting();
		}
		else if (current instanceof AdmittingNetServerConnectionFactory net) {
			net.stopAccepting();
		}
	}

	void onStop(Runnable action) {
		this.stopActions.add(action);
	}

	void runStopActions() {
		this.stopActions.forEach(Runnable::run);
		this.stopActions.clear();
	}

	void connections(ListenerConnections connections) {
		this.connections = connections;
	}

	void started(AbstractServerConnectionFactory factory, IntegrationFlowRegistration registration) {
		this.factory = factory;
		this.registration = registration;
	}

	void listening() {
		this.state = State.LISTENING;
	}

	void failed(String why) {
		this.failure = why;
		this.state = State.FAILED;
	}

	void stopped() {
		if (this.state != State.FAILED) {
			this.state = State.STOPPED;
		}
	}

	AbstractServerConnectionFactory factory() {
		return this.factory;
	}

	IntegrationFlowRegistration registration() {
		return this.registration;
	}

	ListenerConnections listenerConnections() {
		return this.connections;
	}

}
