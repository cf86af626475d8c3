package dev.sockeye.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import javax.net.ssl.SSLSession;

import dev.sockeye.tls.ClientTls;
import dev.sockeye.tls.NonBlockingTls;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * One I/O thread of a run: a selector over its share of the connections and non-blocking
 * channels. Nothing is allocated per request, and little is touched per connection: every
 * read goes into one direct buffer and every write comes from another, shared by all the
 * thread's connections (a connection keeps bytes of its own only for a reply that arrived
 * in pieces or a write the socket did not take whole). Requests are copied from a
 * template with their tag written in, replies are compared in place with an
 * expected-reply template, send times sit in one ring array and latencies go into an
 * HdrHistogram.
 * <p>
 * Closed loop: every connection keeps {@code depth} requests in flight, each reply sends
 * the next. Open loop: the worker sends on a fixed schedule, connection after connection,
 * whatever the replies, and measures each latency from the request's intended send time,
 * so a stalled server shows in the percentiles instead of slowing the load.
 * <p>
 * With TLS every connection has a {@link NonBlockingTls}, and the handshakes are part of
 * connecting. Requests are built in the same shared buffer and encrypted from it;
 * decrypted replies are copied into the shared input buffer and parsed there as plain
 * ones are. Plain connections take the same paths as before, TLS being a branch on the
 * connection.
 */
final class BenchWorker implements Runnable {

	/** Latencies above this (in ns) are recorded as this. */
	static final long HIGHEST_LATENCY = TimeUnit.HOURS.toNanos(1);

	private static final long MILLI = 1_000_000L;

	/**
	 * How often the warm-up's latencies are thrown away, so that the JIT sees the branch
	 * that ends it taken.
	 */
	private static final long RESET_NANOS = 100 * MILLI;

	private static final long WAIT_NANOS = 100 * MILLI;

	/**
	 * Empty polls before the closed loop blocks in select: under load the next replies
	 * are microseconds away, and a thread that does not sleep is not woken (an interrupt
	 * on the server's side, a VM exit on a virtual machine).
	 */
	private static final int SPINS = 64;

	/**
	 * How long to wait for outstanding replies at the end; those still missing then are
	 * errors.
	 */
	private static final long DRAIN_NANOS = 2000 * MILLI;

	/**
	 * A TLS read this large probably filled the engine's buffer, so there may be more to
	 * read at once.
	 */
	private static final int LARGE_TLS_READ = 16 * 1024;

	/**
	 * What a TLS record adds to its bytes at most (header, explicit nonce, MAC or tag,
	 * padding), generously.
	 */
	private static final int TLS_RECORD_OVERHEAD = 128;

	/** The largest TLS record's plain bytes. */
	private static final int TLS_RECORD = 16 * 1024;

	private final Coordinator coordinator;

	private final InetSocketAddress address;

	/** TLS for every connection, or null for plain TCP. */
	private final ClientTls tls;

	private final String host;

	private final int port;

	private final String target;

	/**
	 * The connections' write lock, as {@link NonBlockingTls} wants one: never contended,
	 * the worker is one thread.
	 */
	private final Lock tlsLock = new ReentrantLock();

	private final NonBlockingTls.PlainInput decrypted = this::decrypted;

	/** The TLS connection being read, whose decrypted bytes {@link #decrypted} takes. */
	private BenchConnection decrypting;

	/** Connections still connecting (with TLS, until their handshake is done). */
	private int connecting;

	private final Consumer<SelectionKey> onConnectReady = this::onConnectReady;

	private final BenchFrames frames;

	private final BenchConnection[] connections;

	private final int depth;

	/** Requests per second of this worker in an open loop, 0 in a closed loop. */
	private final double rate;

	private final int outstandingLimit;

	private final long connectTimeout;

	private final Selector selector;

	/**
	 * Handles a ready connection during the load: {@link #onReady}, or
	 * {@link #onReadyTls} with TLS.
	 */
	private final Consumer<SelectionKey> onReady;

	/**
	 * The expected reply frame, with the tag of the reply being checked written in;
	 * position 0, limit its length.
	 */
	private final ByteBuffer expected;

	private final int replyFrame;

	private final int firstId;

	/**
	 * Every read lands here, so that it stays in cache; a partial reply is carried by its
	 * connection.
	 */
	private final ByteBuffer in;

	/** Every write is built here. */
	private final ByteBuffer out;

	private final int requestFrame;

	/**
	 * Bytes one request takes on the wire at most: its frame, with TLS its records'
	 * overhead too.
	 */
	private final int requestWire;

	/**
	 * Capacity of a connection's overflow buffer, allocated when a write is not taken
	 * whole.
	 */
	private final int overflowCapacity;

	/**
	 * Send times (System.nanoTime) by connection and sequence number:
	 * {@code ring + (sequence & mask)}.
	 */
	private final long[] sentAt;

	private final int ringSize;

	private final int mask;

	private boolean reportedConnected;

	/** Connections with requests queued by the current select, to be written after it. */
	private final BenchConnection[] pending;

	private int pendingCount;

	/**
	 * True once the run is over: replies are still read and checked, no more requests are
	 * sent.
	 */
	private boolean draining;

	final Histogram latency = new Histogram(HIGHEST_LATENCY, 3);

	/**
	 * Every reply's latency, warm-up included, for the progress line; null when there is
	 * none.
	 */
	final SingleWriterRecorder recent;

	private long measureAt;

	/**
	 * When the latencies recorded so far are next thrown away: every tenth of a second of
	 * the warm-up, then never.
	 */
	private long resetAt;

	private long endAt;

	private int alive;

	// results, read by the coordinating thread after join()

	int connected;

	long requests;

	long mismatches;

	long errors;

	long skipped;

	long unanswered;

	long connectFailures;

	long writeFailures;

	long lost;

	String firstError;

	long finishedAt;

	/**
	 * The TLS protocol and cipher suite of the first handshake, and whether a client
	 * certificate was sent.
	 */
	String tlsProtocol;

	String tlsCipherSuite;

	boolean tlsClientCertificate;

	// progress figures, published while running when there is a progress line

	private long completed;

	volatile long publishedCompleted;

	volatile long publishedErrors;

	volatile long publishedMismatches;

	volatile long publishedLost;

	BenchWorker(Coordinator coordinator, InetSocketAddress address, ClientTls tls, BenchFrames frames, int firstId,
			int count, BenchOptions options, boolean progress) throws IOException {
		this.coordinator = coordinator;
		this.address = address;
		this.tls = tls;
		// chosen once: plain connections run exactly the code they ran before TLS existed
		this.onReady = (tls != null) ? this::onReadyTls : this::onReady;
		this.host = options.host();
		this.port = options.port();
		this.target = options.target();
		this.frames = frames;
		this.depth = options.depth();
		this.rate = options.openLoop() ? options.rate() * count / options.connections() : 0;
		this.outstandingLimit = options.outstandingLimit();
		this.connectTimeout = options.connectTimeout().toNanos();
		this.selector = Selector.open();
		this.replyFrame = frames.reply.length;
		this.expected = ByteBuffer.allocateDirect(this.replyFrame);
		this.expected.put(frames.reply).clear();
		this.requestFrame = frames.request.length;
		this.requestWire = (tls != null)
				? this.requestFrame + (this.requestFrame / TLS_RECORD + 1) * TLS_RECORD_OVERHEAD : this.requestFrame;
		this.ringSize = Integer.highestOneBit(Math.max(this.outstandingLimit, 1) * 2 - 1);
		this.mask = this.ringSize - 1;
		this.sentAt = new long[count * this.ringSize];
		// room for many replies per read, and always for two whole ones
		this.in = ByteBuffer.allocateDirect(Math.max(64 * 1024, 2 * this.replyFrame + 16));
		this.out = ByteBuffer.allocateDirect(Math.max(64 * 1024, this.requestFrame));
		// the closed loop never has more than depth requests unwritten; the open loop
		// skips sends when this is full
		this.overflowCapacity = options.openLoop()
				? Math.max(this.requestWire, Math.min(64 * 1024, this.requestWire * this.ringSize))
				: this.requestWire * this.depth;
		this.connections = new BenchConnection[count];
		this.pending = new BenchConnection[count];
		this.firstId = firstId;
		this.recent = progress ? new SingleWriterRecorder(HIGHEST_LATENCY, 3) : null;
	}

	@Override
	public void run() {
		try {
			connect();
			this.reportedConnected = true;
			this.coordinator.connected();
			long start = this.coordinator.awaitStart();
			if (start >= 0 && this.alive > 0) {
				this.measureAt = start + this.coordinator.warmup;
				this.endAt = this.measureAt + this.coordinator.duration;
				this.resetAt = start;
				if (this.rate > 0) {
					openLoop(start);
				}
				else {
					closedLoop();
				}
				drain();
			}
		}
		catch (IOException | RuntimeException ex) {
			this.errors++;
			error("I/O thread failed: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			if (!this.reportedConnected) {
				this.coordinator.connected();
			}
			this.finishedAt = System.nanoTime();
			closeAll();
			publish();
			this.coordinator.finished();
		}
	}

	// connecting

	private void connect() throws IOException {
		BenchConnection[] pending = this.connections;
		for (int i = 0; i < pending.length; i++) {
			SocketChannel channel;
			try {
				channel = SocketChannel.open();
			}
			catch (IOException ex) {
				this.errors++;
				this.connectFailures++;
				error(describe(ex));
				continue;
			}
			BenchConnection c = new BenchConnection(this.firstId + i, i * this.ringSize, channel);
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
				connectFailed(c, describe(ex));
			}
		}
		long deadline = System.nanoTime() + this.connectTimeout;
		while (this.connecting > 0) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				break;
			}
			this.selector.select(this.onConnectReady, Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
		}
		for (BenchConnection c : pending) {
			if (c != null && !c.open && c.key != null && c.key.isValid()) {
				connectFailed(c,
						(c.tls != null)
								? "TLS handshake with " + this.target + " timed out after "
										+ this.coordinator.connectTimeoutText
								: "connect timed out after " + this.coordinator.connectTimeoutText);
			}
		}
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
				writeOverflow(c);
			}
			if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) {
				readTls(c);
			}
			return;
		}
		try {
			if (!c.channel.finishConnect()) {
				return;
			}
		}
		catch (IOException | RuntimeException ex) {
			connectFailed(c, describe(ex));
			return;
		}
		connected(c);
	}

	/**
	 * The connection's TCP is up: it is established, or with TLS its handshake begins.
	 */
	private void connected(BenchConnection c) {
		try {
			if (this.tls == null) {
				established(c);
			}
			else {
				startTls(c);
			}
		}
		catch (IOException | RuntimeException ex) {
			if (this.tls == null) {
				connectFailed(c, describe(ex));
			}
			else {
				handshakeFailed(c, ex);
			}
		}
	}

	private void startTls(BenchConnection c) throws IOException {
		c.tls = new NonBlockingTls(this.tls.newEngine(this.host, this.port), this.tlsLock, () -> {
		});
		c.tlsOutput = (records, endOfMessage) -> writeRecords(c, records);
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
	private void established(BenchConnection c) throws IOException {
		if (c.key == null) {
			c.key = c.channel.register(this.selector, SelectionKey.OP_READ, c);
		}
		else if (c.tls == null) {
			c.key.interestOps(SelectionKey.OP_READ);
		}
		c.open = true;
		this.connecting--;
		this.connected++;
		this.alive++;
		if (c.tls != null && this.tlsProtocol == null) {
			SSLSession session = c.tls.engine().getSession();
			this.tlsProtocol = session.getProtocol();
			this.tlsCipherSuite = session.getCipherSuite();
			this.tlsClientCertificate = session.getLocalCertificates() != null;
		}
	}

	private void handshakeFailed(BenchConnection c, Exception ex) {
		connectFailed(c, "TLS handshake with " + this.target + " failed: " + describe(ex));
	}

	private void connectFailed(BenchConnection c, String message) {
		this.connecting--;
		this.errors++;
		this.connectFailures++;
		error(message);
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

	// the loops

	private void closedLoop() throws IOException {
		long now = System.nanoTime();
		for (BenchConnection c : this.connections) {
			if (c != null && c.open) {
				for (int i = 0; i < this.depth; i++) {
					queue(c);
				}
				stampAndWrite(c, now);
			}
		}
		boolean progress = this.recent != null;
		int idle = 0;
		while (this.alive > 0) {
			now = System.nanoTime();
			if (now >= this.endAt) {
				break;
			}
			if (now >= this.resetAt) {
				reset(now);
			}
			if (progress) {
				publish();
			}
			if (this.selector.selectNow(this.onReady) > 0) {
				idle = 0;
			}
			else if (++idle >= SPINS) {
				idle = 0;
				long wait = Math.min(Math.min(this.endAt, this.resetAt) - now, WAIT_NANOS);
				this.selector.select(this.onReady, (wait + MILLI - 1) / MILLI);
			}
			flushPending();
		}
	}

	private void openLoop(long start) throws IOException {
		BenchConnection[] connections = this.connections;
		int count = connections.length;
		double interval = 1e9 / this.rate;
		long endAt = this.endAt;
		long scheduled = 0;
		long next = start;
		int index = 0;
		boolean progress = this.recent != null;
		while (this.alive > 0) {
			long now = System.nanoTime();
			if (now >= endAt) {
				break;
			}
			if (now >= this.resetAt) {
				reset(now);
			}
			while (next <= now) {
				BenchConnection c = connections[index];
				if (c != null && c.open) {
					send(c, next);
				}
				if (++index == count) {
					index = 0;
				}
				scheduled++;
				next = start + (long) (scheduled * interval);
			}
			if (progress) {
				publish();
			}
			long wait = Math.min(Math.min(next, endAt), this.resetAt) - System.nanoTime();
			if (wait >= MILLI) {
				this.selector.select(this.onReady, wait / MILLI);
			}
			else {
				this.selector.selectNow(this.onReady);
			}
		}
	}

	/**
	 * Throws away the replies counted and latencies recorded so far: every tenth of a
	 * second of the warm-up, and at its end. Warm-up replies are counted and recorded
	 * exactly as measured ones are, so that the JIT compiles the reply path once, for
	 * both: a branch taken only from the end of the warm-up made the JVM deoptimize that
	 * path there and run it slower for about half a second, and the first measured
	 * second's latencies showed it.
	 */
	private void reset(long now) {
		discardRecorded();
		this.resetAt = (now >= this.measureAt) ? Long.MAX_VALUE : Math.min(now + RESET_NANOS, this.measureAt);
	}

	private void discardRecorded() {
		this.requests = 0;
		this.latency.reset();
	}

	/**
	 * Waits a little for the replies still due, so that the server is not left writing to
	 * closed connections, and checks them; they are not counted as requests or latencies.
	 */
	private void drain() throws IOException {
		this.draining = true;
		if (this.resetAt != Long.MAX_VALUE) {
			// every connection was lost during the warm-up: nothing was measured
			discardRecorded();
		}
		long deadline = System.nanoTime() + DRAIN_NANOS;
		for (;;) {
			long due = 0;
			for (BenchConnection c : this.connections) {
				if (c != null && c.open) {
					due += c.outstanding();
				}
			}
			long left = deadline - System.nanoTime();
			if (due == 0) {
				return;
			}
			if (left <= 0) {
				this.unanswered += due;
				this.errors += due;
				error(due + " requests unanswered " + DRAIN_NANOS / 1_000_000_000L + "s after the end of the run");
				return;
			}
			this.selector.select(this.onReady, Math.max(1, left / MILLI));
			flushPending();
		}
	}

	// sending

	/** Open loop: sends one request now, stamped with the time it was due. */
	private void send(BenchConnection c, long intended) {
		if (c.outstanding() >= this.outstandingLimit
				|| (c.overflowing() && c.overflow.remaining() < this.requestWire)) {
			this.skipped++;
			this.errors++;
			return;
		}
		this.sentAt[c.ring + ((int) c.sent & this.mask)] = intended;
		c.sent++;
		c.queued = 1;
		write(c);
	}

	/**
	 * Closed loop: one more request, to be stamped and written after the current read.
	 */
	private void queue(BenchConnection c) {
		c.sent++;
		c.queued++;
	}

	/**
	 * Puts the frames of requests {@code first} to {@code first + count - 1} in a buffer.
	 */
	private void putRequests(ByteBuffer buffer, BenchConnection c, long first, int count) {
		byte[] request = this.frames.request;
		int tagAt = this.frames.requestTag;
		for (long seq = first; seq < first + count; seq++) {
			int at = buffer.position();
			buffer.put(request);
			this.frames.putTag(buffer, at + tagAt, BenchFrames.tag(c.id, seq));
		}
	}

	/**
	 * Stamps the queued requests with the time they are written, in the closed loop, and
	 * writes them. In the open loop the one queued request was stamped with its intended
	 * time already.
	 */
	private void stampAndWrite(BenchConnection c, long now) {
		int queued = c.queued;
		long[] sentAt = this.sentAt;
		int ring = c.ring;
		int mask = this.mask;
		for (long seq = c.sent - queued; seq < c.sent; seq++) {
			sentAt[ring + ((int) seq & mask)] = now;
		}
		write(c);
	}

	/**
	 * Writes the connection's queued requests, straight from the shared buffer unless
	 * earlier bytes still wait.
	 */
	private void write(BenchConnection c) {
		if (c.tls != null) {
			writeTls(c);
			return;
		}
		int queued = c.queued;
		c.queued = 0;
		long first = c.sent - queued;
		if (c.overflowing()) {
			putRequests(c.overflow, c, first, queued);
			writeOverflow(c);
			return;
		}
		ByteBuffer out = this.out;
		int perWrite = out.capacity() / this.requestFrame;
		while (queued > 0) {
			int count = Math.min(queued, perWrite);
			out.clear();
			putRequests(out, c, first, count);
			out.flip();
			try {
				c.channel.write(out);
			}
			catch (IOException ex) {
				writeFailed(c, ex);
				return;
			}
			first += count;
			queued -= count;
			if (out.hasRemaining()) {
				// the socket is full: keep the rest until it is writable
				if (c.overflow == null) {
					c.overflow = ByteBuffer.allocate(this.overflowCapacity);
				}
				c.overflow.put(out);
				putRequests(c.overflow, c, first, queued);
				interest(c, true);
				return;
			}
		}
	}

	/**
	 * Encrypts the connection's queued requests from the shared buffer; the records go to
	 * {@link #writeRecords}.
	 */
	private void writeTls(BenchConnection c) {
		int queued = c.queued;
		c.queued = 0;
		long first = c.sent - queued;
		ByteBuffer out = this.out;
		int perWrite = out.capacity() / this.requestFrame;
		try {
			while (queued > 0) {
				int count = Math.min(queued, perWrite);
				out.clear();
				putRequests(out, c, first, count);
				out.flip();
				c.tls.write(out, c.tlsOutput);
				first += count;
				queued -= count;
			}
		}
		catch (IOException ex) {
			writeFailed(c, ex);
		}
	}

	/**
	 * Writes TLS records (a handshake's or requests') behind any the socket has not taken
	 * yet; keeps a copy of what it does not take now, as the records' buffer is reused.
	 */
	private void writeRecords(BenchConnection c, ByteBuffer records) throws IOException {
		if (!c.overflowing()) {
			c.channel.write(records);
			if (!records.hasRemaining()) {
				return;
			}
		}
		ByteBuffer overflow = c.overflow;
		if (overflow == null || overflow.remaining() < records.remaining()) {
			int kept = (overflow != null) ? overflow.position() : 0;
			int capacity = (overflow != null) ? overflow.capacity() * 2 : this.overflowCapacity;
			ByteBuffer grown = ByteBuffer.allocate(Math.max(capacity, kept + records.remaining()));
			if (overflow != null) {
				grown.put(overflow.flip());
			}
			c.overflow = grown;
		}
		c.overflow.put(records);
		interest(c, true);
	}

	private void writeOverflow(BenchConnection c) {
		ByteBuffer overflow = c.overflow;
		overflow.flip();
		try {
			c.channel.write(overflow);
		}
		catch (IOException ex) {
			overflow.clear();
			writeFailed(c, ex);
			return;
		}
		overflow.compact();
		interest(c, overflow.position() > 0);
	}

	private void interest(BenchConnection c, boolean write) {
		if (c.writeInterest != write) {
			c.writeInterest = write;
			c.key.interestOps(write ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
		}
	}

	private void writeFailed(BenchConnection c, IOException ex) {
		if (!c.open) {
			// a TLS handshake's records
			handshakeFailed(c, ex);
			return;
		}
		this.errors++;
		this.writeFailures++;
		error("write failed: " + describe(ex));
		close(c);
	}

	// receiving

	private void onReady(SelectionKey key) {
		BenchConnection c = (BenchConnection) key.attachment();
		int ready = key.readyOps();
		if ((ready & SelectionKey.OP_READ) != 0) {
			read(c);
		}
		if (c.open && (ready & SelectionKey.OP_WRITE) != 0 && c.overflowing()) {
			writeOverflow(c);
		}
	}

	private void onReadyTls(SelectionKey key) {
		BenchConnection c = (BenchConnection) key.attachment();
		int ready = key.readyOps();
		if ((ready & SelectionKey.OP_READ) != 0) {
			readTls(c);
		}
		if (c.open && (ready & SelectionKey.OP_WRITE) != 0 && c.overflowing()) {
			writeOverflow(c);
		}
	}

	private void read(BenchConnection c) {
		ByteBuffer in = this.in;
		in.clear();
		if (c.carried > 0) {
			in.put(c.carry, 0, c.carried);
			c.carried = 0;
		}
		for (;;) {
			int n;
			try {
				n = c.channel.read(in);
			}
			catch (IOException ex) {
				lost(c, ex);
				return;
			}
			if (n < 0) {
				lost(c, null);
				return;
			}
			if (n == 0) {
				break;
			}
			boolean full = !in.hasRemaining();
			parse(c, System.nanoTime());
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
	 * bytes in the shared input buffer and parses them as {@link #read} does. While the
	 * connection is handshaking, a failure is a failed connect and the end of the
	 * handshake makes it established.
	 */
	private void readTls(BenchConnection c) {
		ByteBuffer in = this.in;
		in.clear();
		if (c.carried > 0) {
			in.put(c.carry, 0, c.carried);
			c.carried = 0;
		}
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
				handshakeFailed(c, ex);
			}
			else {
				lost(c, ex);
			}
			return;
		}
		finally {
			this.decrypting = null;
		}
		if (handshaking) {
			if (n < 0) {
				connectFailed(c, "TLS handshake with " + this.target + " failed: the server closed the connection");
				return;
			}
			if (c.tls.isHandshaking()) {
				return;
			}
			try {
				established(c);
			}
			catch (IOException | RuntimeException ex) {
				handshakeFailed(c, ex);
				return;
			}
		}
		else if (n < 0) {
			lost(c, null);
			return;
		}
		if (!c.open) {
			return;
		}
		keepRest(c);
	}

	/**
	 * Takes the decrypted bytes of the connection being read into the shared input
	 * buffer, parsing as it fills.
	 */
	private void decrypted(ByteBuffer plain) {
		BenchConnection c = this.decrypting;
		ByteBuffer in = this.in;
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
			parse(c, System.nanoTime());
		}
	}

	/**
	 * After a TLS read, as at the end of {@link #read}: keeps the start of a reply that
	 * has not fully arrived with its connection, and lists the connection for writing
	 * when its replies queued requests.
	 */
	private void keepRest(BenchConnection c) {
		ByteBuffer in = this.in;
		int left = in.position();
		if (left > 0) {
			// part of a reply: keep it until the rest arrives
			if (c.carry == null || c.carry.length < left) {
				c.carry = new byte[Math.max(left, Math.min(2 * this.replyFrame, in.capacity()))];
			}
			in.flip();
			in.get(c.carry, 0, left);
			c.carried = left;
		}
		if (c.queued > 0 && !c.pending) {
			c.pending = true;
			this.pending[this.pendingCount++] = c;
		}
	}

	/**
	 * Stamps and writes the requests queued by the replies of one select, all together:
	 * the server sees them in one burst and is woken once, rather than once per
	 * connection.
	 */
	private void flushPending() {
		int count = this.pendingCount;
		if (count == 0) {
			return;
		}
		long now = System.nanoTime();
		BenchConnection[] pending = this.pending;
		for (int i = 0; i < count; i++) {
			BenchConnection c = pending[i];
			pending[i] = null;
			c.pending = false;
			if (c.open && c.queued > 0) {
				stampAndWrite(c, now);
			}
		}
		this.pendingCount = 0;
	}

	/**
	 * Takes every complete reply from the shared input buffer, which holds this
	 * connection's bytes from 0 to its position, and leaves what is left of them (the
	 * start of a reply) at its start.
	 */
	private void parse(BenchConnection c, long now) {
		ByteBuffer in = this.in;
		int capacity = in.capacity();
		int end = in.position();
		int pos = 0;
		int frame = this.replyFrame;
		boolean measure = !this.draining && now < this.endAt;
		while (pos < end) {
			if (c.skipping) {
				pos = skip(c, pos, end);
				continue;
			}
			if (end - pos >= frame) {
				// the usual case: a whole reply, compared in one go with what it should
				// be
				this.frames.putTag(this.expected, this.frames.replyTag, BenchFrames.tag(c.id, c.received));
				in.limit(pos + frame).position(pos);
				boolean equal = in.mismatch(this.expected) < 0;
				in.limit(capacity);
				if (equal) {
					replied(c, true, now, measure);
					pos += frame;
					continue;
				}
			}
			int next = this.frames.delimited() ? delimitedFrame(c, pos, end, now, measure)
					: lengthFrame(c, pos, end, now, measure);
			if (next < 0) {
				break;
			}
			pos = next;
		}
		if (pos >= end) {
			in.clear();
		}
		else if (pos > 0) {
			in.limit(end).position(pos);
			in.compact();
		}
		else {
			in.limit(capacity).position(end);
		}
	}

	/**
	 * @return where the next frame starts, or -1 when this one is not complete
	 */
	private int delimitedFrame(BenchConnection c, int pos, int end, long now, boolean measure) {
		ByteBuffer in = this.in;
		byte terminator = this.frames.terminator;
		int i = pos + c.scanned;
		while (i < end && in.get(i) != terminator) {
			i++;
		}
		if (i == end) {
			if (pos == 0 && end == in.capacity()) {
				// longer than any right reply can be: a mismatch, thrown away up to its
				// terminator
				replied(c, false, now, measure);
				c.skipping = true;
				return end;
			}
			c.scanned = end - pos;
			return -1;
		}
		int from = pos;
		if (this.frames.startByte() && in.get(from) == BenchFrames.STX) {
			from++;
		}
		int to = i;
		if (this.frames.stripsCr() && to > from && in.get(to - 1) == BenchFrames.cr()) {
			to--;
		}
		replied(c, payloadMatches(c, from, to), now, measure);
		return i + 1;
	}

	/**
	 * @return where the next frame starts, or -1 when this one is not complete
	 */
	private int lengthFrame(BenchConnection c, int pos, int end, long now, boolean measure) {
		ByteBuffer in = this.in;
		int header = this.frames.lengthHeader;
		if (end - pos < header) {
			return -1;
		}
		long length = 0;
		for (int i = 0; i < header; i++) {
			length = (length << 8) | (in.get(pos + i) & 0xff);
		}
		long total = header + length;
		if (total > in.capacity()) {
			replied(c, false, now, measure);
			c.skipping = true;
			c.skipRemaining = total - (end - pos);
			return end;
		}
		if (end - pos < total) {
			return -1;
		}
		replied(c, payloadMatches(c, pos + header, (int) (pos + total)), now, measure);
		return (int) (pos + total);
	}

	private int skip(BenchConnection c, int pos, int end) {
		if (this.frames.delimited()) {
			ByteBuffer in = this.in;
			byte terminator = this.frames.terminator;
			for (int i = pos; i < end; i++) {
				if (in.get(i) == terminator) {
					c.skipping = false;
					return i + 1;
				}
			}
			return end;
		}
		long take = Math.min(c.skipRemaining, end - pos);
		c.skipRemaining -= take;
		if (c.skipRemaining == 0) {
			c.skipping = false;
		}
		return (int) (pos + take);
	}

	private boolean payloadMatches(BenchConnection c, int from, int to) {
		if (to - from != this.frames.replyPayload) {
			return false;
		}
		ByteBuffer in = this.in;
		ByteBuffer expected = this.expected;
		int head = this.frames.head;
		this.frames.putTag(expected, this.frames.replyTag, BenchFrames.tag(c.id, c.received));
		in.limit(to).position(from);
		expected.limit(head + this.frames.replyPayload).position(head);
		boolean equal = in.mismatch(expected) < 0;
		in.limit(in.capacity());
		expected.limit(this.replyFrame).position(0);
		return equal;
	}

	private void replied(BenchConnection c, boolean match, long now, boolean measure) {
		c.scanned = 0;
		if (c.sent == c.received) {
			// a reply to no request
			this.mismatches++;
			return;
		}
		long latency = now - this.sentAt[c.ring + ((int) c.received & this.mask)];
		c.received++;
		this.completed++;
		if (!match) {
			this.mismatches++;
		}
		if (latency > HIGHEST_LATENCY) {
			latency = HIGHEST_LATENCY;
		}
		else if (latency < 0) {
			latency = 0;
		}
		if (measure) {
			this.requests++;
			this.latency.recordValue(latency);
		}
		if (this.recent != null) {
			this.recent.recordValue(latency);
		}
		if (this.rate == 0 && !this.draining) {
			queue(c);
		}
	}

	// endings

	private void lost(BenchConnection c, Exception ex) {
		this.lost++;
		if (ex != null) {
			error("connection lost: " + describe(ex));
		}
		close(c);
	}

	private void close(BenchConnection c) {
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

	private void closeAll() {
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

	private void error(String message) {
		if (this.firstError == null) {
			this.firstError = message;
		}
	}

	private void publish() {
		this.publishedCompleted = this.completed;
		this.publishedErrors = this.errors;
		this.publishedMismatches = this.mismatches;
		this.publishedLost = this.lost;
	}

	static String describe(Throwable ex) {
		String message = ex.getMessage();
		if (message == null || message.isBlank()) {
			return ex.getClass().getSimpleName();
		}
		return message;
	}

	/**
	 * What the workers share: they connect, report, and start together, so that warm-up
	 * and measurement cover the same time on every thread.
	 */
	static final class Coordinator {

		final long warmup;

		final long duration;

		final String connectTimeoutText;

		private final CountDownLatch connected;

		private final CountDownLatch start = new CountDownLatch(1);

		private final CountDownLatch finished;

		private volatile long startAt = -1;

		Coordinator(int workers, long warmup, long duration, String connectTimeoutText) {
			this.warmup = warmup;
			this.duration = duration;
			this.connectTimeoutText = connectTimeoutText;
			this.connected = new CountDownLatch(workers);
			this.finished = new CountDownLatch(workers);
		}

		void connected() {
			this.connected.countDown();
		}

		void awaitConnected() throws InterruptedException {
			this.connected.await();
		}

		/** Starts the load now, or aborts it with a negative time. */
		void start(long at) {
			this.startAt = at;
			this.start.countDown();
		}

		long awaitStart() throws InterruptedException {
			this.start.await();
			return this.startAt;
		}

		void finished() {
			this.finished.countDown();
		}

		boolean awaitFinished(long nanos) throws InterruptedException {
			return this.finished.await(nanos, TimeUnit.NANOSECONDS);
		}

	}

}
