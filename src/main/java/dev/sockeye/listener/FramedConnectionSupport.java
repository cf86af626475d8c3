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

	private static final long WALK_INTERVAL_MILLIS = 250;

	private static final long WALK_INTERVAL_NANOS = WALK_INTERVAL_MILLIS * 1_000_000;

	private final ListenerWire wire;

	private long walkedAtCloses;

	private long walkedAtNanos = System.nanoTime() - WALK_INTERVAL_NANOS;

	FramedConnectionSupport(ListenerWire wire) {
		this.wire = wire;
	}

	/**
	 * Whether Spring Integration's factory should walk its connections now to drop the closed ones. It walks them all
	 * after each select (NIO) or accept (blocking): O(connections) per round, which a few thousand idle connections turn
	 * into most of the I/O thread's time. Sockeye's factories walk only when a connection has closed since the last
	 * walk, and at most every {@value #WALK_INTERVAL_MILLIS} ms: clients that connect and get closed all the time
	 * (slowloris attackers timed out and back at once) would otherwise have it walk after nearly every select. A
	 * closed connection stays in that map until the walk, which comes with the listener's next select or accept once
	 * the interval has passed (on a listener that then goes quiet, at its next event). The map is Spring Integration's
	 * bookkeeping alone: the connection's socket is closed and Sockeye has counted it closed. Called by the factory's
	 * one selector or accept thread.
	 * @return true when a walk is due and would find a closed connection
	 */
	boolean walkDue() {
		long closes = this.wire.connections().closes();
		if (closes == this.walkedAtCloses) {
			return false;
		}
		long now = System.nanoTime();
		if (now - this.walkedAtNanos < WALK_INTERVAL_NANOS) {
			return false;
		}
		this.walkedAtCloses = closes;
		this.walkedAtNanos = now;
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
