package dev.sockeye.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.function.Consumer;

import dev.sockeye.bench.wire.ReplyParser;
import dev.sockeye.tls.NonBlockingTls;

/**
 * Serves the connections a worker's selector finds ready, so that plain and TLS replies
 * are read and parsed alike.
 */
final class ReadyHandler {

	/**
	 * A TLS read this large probably filled the engine's buffer, so there may be more to
	 * read at once.
	 */
	private static final int LARGE_TLS_READ = 16 * 1024;

	private final ReplyParser<BenchConnection> parser;

	private final Connector connector;

	private final RequestWriter writer;

	private final NonBlockingTls.PlainInput decrypted = this::decrypted;

	/** The TLS connection being read, whose decrypted bytes {@link #decrypted} takes. */
	private BenchConnection decrypting;

	/** Handles a ready connection while connecting. */
	final Consumer<SelectionKey> onConnectReady = this::onConnectReady;

	/**
	 * Handles a ready connection during the load: {@link #onReady}, or
	 * {@link #onReadyTls} with TLS.
	 */
	final Consumer<SelectionKey> onReady;

	ReadyHandler(ReplyParser<BenchConnection> parser, Connector connector, RequestWriter writer, boolean tls) {
		this.parser = parser;
		this.connector = connector;
		this.writer = writer;
		// chosen once: plain connections run exactly the code they ran before TLS existed
		this.onReady = tls ? this::onReadyTls : this::onReady;
	}

	private void onConnectReady(SelectionKey key) {
		BenchConnection c = (BenchConnection) key.attachment();
		if (c.open) {
			// connected already: what the server says before the load (a TLS session
			// ticket, an alert) is read as usual
			this.onReady.accept(key);
			return;
		}
		if (c.tls != null) {
			// handshaking
			int ready = key.readyOps();
			if ((ready & SelectionKey.OP_WRITE) != 0 && c.overflowing()) {
				this.writer.writeOverflow(c);
			}
			if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) {
				readTls(c);
			}
			return;
		}
		this.connector.finishConnect(c);
	}

	private void onReady(SelectionKey key) {
		BenchConnection c = (BenchConnection) key.attachment();
		if (!c.open) {
			// reopening, with --reconnect
			onConnectReady(key);
			return;
		}
		int ready = key.readyOps();
		if ((ready & SelectionKey.OP_READ) != 0) {
			read(c);
		}
		if (c.open && (ready & SelectionKey.OP_WRITE) != 0 && c.overflowing()) {
			this.writer.writeOverflow(c);
		}
	}

	private void onReadyTls(SelectionKey key) {
		BenchConnection c = (BenchConnection) key.attachment();
		if (!c.open) {
			// reopening, with --reconnect
			onConnectReady(key);
			return;
		}
		int ready = key.readyOps();
		if ((ready & SelectionKey.OP_READ) != 0) {
			readTls(c);
		}
		if (c.open && (ready & SelectionKey.OP_WRITE) != 0 && c.overflowing()) {
			this.writer.writeOverflow(c);
		}
	}

	private void read(BenchConnection c) {
		ByteBuffer in = this.parser.resume(c);
		for (;;) {
			int n;
			try {
				n = c.channel.read(in);
			}
			catch (IOException ex) {
				this.connector.lost(c, ex);
				return;
			}
			if (n < 0) {
				this.connector.lost(c, null);
				return;
			}
			if (n == 0) {
				break;
			}
			boolean full = !in.hasRemaining();
			this.parser.parse(c, System.nanoTime());
			if (!c.open || !full) {
				break;
			}
		}
		if (c.open) {
			keepRest(c);
		}
	}

	/**
	 * Reads a TLS connection: the engine decrypts, {@link #decrypted} puts the plain
	 * bytes in the parser's buffer and parses them as {@link #read} does. While the
	 * connection is handshaking, a failure is a failed connect and the end of the
	 * handshake makes it established.
	 */
	private void readTls(BenchConnection c) {
		this.parser.resume(c);
		boolean handshaking = !c.open;
		int n;
		this.decrypting = c;
		try {
			do {
				n = c.tls.read(c.channel, this.decrypted, c.tlsOutput);
			}
			while (n >= LARGE_TLS_READ && !handshaking && c.open);
		}
		catch (IOException | RuntimeException ex) {
			if (handshaking) {
				this.connector.handshakeFailed(c, ex);
			}
			else {
				this.connector.lost(c, ex);
			}
			return;
		}
		finally {
			this.decrypting = null;
		}
		if (handshaking) {
			if (n < 0) {
				this.connector.handshakeClosed(c);
				return;
			}
			if (c.tls.isHandshaking()) {
				return;
			}
			try {
				this.connector.established(c);
			}
			catch (IOException | RuntimeException ex) {
				this.connector.handshakeFailed(c, ex);
				return;
			}
		}
		else if (n < 0) {
			this.connector.lost(c, null);
			return;
		}
		if (!c.open) {
			return;
		}
		keepRest(c);
	}

	/**
	 * Takes the decrypted bytes of the connection being read into the parser's buffer,
	 * parsing as it fills.
	 */
	private void decrypted(ByteBuffer plain) {
		BenchConnection c = this.decrypting;
		ByteBuffer in = this.parser.input();
		while (plain.hasRemaining()) {
			int at = in.position();
			int count = Math.min(in.capacity() - at, plain.remaining());
			if (count == 0) {
				// parse always leaves room; this would be a bug
				throw new IllegalStateException("no room for decrypted bytes");
			}
			in.put(at, plain, plain.position(), count);
			in.position(at + count);
			plain.position(plain.position() + count);
			this.parser.parse(c, System.nanoTime());
		}
	}

	/**
	 * After a read: keeps the start of a reply that has not fully arrived with its
	 * connection, and lists the connection for writing when its replies queued requests.
	 */
	private void keepRest(BenchConnection c) {
		this.parser.suspend(c);
		this.writer.listIfQueued(c);
	}

}
