package dev.sockeye.listener.context;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sockeye.listener.ConnectionInfo;
import dev.sockeye.listener.Listener;
import dev.sockeye.listener.config.ListenerProperties;
import dev.sockeye.listener.connection.ListenerConnections;
import dev.sockeye.listener.transport.ListenerServer;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.service.SockeyeService;

/**
 * A listener as the context runs it: its parts once built, its state, and what to stop
 * with it.
 */
final class RunningListener implements Listener {

	private final String name;

	private final ListenerProperties properties;

	private final List<Runnable> stopActions = new CopyOnWriteArrayList<>();

	private final AtomicBoolean takenDown = new AtomicBoolean();

	private volatile State state = State.STARTING;

	private volatile String failure;

	private volatile ListenerServer server;

	private volatile ListenerConnections connections;

	private volatile SockeyeService service;

	RunningListener(String name, ListenerProperties properties) {
		this.name = name;
		this.properties = properties;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public ListenerProperties properties() {
		return this.properties;
	}

	@Override
	public State state() {
		return this.state;
	}

	@Override
	public String failure() {
		return this.failure;
	}

	@Override
	public int port() {
		ListenerServer current = this.server;
		return (current != null) ? current.port() : -1;
	}

	@Override
	public boolean isListening() {
		ListenerServer current = this.server;
		return this.state == State.LISTENING && current != null && current.isListening();
	}

	@Override
	public int activeConnections() {
		ListenerConnections current = this.connections;
		return (current != null) ? current.count() : 0;
	}

	@Override
	public Collection<ConnectionInfo> connections() {
		ListenerConnections current = this.connections;
		return (current != null) ? current.list() : List.of();
	}

	@Override
	public boolean closeConnection(String connectionId) {
		ListenerConnections current = this.connections;
		return current != null && current.close(connectionId, CloseReason.ADMIN);
	}

	@Override
	public SockeyeService service() {
		return this.service;
	}

	void service(SockeyeService service) {
		this.service = service;
	}

	void connections(ListenerConnections connections) {
		this.connections = connections;
	}

	ListenerConnections listenerConnections() {
		return this.connections;
	}

	void server(ListenerServer server) {
		this.server = server;
	}

	ListenerServer server() {
		return this.server;
	}

	/**
	 * @return true the first time only: its parts are taken down once
	 */
	boolean takeDown() {
		return this.takenDown.compareAndSet(false, true);
	}

	void onStop(Runnable action) {
		this.stopActions.add(action);
	}

	/** Runs what was registered to stop with it, each once, in order. */
	void runStopActions() {
		this.stopActions.forEach(Runnable::run);
		this.stopActions.clear();
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

}
