package dev.sockeye.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.sockeye.framing.FrameCodec;
import dev.sockeye.framing.FramingException;
import dev.sockeye.metrics.ClientMetrics;
import dev.sockeye.service.EventLoop;

/**
 * One upstream's connections on one listener event loop: non-blocking channels on the
 * loop's own selector, so that a request and its reply never leave the loop's thread. Up
 * to {@code pool-size} connections per loop, one request each at a time; more requests
 * wait here, in order, for one to come back. Touched only on the loop's thread, hence no
 * locks, except {@link #closeAll} (from the stopping thread).
 */
final class LoopPool {

	/**
	 * Fires the pools' timeout sweeps and connect timeouts, which then run on the loop.
	 */
	private static final ScheduledThreadPoolExecutor TIMER = timer();

	final EventLoop loop;

	final InetSocketAddress address;

	final FrameCodec codec;

	final ClientMetrics metrics;

	private final int poolSize;

	private final long replyTimeoutMillis;

	private final long replyTimeoutNanos;

	private final long connectTimeoutMillis;

	/** Connected and without a request; the last one back is used first. */
	private final ArrayDeque<LoopConnection> idle = new ArrayDeque<>();

	/** Requests waiting for a connection, oldest first. */
	private final ArrayDeque<LoopExchange> waiting = new ArrayDeque<>();

	/**
	 * Requests not known to be answered, oldest first, hence also by deadline: all have
	 * the same timeout. One timer per pool rather than one per request, which cost a lock
	 * and a heap insert and removal in a shared timer for every request.
	 */
	private final ArrayDeque<LoopExchange> deadlines = new ArrayDeque<>();

	/** A sweep of {@link #deadlines} is scheduled. */
	private boolean sweepScheduled;

	/** Every open connection, for {@link #closeAll} from another thread. */
	private final Set<LoopConnection> open = ConcurrentHashMap.newKeySet();

	/** Connections open or opening, of {@link #poolSize}. */
	private int count;

	LoopPool(EventLoop loop, InetSocketAddress address, FrameCodec codec, ClientMetrics metrics,
			RelayProperties settings) {
		this.loop = loop;
		this.address = address;
		this.codec = codec;
		this.metrics = metrics;
		this.poolSize = settings.poolSize();
		this.replyTimeoutMillis = settings.replyTimeout().toMillis();
		this.replyTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(this.replyTimeoutMillis);
		this.connectTimeoutMillis = settings.connectTimeout().toMillis();
	}

	/**
	 * Sends one request on an idle connection, a new one, or once one is back; on the
	 * loop's thread.
	 * @param request the request's bytes
	 * @return completes on the loop's thread with the reply, or exceptionally with a
	 * {@link TimeoutException} after the reply timeout, an {@link IOException} when the
	 * connection failed first
	 */
	CompletableFuture<byte[]> exchange(byte[] request) {
		LoopExchange exchange;
		try {
			exchange = new LoopExchange(this.codec.frame(request));
		}
		catch (FramingException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		exchange.deadline = System.nanoTime() + this.replyTimeoutNanos;
		LoopExchange oldest;
		while ((oldest = this.deadlines.peekFirst()) != null && oldest.reply.isDone()) {
			this.deadlines.pollFirst();
		}
		this.deadlines.addLast(exchange);
		if (!this.sweepScheduled) {
			sweepIn(this.replyTimeoutNanos);
		}
		LoopConnection connection = this.idle.pollFirst();
		if (connection != null) {
			connection.send(exchange);
		}
		else if (this.count < this.poolSize) {
			this.count++;
			new LoopConnection(this).connect(exchange);
		}
		else {
			this.waiting.add(exchange);
		}
		return exchange.reply;
	}

	/** Runs a task on the loop after a delay. */
	ScheduledFuture<?> schedule(Runnable task, long millis) {
		return TIMER.schedule(() -> this.loop.execute(task), millis, TimeUnit.MILLISECONDS);
	}

	private void sweepIn(long nanos) {
		this.sweepScheduled = true;
		TIMER.schedule(() -> this.loop.execute(this::sweep), nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Times out the requests past their deadline; on the loop. Each is taken off the
	 * queue before it fails, since failing it may send the client's next request, which
	 * joins the queue.
	 */
	private void sweep() {
		this.sweepScheduled = false;
		long now = System.nanoTime();
		LoopExchange oldest;
		while ((oldest = this.deadlines.peekFirst()) != null) {
			if (!oldest.reply.isDone() && oldest.deadline - now > 0) {
				if (!this.sweepScheduled) {
					sweepIn(oldest.deadline - now);
				}
				return;
			}
			this.deadlines.pollFirst();
			if (!oldest.reply.isDone()) {
				timedOut(oldest);
			}
		}
	}

	long connectTimeoutMillis() {
		return this.connectTimeoutMillis;
	}

	/**
	 * The reply timeout passed: the request fails, and its connection closes so that a
	 * late reply cannot answer another request.
	 */
	private void timedOut(LoopExchange exchange) {
		exchange.reply.completeExceptionally(new TimeoutException("no reply within " + this.replyTimeoutMillis + " ms"
				+ ((exchange.connection == null) ? ", waiting for a connection" : "")));
		if (exchange.connection != null) {
			exchange.connection.close();
		}
		else {
			this.waiting.remove(exchange);
		}
	}

	/** A connection answered its request: it takes the next waiting one, or idles. */
	void released(LoopConnection connection) {
		LoopExchange next;
		while ((next = this.waiting.poll()) != null) {
			if (!next.reply.isDone()) {
				connection.send(next);
				return;
			}
		}
		this.idle.addFirst(connection);
	}

	/** Counts a connection as open, so that a stop closes it. */
	void opened(LoopConnection connection) {
		this.open.add(connection);
	}

	/** A connection closed (on the loop): a waiting request may open a new one. */
	void closed(LoopConnection connection, boolean connected) {
		if (this.open.remove(connection) && connected) {
			this.metrics.connectionClosed();
		}
		this.idle.remove(connection);
		this.count--;
		LoopExchange next;
		while (this.count < this.poolSize && (next = this.waiting.poll()) != null) {
			if (!next.reply.isDone()) {
				this.count++;
				new LoopConnection(this).connect(next);
			}
		}
	}

	/** Closes every connection; from any thread, when the relay stops. */
	void closeAll() {
		for (LoopConnection connection : this.open) {
			if (this.open.remove(connection)) {
				if (connection.isConnected()) {
					this.metrics.connectionClosed();
				}
				connection.closeChannel();
			}
		}
	}

	private static ScheduledThreadPoolExecutor timer() {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "sockeye-relay-timer");
			thread.setDaemon(true);
			return thread;
		});
		timer.setRemoveOnCancelPolicy(true);
		return timer;
	}

	/** One request to this upstream. */
	static final class LoopExchange {

		final CompletableFuture<byte[]> reply = new CompletableFuture<>();

		final byte[] frame;

		/** The connection it went out on; null while it waits. */
		LoopConnection connection;

		/** When it times out, in {@link System#nanoTime()} terms. */
		long deadline;

		LoopExchange(byte[] frame) {
			this.frame = frame;
		}

		void complete(byte[] payload) {
			this.reply.complete(payload);
		}

		void fail(Throwable failure) {
			this.reply.completeExceptionally(failure);
		}

	}

}
