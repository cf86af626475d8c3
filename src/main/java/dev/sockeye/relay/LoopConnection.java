package dev.sockeye.relay;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledFuture;

import dev.sockeye.framing.FrameBuffer;
import dev.sockeye.framing.FramingException;
import dev.sockeye.relay.LoopPool.LoopExchange;
import dev.sockeye.service.EventLoop.LoopHandler;

/**
 * One non-blocking connection to an upstream on a listener's event loop, with at most one
 * request out: connects, writes the request (what the socket does not take at once on the
 * next writable select), reads and decodes the reply, all on the loop's thread.
 */
final class LoopConnection implements LoopHandler {

	private final LoopPool pool;

	private final FrameBuffer input;

	private SocketChannel channel;

	private SelectionKey key;

	private ByteBuffer output;

	/** The request out on this connection, or null while idle. */
	private LoopExchange exchange;

	private ScheduledFuture<?> connectTimer;

	/** Read by a stopping thread. */
	private volatile boolean connected;

	private boolean closed;

	LoopConnection(LoopPool pool) {
		this.pool = pool;
		this.input = pool.codec.newBuffer();
	}

	/** Opens the connection for its first request. */
	void connect(LoopExchange first) {
		take(first);
		try {
			this.channel = SocketChannel.open();
			this.pool.opened(this);
			this.channel.configureBlocking(false);
			this.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			boolean now = this.channel.connect(this.pool.address);
			this.key = this.pool.loop.register(this.channel, now ? 0 : SelectionKey.OP_CONNECT, this);
			if (now) {
				connected();
			}
			else {
				this.connectTimer = this.pool.schedule(this::connectTimedOut, this.pool.connectTimeoutMillis());
			}
		}
		catch (IOException ex) {
			fail(ex);
		}
	}

	/** Sends a request on this idle connection. */
	void send(LoopExchange next) {
		take(next);
		try {
			flush();
		}
		catch (IOException ex) {
			fail(ex);
		}
	}

	private void take(LoopExchange next) {
		this.exchange = next;
		next.connection = this;
		this.output = ByteBuffer.wrap(next.frame);
	}

	@Override
	public void ready(SelectionKey key) {
		try {
			if (!this.connected) {
				if (key.isConnectable() && this.channel.finishConnect()) {
					connected();
				}
				return;
			}
			if (key.isWritable()) {
				flush();
			}
			if (key.isReadable()) {
				read();
			}
		}
		catch (IOException ex) {
			fail(ex);
		}
	}

	boolean isConnected() {
		return this.connected;
	}

	private void connected() throws IOException {
		this.connected = true;
		if (this.connectTimer != null) {
			this.connectTimer.cancel(false);
		}
		this.pool.metrics.connectionOpened();
		flush();
	}

	private void connectTimedOut() {
		if (!this.connected && !this.closed) {
			fail(new ConnectException("connect timed out after " + this.pool.connectTimeoutMillis() + " ms"));
		}
	}

	/**
	 * Writes what the socket takes of the request; waits for writable for the rest, and
	 * reads (replies, or an idle connection's close) otherwise.
	 */
	private void flush() throws IOException {
		if (this.output != null) {
			this.channel.write(this.output);
			if (!this.output.hasRemaining()) {
				this.output = null;
			}
		}
		int ops = (this.output != null) ? SelectionKey.OP_WRITE : SelectionKey.OP_READ;
		if (this.key.interestOps() != ops) {
			this.key.interestOps(ops);
		}
	}

	private void read() throws IOException {
		while (true) {
			ByteBuffer view = this.input.writableView();
			int room = view.remaining();
			int count = this.channel.read(view);
			if (count < 0) {
				fail(new EOFException(
						"upstream closed the connection" + ((this.exchange != null) ? " before replying" : "")));
				return;
			}
			this.input.written(count);
			if (count == 0) {
				return;
			}
			if (this.exchange == null) {
				// nothing was asked: bytes that no request can own
				close();
				return;
			}
			byte[] reply = this.pool.codec.decode(this.input);
			if (reply != null) {
				replied(reply);
				return;
			}
			if (count < room) {
				// the socket had no more; the rest comes with the next select
				return;
			}
		}
	}

	private void replied(byte[] reply) {
		LoopExchange answered = this.exchange;
		this.exchange = null;
		if (this.input.readable() > 0) {
			// more than one reply to one request: the connection cannot be trusted
			close();
		}
		else {
			this.pool.released(this);
		}
		answered.complete(reply);
	}

	private void fail(IOException failure) {
		LoopExchange failed = this.exchange;
		this.exchange = null;
		close();
		if (failed != null) {
			failed.fail(failure);
		}
	}

	/** Closes the connection on the loop; a request it carries is the caller's. */
	void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		if (this.connectTimer != null) {
			this.connectTimer.cancel(false);
		}
		closeChannel();
		this.pool.closed(this, this.connected);
	}

	/** Closes the channel only; safe from any thread. */
	void closeChannel() {
		try {
			if (this.channel != null) {
				this.channel.close();
			}
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

}
