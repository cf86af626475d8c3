package dev.sockeye.listener.transport;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.sockeye.service.EventLoop;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The {@link EventLoop} of one inline NIO server connection factory: its selector thread,
 * which services may put channels of their own on (a relay's upstream connections) so
 * that their I/O never leaves that thread.
 */
final class SelectorLoop implements EventLoop {

	private static final Log logger = LogFactory.getLog(SelectorLoop.class);

	private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	/** Set on the loop's thread before it handles its first selected key. */
	private Selector selector;

	/** Where {@link #execute} wakes the loop, from any thread. */
	private volatile Selector wakeable;

	/** The loop's thread has entered {@code selector}'s select loop. */
	void selecting(Selector selector) {
		if (this.selector != selector) {
			this.selector = selector;
			this.wakeable = selector;
		}
	}

	@Override
	public SelectionKey register(SelectableChannel channel, int ops, LoopHandler handler) throws IOException {
		return channel.register(this.selector, ops, handler);
	}

	@Override
	public void execute(Runnable task) {
		this.tasks.add(task);
		Selector selector = this.wakeable;
		if (selector != null) {
			selector.wakeup();
		}
	}

	/** Runs the tasks that came from other threads; on the loop's thread, each select. */
	void runTasks() {
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.error("Event loop task failed: " + ex.getMessage(), ex);
			}
		}
	}

	/** Handles a selected key of a service's channel; on the loop's thread. */
	static void ready(LoopHandler handler, SelectionKey key) {
		try {
			handler.ready(key);
		}
		catch (RuntimeException ex) {
			logger.error("Could not handle a selected service channel " + key + ": " + ex.getMessage(), ex);
		}
	}

}
