package dev.sockeye.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import javax.net.ssl.SSLSession;

import dev.sockeye.proxy.ProxyHeaderEncoder;
import dev.sockeye.tls.ClientTls;
import dev.sockeye.tls.NonBlockingTls;

/**
 * Opens a worker's connections, with TLS through their handshakes, and closes them, so
 * that the load starts on established connections only and every failure is counted once.
 * With {@code --reconnect} it reopens the connections the server closes, without blocking
 * the worker's selector and with a back-off, so that a drained server is followed to its
 * replacement and a dead one is not hammered.
 */
final class Connector {

	private final Selector selector;

	private final BenchConnection[] connections;

	private final InetSocketAddress address;

	/** TLS for every connection, or null for plain TCP. */
	private final ClientTls tls;

	private final LoadSettings settings;

	private final int firstId;

	/** Send times kept per connection, to place each connection's in the ring. */
	private final int ringSize;

	private final int overflowCapacity;

	private final Results results;

	/**
	 * The connections' write lock, as {@link NonBlockingTls} wants one: never contended,
	 * the worker is one thread.
	 */
	private final Lock tlsLock = new ReentrantLock();

	/** Connections still connecting (with TLS, until their handshake is done). */
	private int connecting;

	/** Connections established and not closed. */
	int alive;

	/** Reopens the connections the server closes; null without {@code --reconnect}. */
	private final Reopener reopener;

	/**
	 * Told when a reopened connection is established, to put its requests back in flight.
	 */
	Consumer<BenchConnection> onReopened = (c) -> {
	};

	Connector(Selector selector, BenchConnection[] connections, InetSocketAddress address, ClientTls tls,
			LoadSettings settings, int firstId, int ringSize, int overflowCapacity, Results results) {
		this.selector = selector;
		this.connections = connections;
		this.address = address;
		this.tls = tls;
		this.settings = settings;
		this.firstId = firstId;
		this.ringSize = ringSize;
		this.overflowCapacity = overflowCapacity;
		this.results = results;
		this.reopener = settings.reconnect() ? new Reopener(this, connections.length, settings, results) : null;
	}

	/**
	 * @return true with {@code --reconnect}
	 */
	boolean reconnects() {
		return this.reopener != null;
	}

	/**
	 * @return what reopens the connections the server closes, with {@code --reconnect};
	 * else null
	 */
	Reopener reopener() {
		return this.reopener;
	}

	/**
	 * Opens every connection and waits for them until the connect timeout.
	 * @param onConnectReady handles a ready connection while connecting
	 */
	void connect(Consumer<SelectionKey> onConnectReady) throws IOException {
		BenchConnection[] pending = this.connections;
		for (int i = 0; i < pending.length; i++) {
			SocketChannel channel;
			try {
				channel = SocketChannel.open();
			}
			catch (IOException ex) {
				this.results.errors++;
				this.results.connectFailures++;
				this.results.error(BenchWorker.describe(ex));
				continue;
			}
			BenchConnection c = new BenchConnection(this.firstId + i, i * this.ringSize, channel,
					this.overflowCapacity);
			pending[i] = c;
			this.connecting++;
			try {
				open(c, channel);
			}
			catch (IOException | RuntimeException ex) {
				connectFailed(c, BenchWorker.describe(ex));
			}
		}
		long deadline = System.nanoTime() + this.settings.connectTimeoutNanos();
		while (this.connecting > 0) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				break;
			}
			this.selector.select(onConnectReady, Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
		}
		for (BenchConnection c : pending) {
			if (c != null && !c.open && c.key != null && c.key.isValid()) {
				connectFailed(c,
						(c.tls != null)
								? "TLS handshake with " + this.settings.target() + " timed out after "
										+ this.settings.connectTimeoutText()
								: "connect timed out after " + this.settings.connectTimeoutText());
			}
		}
	}

	/** Connects a new channel for the connection, without waiting. */
	void open(BenchConnection c, SocketChannel channel) throws IOException {
		channel.configureBlocking(false);
		channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
		if (channel.connect(this.address)) {
			connected(c);
		}
		else {
			c.key = channel.register(this.selector, SelectionKey.OP_CONNECT, c);
		}
	}

	/** A plain connection's TCP connect is ready to finish. */
	void finishConnect(BenchConnection c) {
		try {
			if (!c.channel.finishConnect()) {
				return;
			}
		}
		catch (IOException | RuntimeException ex) {
			connectFailed(c, BenchWorker.describe(ex));
			return;
		}
		connected(c);
	}

	/**
	 * The connection's TCP is up: it is established, or with TLS its handshake begins.
	 */
	private void connected(BenchConnection c) {
		try {
			if (this.settings.proxyProtocol() != 0) {
				writeProxyHeader(c);
			}
			if (this.tls == null) {
				established(c);
			}
			else {
				startTls(c);
			}
		}
		catch (IOException | RuntimeException ex) {
			if (this.tls == null) {
				connectFailed(c, BenchWorker.describe(ex));
			}
			else {
				handshakeFailed(c, ex);
			}
		}
	}

	/**
	 * Writes a PROXY protocol header naming the connection's own addresses, before
	 * anything else (TLS included), as a balancer would.
	 */
	private void writeProxyHeader(BenchConnection c) throws IOException {
		InetSocketAddress local = (InetSocketAddress) c.channel.getLocalAddress();
		InetSocketAddress remote = (InetSocketAddress) c.channel.getRemoteAddress();
		ByteBuffer header = ByteBuffer.wrap((this.settings.proxyProtocol() == 1) ? ProxyHeaderEncoder.v1(local, remote)
				: ProxyHeaderEncoder.v2(local, remote));
		c.channel.write(header);
		if (header.hasRemaining()) {
			// a new connection's send buffer takes far more than a header
			throw new IOException("the socket did not take the PROXY header");
		}
	}

	private void startTls(BenchConnection c) throws IOException {
		c.tls = new NonBlockingTls(this.tls.newEngine(this.settings.host(), this.settings.port()), this.tlsLock, () -> {
		});
		c.tlsOutput = (records, endOfMessage) -> c.writeRecords(records);
		if (c.key == null) {
			c.key = c.channel.register(this.selector, SelectionKey.OP_READ, c);
		}
		else {
			c.key.interestOps(SelectionKey.OP_READ);
		}
		c.tls.start(c.tlsOutput);
	}

	/**
	 * The connection is ready for the load: connected, and with TLS through its
	 * handshake.
	 */
	void established(BenchConnection c) throws IOException {
		if (c.key == null) {
			c.key = c.channel.register(this.selector, SelectionKey.OP_READ, c);
		}
		else if (c.tls == null) {
			c.key.interestOps(SelectionKey.OP_READ);
		}
		c.open = true;
		if (c.connectingAgain) {
			c.connectingAgain = false;
			c.reopening = false;
			c.receivedAtOpen = c.received;
			this.results.reconnects++;
			this.alive++;
			this.onReopened.accept(c);
			return;
		}
		this.connecting--;
		this.results.connected++;
		this.alive++;
		if (c.tls != null && this.results.tlsProtocol == null) {
			SSLSession session = c.tls.engine().getSession();
			this.results.tlsProtocol = session.getProtocol();
			this.results.tlsCipherSuite = session.getCipherSuite();
			this.results.tlsClientCertificate = session.getLocalCertificates() != null;
		}
	}

	void handshakeFailed(BenchConnection c, Exception ex) {
		connectFailed(c, "TLS handshake with " + this.settings.target() + " failed: " + BenchWorker.describe(ex));
	}

	void handshakeClosed(BenchConnection c) {
		connectFailed(c, "TLS handshake with " + this.settings.target() + " failed: the server closed the connection");
	}

	private void connectFailed(BenchConnection c, String message) {
		if (c.connectingAgain) {
			this.reopener.failed(c, message);
			return;
		}
		this.connecting--;
		this.results.errors++;
		this.results.connectFailures++;
		this.results.error(message);
		if (c.key != null) {
			c.key.cancel();
		}
		try {
			c.channel.close();
		}
		catch (IOException ignored) {
			// nothing to do
		}
	}

	/** The server closed the connection, or reading or writing it failed. */
	void lost(BenchConnection c, Exception ex) {
		if (this.reopener != null) {
			this.reopener.closedByServer(c);
			return;
		}
		this.results.lost++;
		if (ex != null) {
			this.results.error("connection lost: " + BenchWorker.describe(ex));
		}
		close(c);
	}

	void close(BenchConnection c) {
		if (!c.open) {
			return;
		}
		c.open = false;
		c.queued = 0;
		this.alive--;
		c.key.cancel();
		try {
			c.channel.close();
		}
		catch (IOException ignored) {
			// nothing to do
		}
	}

	/** Closes every connection and the selector at the end of the run. */
	void closeAll() {
		for (BenchConnection c : this.connections) {
			if (c != null) {
				if (c.open && c.tls != null && !c.overflowing()) {
					// close_notify, best effort, so that the server sees a clean end of
					// TLS
					c.tls.close((records, endOfMessage) -> c.channel.write(records));
				}
				c.open = false;
				try {
					c.channel.close();
				}
				catch (IOException ignored) {
					// nothing to do
				}
			}
		}
		try {
			this.selector.close();
		}
		catch (IOException ignored) {
			// nothing to do
		}
	}

}
