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

	FramedConnectionSupport(ListenerWire wire) {
		this.wire = wire;
	}

	/**
	 * @return how many of the listener's connections have closed so far. Spring Integration's factories walk every
	 * connection to drop the closed ones after each select (NIO) or accept (blocking): O(connections) per round, which
	 * a few thousand idle connections turn into most of the I/O thread's time. Sockeye's factories walk only when this
	 * count has moved.
	 */
	long closes() {
		return this.wire.connections().closes();
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
