package dev.sockeye.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.sockeye.listener.Listeners;

import static org.awaitility.Awaitility.await;

/**
 * The clients a test opens to one listener, kept so that they are all closed after it and
 * the next test starts from a listener with no connection.
 */
public final class ListenerClients {

	private final Listeners listeners;

	private final String listener;

	private final List<TcpClient> clients = new ArrayList<>();

	/**
	 * @param listeners the application's listeners
	 * @param listener the name of the listener to connect to
	 */
	public ListenerClients(Listeners listeners, String listener) {
		this.listeners = listeners;
		this.listener = listener;
	}

	/**
	 * @return a new client of the listener, closed by {@link #closeAll()}
	 */
	public TcpClient connect() {
		TcpClient client = TcpClient.connect(this.listeners.port(this.listener));
		this.clients.add(client);
		return client;
	}

	/**
	 * @param index which client, in the order they connected
	 * @return that client
	 */
	public TcpClient get(int index) {
		return this.clients.get(index);
	}

	/**
	 * Closes every client, then waits until the listener counts no open connection.
	 */
	public void closeAll() {
		this.clients.forEach(TcpClient::close);
		this.clients.clear();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.listeners.listeners().get(this.listener).activeConnections() == 0);
	}

}
