package dev.sockeye.listener;

import java.net.Socket;
import java.nio.channels.SocketChannel;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnectionSupport;
import org.springframework.integration.ip.tcp.connection.TcpNioConnection;
import org.springframework.integration.ip.tcp.connection.TcpNioConnectionSupport;

/**
 * Creates Sockeye's framed connections for a listener's Spring Integration connection factory, NIO or blocking.
 */
final class FramedConnectionSupport implements TcpNioConnectionSupport, TcpNetConnectionSupport {

	private final ListenerWire wire;

	private long walkedAt;

	FramedConnectionSupport(ListenerWire wire) {
		this.wire = wire;
	}

	/**
	 * Whether a connection has closed since the last call that answered true. Spring Integration's factories walk every
	 * connection to drop the closed ones after each select (NIO) or accept (blocking): O(connections) per round, which
	 * a few thousand idle connections turn into most of the I/O thread's time. Sockeye's factories walk only when this
	 * says there is something to drop. Called by the factory's one selector or accept thread.
	 * @return true when a walk would find a closed connection
	 */
	boolean closedSinceLastWalk() {
		long closes = this.wire.connections().closes();
		if (closes == this.walkedAt) {
			return false;
		}
		this.walkedAt = closes;
		return true;
	}

	@Override
	public TcpNioConnection createNewConnection(SocketChannel channel, boolean server, boolean lookupHost,
			ApplicationEventPublisher publisher, String factoryName) {
		return new FramedNioConnection(channel, server, lookupHost, publisher, factoryName, this.wire);
	}

	@Override
	public TcpNetConnection createNewConnection(Socket socket, boolean server, boolean lookupHost,
			ApplicationEventPublisher publisher, String factoryName) {
		return new FramedNetConnection(socket, server, lookupHost, publisher, factoryName, this.wire);
	}

}
