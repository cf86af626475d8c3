package dev.sockeye.listener.transport;

import java.util.concurrent.Executor;

/**
 * The executor of an NIO listener's connection factory. Its first task is the factory's
 * selector loop, which gets a thread of its own; every later task is a read of one
 * connection, submitted by that loop. Reads run on the loop thread itself when the
 * service does not block (no hand-off per message, as in an event loop), or on the worker
 * executor when it may block.
 */
final class ListenerExecutor implements Executor {

	private final String threadName;

	private final Executor workers;

	private volatile Thread loop;

	/**
	 * @param threadName name of the selector thread
	 * @param workers where reads run; {@code null} to run them on the selector thread
	 */
	ListenerExecutor(String threadName, Executor workers) {
		this.threadName = threadName;
		this.workers = workers;
	}

	@Override
	public void execute(Runnable task) {
		Thread current = Thread.currentThread();
		if (current == this.loop) {
			if (this.workers == null) {
				task.run();
			}
			else {
				this.workers.execute(task);
			}
			return;
		}
		Thread thread = new Thread(task, this.threadName);
		this.loop = thread;
		thread.start();
	}

	/**
	 * @return true when reads run on the selector thread
	 */
	boolean isInline() {
		return this.workers == null;
	}

}
