package dev.sockeye.listener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.integration.ip.tcp.connection.TcpConnectionSupport;
import org.springframework.integration.ip.tcp.connection.TcpNioConnection;
import org.springframework.integration.ip.tcp.connection.TcpNioServerConnectionFactory;

/**
 * An NIO server connection factory that asks {@link Admission} about each accepted channel before it becomes a
 * connection: a refused channel is closed on the spot, with no connection object, no open event and no log line of
 * its own. Otherwise the same steps as Spring Integration's {@code doAccept}, through its protected hooks.
 */
final class AdmittingNioServerConnectionFactory extends TcpNioServerConnectionFactory {

	private static final Log logger = LogFactory.getLog(AdmittingNioServerConnectionFactory.class);

	/** The most connections accepted per selector round. */
	static final int ACCEPT_BATCH = 64;

	private final FramedConnectionSupport connections;

	private final Admission admission;

	AdmittingNioServerConnectionFactory(int port, FramedConnectionSupport connections, Admission admission) {
		super(port);
		this.connections = connections;
		this.admission = admission;
		setTcpNioConnectionSupport(connections);
	}

	@Override
	protected void doAccept(Selector selector, ServerSocketChannel server, long now) {
		try {
			SocketChannel channel;
			int accepted = 0;
			// a bounded batch, so that a flood of connects cannot hold up reads on open connections: the server channel
			// stays ready and the rest is accepted after the next select
			while (accepted++ < ACCEPT_BATCH && (channel = server.accept()) != null) {
				if (isShuttingDown() || !this.admission.admit(channel.socket().getInetAddress())) {
					closeQuietly(channel);
					continue;
				}
				register(selector, channel, now);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Spring Integration also walks every channel after a select that selected nothing, which is every wakeup, and an
	 * inline read asks for one: with thousands of idle connections that walk would run between most reads. Its timed
	 * walk (every {@code nio-harvest-interval}, 2 s) still drops closed channels from the selector's map.
	 */
	@Override
	protected void processNioSelections(int selectionCount, Selector selector, ServerSocketChannel server,
			Map<SocketChannel, TcpNioConnection> connectionMap) {
		super.processNioSelections(Math.max(selectionCount, 1), selector, server, connectionMap);
	}

	/** Walks the connections only when one has closed (see {@link FramedConnectionSupport#closedSinceLastWalk()}). */
	@Override
	protected void harvestClosedConnections() {
		if (this.connections.closedSinceLastWalk()) {
			super.harvestClosedConnections();
		}
	}

	/** Stops accepting: closes the server channel, keeping every open connection. */
	void stopAccepting() {
		setListening(false);
		ServerSocketChannel server = getServerChannel();
		if (server != null) {
			closeQuietly(server);
		}
	}

	@Override
	public void stop() {
		// Spring Integration closes the selector while still active, and its select loop then logs an error
		setActive(false);
		super.stop();
	}

	private void register(Selector selector, SocketChannel channel, long now) {
		String remote = channel.socket().getInetAddress().getHostAddress();
		TcpNioConnection connection = null;
		try {
			channel.configureBlocking(false);
			Socket socket = channel.socket();
			setSocketAttributes(socket);
			connection = this.connections.createNewConnection(channel, true, isLookupHost(),
					getApplicationEventPublisher(), getComponentName());
			connection.setUsingDirectBuffers(isUsingDirectBuffers());
			TcpConnectionSupport wrapped = wrapConnection(connection);
			initializeConnection(wrapped, socket);
			((FramedNioConnection) connection).publishOpened();
			connection.setTaskExecutor(getTaskExecutor());
			connection.setLastRead(now);
			getConnections().put(channel, connection);
			((FramedNioConnection) connection).registered(channel.register(selector, SelectionKey.OP_READ, connection));
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not set up a connection from " + remote + ": " + ex.getMessage());
			if (connection != null) {
				connection.close();
			}
			else {
				this.admission.release(remote);
			}
			closeQuietly(channel);
		}
	}

	private static void closeQuietly(java.nio.channels.Channel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// closing a refused channel
		}
	}

}
