package dev.sockeye.listener.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Map;
import dev.sockeye.listener.connection.Admission;
import dev.sockeye.service.EventLoop;
import dev.sockeye.service.EventLoop.LoopHandler;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.integration.ip.tcp.connection.TcpConnectionSupport;
import org.springframework.integration.ip.tcp.connection.TcpNioConnection;
import org.springframework.integration.ip.tcp.connection.TcpNioServerConnectionFactory;

/**
 * An NIO server connection factory that asks {@link Admission} about each accepted
 * channel before it becomes a connection: a refused channel is closed on the spot, with
 * no connection object, no open event and no log line of its own. Otherwise the same
 * steps as Spring Integration's {@code doAccept}, through its protected hooks.
 */
final class AdmittingNioServerConnectionFactory extends TcpNioServerConnectionFactory {

	private static final Log logger = LogFactory.getLog(AdmittingNioServerConnectionFactory.class);

	/**
	 * The most connections accepted per selector round: enough that a storm of connects
	 * is accepted while the open connections keep the rounds long (64 left 10,000
	 * connecting clients seconds behind, see docs/performance.md), bounded so that a
	 * round still reaches the reads.
	 */
	static final int ACCEPT_BATCH = 1024;

	private final FramedConnectionSupport connections;

	private final Admission admission;

	private final boolean inline;

	/** This factory's selector thread as services see it, when reads run on it. */
	private final SelectorLoop loop;

	AdmittingNioServerConnectionFactory(int port, FramedConnectionSupport connections, Admission admission,
			ListenerExecutor executor) {
		super(port);
		this.connections = connections;
		this.admission = admission;
		this.inline = executor.isInline();
		this.loop = this.inline ? new SelectorLoop() : null;
		setTcpNioConnectionSupport(connections);
		setTaskExecutor(executor);
	}

	/**
	 * Runs the selector thread, as the current {@link EventLoop} and with the loop's
	 * direct buffer when reads are inline.
	 */
	@Override
	public void run() {
		EventLoop.bind(this.loop);
		if (this.inline) {
			this.connections.readOnThisThread();
		}
		try {
			super.run();
		}
		finally {
			EventLoop.bind(null);
		}
	}

	@Override
	protected void doAccept(Selector selector, ServerSocketChannel server, long now) {
		try {
			SocketChannel channel;
			int accepted = 0;
			// a bounded batch, so that a flood of connects cannot hold up reads on open
			// connections for long: the server channel stays ready and the rest is
			// accepted after the next select
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
	 * Handles the selected keys. When reads run on the selector thread
	 * ({@link ListenerExecutor#isInline()}), each readable connection is read right here
	 * and stays registered for reads: Spring Integration's own handling takes the key's
	 * read interest away, hands the read to the executor, then gives the interest back
	 * and wakes the selector, which is three system calls more per message (a write to
	 * wake the selector, a select that returns at once, a read to clear the wake) for a
	 * thread that was about to select anyway. Otherwise Spring Integration's handling,
	 * except that a select which selected nothing does not walk every channel: that is
	 * every wakeup, and with thousands of idle connections the walk would run between
	 * most reads. Inline, the keys of a service's own channels (a relay's upstream
	 * connections, attached a {@link LoopHandler}) go to their handler, and tasks that
	 * other threads gave the loop run after the keys.
	 */
	@Override
	protected void processNioSelections(int selectionCount, Selector selector, ServerSocketChannel server,
			Map<SocketChannel, TcpNioConnection> connectionMap) {
		if (!this.inline) {
			super.processNioSelections(Math.max(selectionCount, 1), selector, server, connectionMap);
			return;
		}
		long now = System.currentTimeMillis();
		this.loop.selecting(selector);
		harvestClosedConnections();
		Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
		while (keys.hasNext()) {
			SelectionKey key = keys.next();
			keys.remove();
			try {
				if (key.attachment() instanceof LoopHandler handler) {
					// a service's own channel on this loop (a relay's upstream
					// connection)
					SelectorLoop.ready(handler, key);
				}
				else if (key.isReadable()) {
					read((TcpNioConnection) key.attachment(), now);
				}
				else if (key.isAcceptable()) {
					doAccept(selector, server, now);
				}
			}
			catch (CancelledKeyException ex) {
				// closed while selected
			}
			catch (RuntimeException ex) {
				logger.error("Could not handle a selected key " + key + ": " + ex.getMessage(), ex);
			}
		}
		this.loop.runTasks();
	}

	private static void read(TcpNioConnection connection, long now) {
		connection.setLastRead(now);
		try {
			connection.readPacket();
		}
		catch (RuntimeException ex) {
			// readPacket reports its own I/O and framing failures; this is a bug, kept to
			// its connection
			logger.error("Exception on read " + connection.getConnectionId() + ": " + ex.getMessage(), ex);
			connection.close();
		}
	}

	/**
	 * Drops the connections closed since the last round from Spring Integration's
	 * connection map and its map of channels, one by one, instead of its walks of every
	 * connection (see {@link FramedConnectionSupport#forgetClosed}). A close from another
	 * thread wakes the selector, so they go at once. Runs on the selector thread, which
	 * alone touches the channel map.
	 */
	@Override
	protected void harvestClosedConnections() {
		this.connections.forgetClosed((closed) -> {
			closeConnection(closed.getConnectionId());
			getConnections().remove(((FramedNioConnection) closed).channel());
		});
	}

	/**
	 * Drops at once a connection that closed before Spring Integration knew of it: its
	 * turn to be dropped is past.
	 */
	@Override
	protected void addConnection(TcpConnectionSupport connection) {
		super.addConnection(connection);
		if (!connection.isOpen()) {
			closeConnection(connection.getConnectionId());
		}
	}

	/**
	 * @return how many channels Spring Integration's channel map holds
	 */
	int channelCount() {
		return getConnections().size();
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
		// Spring Integration closes the selector while still active, and its select loop
		// then logs an error
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
			((FramedNioConnection) connection).greet();
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
