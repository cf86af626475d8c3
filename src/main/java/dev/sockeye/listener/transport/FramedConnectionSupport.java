package dev.sockeye.listener.transport;

import java.net.Socket;
import java.nio.ByteBuffer;
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

	/**
	 * The most one read takes in, and the largest reply framed straight into the buffer.
	 */
	static final int IO_BUFFER_SIZE = 64 * 1024;

	private final ListenerWire wire;

	/** Closed since the factory last looked: what it still has to drop. */
	private final Queue<FramedConnection> closed = new ConcurrentLinkedQueue<>();

	/**
	 * The selector thread of this factory when it reads its connections: the only user of
	 * the buffer.
	 */
	private volatile Thread ioThread;

	private ByteBuffer ioBuffer;

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

	/**
	 * Gives the loop's direct buffer to the factory's selector thread, when connections
	 * are read on it (a service that does not block): call on that thread, before it
	 * selects.
	 */
	void readOnThisThread() {
		this.ioBuffer = ByteBuffer.allocateDirect(IO_BUFFER_SIZE);
		this.ioThread = Thread.currentThread();
	}

	/**
	 * The loop's own direct buffer, through which plain (not TLS) reads and the replies
	 * written on the selector thread go. A heap buffer would go through the JDK's
	 * per-thread temporary direct buffer, at the cost of a thread-local lookup and a
	 * cache search per read and per write; the copies are the same.
	 * @return the buffer, cleared, on the selector thread that reads; null on any other
	 * thread (a worker, a service's thread) and when reads run on workers
	 */
	ByteBuffer ioBuffer() {
		return (this.ioThread == Thread.currentThread()) ? this.ioBuffer.clear() : null;
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
