package dev.sockeye.listener.transport;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The threads listeners run on: virtual threads where the JVM has them (Java 21 and
 * later), platform threads before.
 */
final class Threads {

	static final int DEFAULT_PLATFORM_WORKERS = 200;

	private static final boolean VIRTUAL = Runtime.version().feature() >= 21;

	private Threads() {
	}

	/**
	 * @return true when this JVM has virtual threads
	 */
	static boolean virtualAvailable() {
		return VIRTUAL;
	}

	/**
	 * A thread per task, for a blocking listener's accept loop and connections.
	 * @param prefix thread name prefix
	 * @return the executor
	 */
	static Executor perTask(String prefix) {
		if (VIRTUAL) {
			return new VirtualThreadTaskExecutor(prefix);
		}
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor(prefix);
		executor.setDaemon(false);
		return executor;
	}

	/**
	 * Workers for an NIO listener's blocking service. Each connection has at most one
	 * read in progress, so the queue holds at most one task per connection.
	 * @param prefix thread name prefix
	 * @param size number of platform threads, or 0 for virtual threads where available
	 * @return the executor
	 */
	static Executor workers(String prefix, int size) {
		if (size == 0 && VIRTUAL) {
			return new VirtualThreadTaskExecutor(prefix);
		}
		int threads = (size > 0) ? size : DEFAULT_PLATFORM_WORKERS;
		CustomizableThreadFactory threadFactory = new CustomizableThreadFactory(prefix);
		threadFactory.setDaemon(true);
		ExecutorService pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), threadFactory);
		((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
		return pool;
	}

}
