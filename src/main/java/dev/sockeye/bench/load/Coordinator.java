package dev.sockeye.bench.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the workers share: they connect, report, and start together, so that warm-up and
 * measurement cover the same time on every thread.
 */
public final class Coordinator {

	private final CountDownLatch connected;

	private final CountDownLatch start = new CountDownLatch(1);

	private final CountDownLatch finished;

	private volatile long startAt = -1;

	public Coordinator(int workers) {
		this.connected = new CountDownLatch(workers);
		this.finished = new CountDownLatch(workers);
	}

	void connected() {
		this.connected.countDown();
	}

	/** Waits until every worker is through connecting. */
	public void awaitConnected() throws InterruptedException {
		this.connected.await();
	}

	/** Starts the load now (System.nanoTime), or aborts it with a negative time. */
	public void start(long at) {
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

	/**
	 * @return true when every worker has finished within {@code nanos}
	 */
	public boolean awaitFinished(long nanos) throws InterruptedException {
		return this.finished.await(nanos, TimeUnit.NANOSECONDS);
	}

}
