package dev.sockeye.listener;

import java.net.Socket;
import java.nio.channels.SocketChannel;
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

	FramedConnectionSupport(ListenerWire wire) {
		this.wire = wire;
	}

	/**
	 * Hands each connection closed since the last call to {@code forget}, for the factory
	 * to drop it from Spring Integration's maps. Spring Integration finds closed
	 * connections by walking all of them after each select (NIO) or accept (blocking),
	 * which costs O(connections) each time: with 1,000 slowloris clients timed out and
	 * back all the time, walks of 200 us to 1.8 ms on the I/O thread several times a
	 * second (measured). This costs O(closed). Called by the factory's one selector or
	 * accept thread.
	 * @param forget drops one closed connection
	 */
	void forgetClosed(Consumer<TcpConnection> forget) {
		TcpConnection closed;
		while ((closed = this.wire.connections().takeClosed()) != null) {
			forget.accept(closed);
		}
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
