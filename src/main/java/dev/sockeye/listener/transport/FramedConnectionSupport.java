package dev.sockeye.listener.transport;

import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnectionSupport;
import org.springframework.integration.ip.tcp.connection.TcpNioConnection;
import org.springframework.integration.ip.tcp.connection.TcpNioConnectionSupport;

/**
 * Creates Sockeye's framed connections for a listener's Spring Integration connection
 * factory, NIO or blocking.
 */
final class FramedConnectionSupport implements TcpNioConnectionSupport, TcpNetConnectionSupport {

	private final ListenerWire wire;

	/** Closed since the factory last looked: what it still has to drop. */
	private final Queue<FramedConnection> closed = new ConcurrentLinkedQueue<>();

	FramedConnectionSupport(ListenerWire wire) {
		this.wire = wire;
	}

	/**
	 * @param connection one of this factory's connections, closed and counted
	 */
	void closed(FramedConnection connection) {
		this.closed.add(connection);
	}

	/**
	 * Hands each connection closed since the last call to {@code forget}, for the factory
	 * to drop it from Spring Integration's maps: O(closed) instead of Spring
	 * Integration's walk of every connection after each select or accept (see
	 * docs/architecture.md, "Closed connections"). Called by the factory's one selector
	 * or accept thread.
	 * @param forget drops one closed connection
	 */
	void forgetClosed(Consumer<TcpConnection> forget) {
		FramedConnection connection;
		while ((connection = this.closed.poll()) != null) {
			forget.accept(connection);
		}
	}

	@Override
	public TcpNioConnection createNewConnection(SocketChannel channel, boolean server, boolean lookupHost,
			ApplicationEventPublisher publisher, String factoryName) {
		return new FramedNioConnection(channel, server, lookupHost, publisher, factoryName, this.wire, this);
	}

	@Override
	public TcpNetConnection createNewConnection(Socket socket, boolean server, boolean lookupHost,
			ApplicationEventPublisher publisher, String factoryName) {
		return new FramedNetConnection(socket, server, lookupHost, publisher, factoryName, this.wire, this);
	}

}
