package dev.sockeye.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;

import dev.sockeye.bench.wire.BenchFrames;

/**
 * Writes requests, copied from one template with their tag written in, through a buffer
 * shared by a worker's connections, so that nothing is allocated per request.
 */
final class RequestWriter {

	/**
	 * What a TLS record adds to its bytes at most (header, explicit nonce, MAC or tag,
	 * padding), generously.
	 */
	private static final int TLS_RECORD_OVERHEAD = 128;

	/** The largest TLS record's plain bytes. */
	private static final int TLS_RECORD = 16 * 1024;

	private final BenchFrames frames;

	private final Measurement measurement;

	private final Connector connector;

	private final Results results;

	/** Every write is built here. */
	private final ByteBuffer out;

	private final int requestFrame;

	/** See {@link #requestWire(BenchFrames, boolean)}. */
	private final int requestWire;

	private final int outstandingLimit;

	/** Connections with requests queued by the current select, to be written after it. */
	private final BenchConnection[] pending;

	private int pendingCount;

	RequestWriter(BenchFrames frames, int requestWire, int outstandingLimit, int connections, Measurement measurement,
			Connector connector, Results results) {
		this.frames = frames;
		this.requestFrame = frames.request.length;
		this.requestWire = requestWire;
		this.outstandingLimit = outstandingLimit;
		this.out = ByteBuffer.allocateDirect(Math.max(64 * 1024, this.requestFrame));
		this.pending = new BenchConnection[connections];
		this.measurement = measurement;
		this.connector = connector;
		this.results = results;
	}

	/**
	 * @return bytes one request takes on the wire at most: its frame, with TLS its
	 * records' overhead too
	 */
	static int requestWire(BenchFrames frames, boolean tls) {
		int frame = frames.request.length;
		return tls ? frame + (frame / TLS_RECORD + 1) * TLS_RECORD_OVERHEAD : frame;
	}

	/**
	 * @return the capacity of a connection's overflow buffer: the closed loop never has
	 * more than depth requests unwritten; the open loop skips sends when it is full
	 */
	static int overflowCapacity(int requestWire, LoadSettings settings, int ringSize) {
		return (settings.rate() > 0) ? Math.max(requestWire, Math.min(64 * 1024, requestWire * ringSize))
				: requestWire * settings.depth();
	}

	/** Open loop: sends one request now, stamped with the time it was due. */
	void send(BenchConnection c, long intended) {
		if (c.outstanding() >= this.outstandingLimit
				|| (c.overflowing() && c.overflow.remaining() < this.requestWire)) {
			this.results.skipped++;
			this.results.errors++;
			return;
		}
		this.measurement.sent(c, c.sent, intended);
		c.sent++;
		c.queued = 1;
		write(c);
	}

	/**
	 * Lists the connection for writing after the current select when its replies queued
	 * requests.
	 */
	void listIfQueued(BenchConnection c) {
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
	void flushPending() {
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
	 * Stamps the queued requests with the time they are written, in the closed loop, and
	 * writes them. In the open loop the one queued request was stamped with its intended
	 * time already.
	 */
	void stampAndWrite(BenchConnection c, long now) {
		this.measurement.sentQueued(c, now);
		write(c);
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
	 * Writes the connection's queued requests, straight from the shared buffer unless
	 * earlier bytes still wait.
	 */
	private void write(BenchConnection c) {
		int queued = c.queued;
		c.queued = 0;
		writeRange(c, c.sent - queued, queued);
	}

	/**
	 * With {@code --reconnect}: writes again, on the reopened connection, the requests
	 * that were in flight when the server closed it, with their first send times.
	 */
	void resend(BenchConnection c) {
		int count = c.outstanding() - c.queued;
		if (count > 0) {
			writeRange(c, c.received, count);
		}
	}

	/** Writes requests {@code first} to {@code first + count - 1}. */
	private void writeRange(BenchConnection c, long first, int count) {
		if (c.tls != null) {
			writeTls(c, first, count);
			return;
		}
		int left = count;
		if (c.overflowing()) {
			putOverflow(c, first, left);
			writeOverflow(c);
			return;
		}
		ByteBuffer out = this.out;
		int perWrite = out.capacity() / this.requestFrame;
		while (left > 0) {
			int batch = Math.min(left, perWrite);
			out.clear();
			putRequests(out, c, first, batch);
			out.flip();
			try {
				c.channel.write(out);
			}
			catch (IOException ex) {
				writeFailed(c, ex);
				return;
			}
			first += batch;
			left -= batch;
			if (out.hasRemaining()) {
				// the socket is full: keep the rest until it is writable
				if (c.overflow == null) {
					c.overflow = ByteBuffer.allocate(c.overflowCapacity);
				}
				ensureOverflow(c, out.remaining() + left * this.requestFrame);
				c.overflow.put(out);
				putRequests(c.overflow, c, first, left);
				c.interest(true);
				return;
			}
		}
	}

	private void putOverflow(BenchConnection c, long first, int count) {
		ensureOverflow(c, count * this.requestFrame);
		putRequests(c.overflow, c, first, count);
	}

	/**
	 * Grows the overflow buffer when it cannot take {@code bytes} more: only requests
	 * resent after a reconnect go beyond the capacity it was sized for.
	 */
	private static void ensureOverflow(BenchConnection c, int bytes) {
		ByteBuffer overflow = c.overflow;
		if (overflow.remaining() < bytes) {
			ByteBuffer grown = ByteBuffer.allocate(Math.max(overflow.capacity() * 2, overflow.position() + bytes));
			grown.put(overflow.flip());
			c.overflow = grown;
		}
	}

	/**
	 * Encrypts the connection's requests from the shared buffer; the records go to
	 * {@link BenchConnection#writeRecords}.
	 */
	private void writeTls(BenchConnection c, long first, int count) {
		int left = count;
		ByteBuffer out = this.out;
		int perWrite = out.capacity() / this.requestFrame;
		try {
			while (left > 0) {
				int batch = Math.min(left, perWrite);
				out.clear();
				putRequests(out, c, first, batch);
				out.flip();
				c.tls.write(out, c.tlsOutput);
				first += batch;
				left -= batch;
			}
		}
		catch (IOException ex) {
			writeFailed(c, ex);
		}
	}

	/** Writes what the socket did not take before, now that it is writable. */
	void writeOverflow(BenchConnection c) {
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
		c.interest(overflow.position() > 0);
	}

	private void writeFailed(BenchConnection c, IOException ex) {
		if (!c.open) {
			// a TLS handshake's records
			this.connector.handshakeFailed(c, ex);
			return;
		}
		if (this.connector.reconnects()) {
			// the server closed the connection: reopened, not an error
			this.connector.lost(c, ex);
			return;
		}
		this.results.errors++;
		this.results.writeFailures++;
		this.results.error("write failed: " + BenchWorker.describe(ex));
		this.connector.close(c);
	}

}
