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

	private static final long MILLI = 1_000_000L;

	/** The first back-off after a failed reopen, doubled each time up to the longest. */
	static final long FIRST_BACKOFF_NANOS = 50 * MILLI;

	static final long LONGEST_BACKOFF_NANOS = 1000 * MILLI;

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

	/** True to reopen the connections the server closes. */
	private final boolean reconnect;

	/** Connections closed by the server and not established again yet, from 0. */
	private final BenchConnection[] reopening;

	/** Entries of {@link #reopening}, some perhaps established already. */
	int reopeningCount;

	/** True once the load is over: closed connections are no longer reopened. */
	private boolean reopeningStopped;

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
		this.reconnect = settings.reconnect();
		this.reopening = this.reconnect ? new BenchConnection[connections.length] : null;
	}

	/**
	 * @return true with {@code --reconnect}
	 */
	boolean reconnects() {
		return this.reconnect;
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
				channel.configureBlocking(false);
				channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
				if (channel.connect(this.address)) {
					connected(c);
				}
				else {
					c.key = channel.register(this.selector, SelectionKey.OP_CONNECT, c);
				}
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
			reopenFailed(c, message);
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
		if (this.reconnect) {
			closedByServer(c);
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

	/**
	 * With {@code --reconnect}: the server closed the connection. Requests in flight at a
	 * close between replies were probably never read (a server closes at a frame
	 * boundary), so they are resent once on the new connection; those resent once
	 * already, or in flight at a close in the middle of a reply, are lost. Requests
	 * queued and not written yet are dropped: the closed loop puts its depth back on
	 * reopening.
	 */
	private void closedByServer(BenchConnection c) {
		long written = c.sent - c.queued;
		boolean answered = c.received > c.receivedAtOpen;
		long lost = c.partialReply() ? written - c.received : Math.max(0, Math.min(c.resentUpTo, written) - c.received);
		if (lost > 0) {
			this.results.requestsLost += lost;
			c.received += lost;
		}
		c.forgetPartialReply();
		c.sent = written;
		close(c);
		if (c.overflow != null) {
			c.overflow.clear();
		}
		c.writeInterest = false;
		if (this.reopeningStopped && c.outstanding() == 0) {
			return;
		}
		// a connection closed before any reply is a failure too: a server that accepts
		// and closes at once is not reconnected to in a spin
		c.reopenFailures = answered ? 0 : c.reopenFailures + 1;
		c.reopenAt = System.nanoTime() + backoff(c.reopenFailures);
		c.reopening = true;
		if (!c.listed) {
			c.listed = true;
			this.reopening[this.reopeningCount++] = c;
		}
	}

	/**
	 * @return how long to wait before reopening after {@code failures} failures in a row:
	 * nothing after none, then 50 ms doubling up to 1 s
	 */
	static long backoff(int failures) {
		if (failures <= 0) {
			return 0;
		}
		return Math.min(LONGEST_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(failures - 1, 10));
	}

	/**
	 * Starts the reopens that are due and fails those past the connect timeout, without
	 * waiting for any.
	 * @param now System.nanoTime
	 * @return when the next reopen is due or times out, Long.MAX_VALUE for none
	 */
	long reopenDue(long now) {
		long next = Long.MAX_VALUE;
		long timeout = this.settings.connectTimeoutNanos();
		int kept = 0;
		for (int i = 0; i < this.reopeningCount; i++) {
			BenchConnection c = this.reopening[i];
			if (c.reopening) {
				if (c.connectingAgain) {
					if (now - c.reopenAt >= timeout) {
						reopenFailed(c,
								(c.tls != null)
										? "TLS handshake with " + this.settings.target() + " timed out after "
												+ this.settings.connectTimeoutText()
										: "connect timed out after " + this.settings.connectTimeoutText());
					}
				}
				else if (now - c.reopenAt >= 0) {
					reopen(c, now);
				}
			}
			if (c.reopening) {
				this.reopening[kept++] = c;
				next = Math.min(next, c.connectingAgain ? c.reopenAt + timeout : c.reopenAt);
			}
			else {
				c.listed = false;
			}
		}
		for (int i = kept; i < this.reopeningCount; i++) {
			this.reopening[i] = null;
		}
		this.reopeningCount = kept;
		return next;
	}

	/**
	 * Opens a new channel for a connection the server closed, connecting it non-blocking.
	 */
	private void reopen(BenchConnection c, long now) {
		c.connectingAgain = true;
		c.reopenAt = now;
		c.key = null;
		c.tls = null;
		c.tlsOutput = null;
		c.writeInterest = false;
		SocketChannel channel;
		try {
			channel = SocketChannel.open();
		}
		catch (IOException ex) {
			reopenFailed(c, BenchWorker.describe(ex));
			return;
		}
		c.channel = channel;
		try {
			channel.configureBlocking(false);
			channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			if (channel.connect(this.address)) {
				connected(c);
			}
			else {
				c.key = channel.register(this.selector, SelectionKey.OP_CONNECT, c);
			}
		}
		catch (IOException | RuntimeException ex) {
			reopenFailed(c, BenchWorker.describe(ex));
		}
	}

	/** A reopen failed: counted, not an error; the next waits for the back-off. */
	private void reopenFailed(BenchConnection c, String message) {
		this.results.reconnectFailures++;
		if (this.results.reconnectFailure == null) {
			this.results.reconnectFailure = message;
		}
		if (c.key != null) {
			c.key.cancel();
			c.key = null;
		}
		try {
			c.channel.close();
		}
		catch (IOException ignored) {
			// nothing to do
		}
		c.connectingAgain = false;
		c.reopenFailures++;
		c.reopenAt = System.nanoTime() + backoff(c.reopenFailures);
	}

	/**
	 * The load is over: connections are reopened only to resend requests they had in
	 * flight, so that the end of the run does not lose them.
	 */
	void stopReopening() {
		this.reopeningStopped = true;
		for (int i = 0; i < this.reopeningCount; i++) {
			BenchConnection c = this.reopening[i];
			if (c.reopening && c.outstanding() == 0) {
				cancelReopen(c);
			}
		}
	}

	/**
	 * @return requests waiting for their connection to be reopened
	 */
	long reopeningOutstanding() {
		long due = 0;
		for (int i = 0; i < this.reopeningCount; i++) {
			BenchConnection c = this.reopening[i];
			if (c.reopening) {
				due += c.outstanding();
			}
		}
		return due;
	}

	/** The end of the run: requests still waiting for a reopen are lost. */
	void abandonReopening() {
		for (int i = 0; i < this.reopeningCount; i++) {
			BenchConnection c = this.reopening[i];
			if (c.reopening) {
				this.results.requestsLost += c.outstanding();
				c.received = c.sent;
				cancelReopen(c);
			}
			c.listed = false;
			this.reopening[i] = null;
		}
		this.reopeningCount = 0;
	}

	private void cancelReopen(BenchConnection c) {
		if (c.connectingAgain) {
			if (c.key != null) {
				c.key.cancel();
			}
			try {
				c.channel.close();
			}
			catch (IOException ignored) {
				// nothing to do
			}
			c.connectingAgain = false;
		}
		c.reopening = false;
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
