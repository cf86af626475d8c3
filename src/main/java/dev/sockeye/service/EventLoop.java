package dev.sockeye.service;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * An {@code nio} listener's I/O thread seen from a service, so that a service can put its
 * own non-blocking channels (a relay's upstream connections) on the same selector as the
 * client connections and answer without a thread hop. Everything but {@link #execute}
 * must be called on the loop's own thread.
 */
public interface EventLoop {

	/**
	 * @return the loop whose thread this is, or {@code null} off every loop (a worker, a
	 * blocking listener's connection thread, a timer)
	 */
	static EventLoop current() {
		return CurrentLoop.CURRENT.get();
	}

	/**
	 * Makes a loop the current one of the calling thread, for the loop's own thread.
	 * @param loop the loop, or {@code null} when its thread leaves it
	 */
	static void bind(EventLoop loop) {
		if (loop != null) {
			CurrentLoop.CURRENT.set(loop);
		}
		else {
			CurrentLoop.CURRENT.remove();
		}
	}

	/**
	 * Registers a channel with the loop's selector; on the loop's thread.
	 * @param channel a non-blocking channel
	 * @param ops the interest set
	 * @param handler told on the loop's thread whenever the key is selected
	 * @return the channel's key
	 * @throws IOException when the channel cannot be registered (closed)
	 */
	SelectionKey register(SelectableChannel channel, int ops, LoopHandler handler) throws IOException;

	/**
	 * Runs a task on the loop's thread soon, waking its selector; from any thread. Tasks
	 * that come when the loop has stopped never run.
	 * @param task what to run
	 */
	void execute(Runnable task);

	/** A channel of a service is ready. */
	interface LoopHandler {

		/**
		 * Handles the selected key, on the loop's thread; exceptions are logged and kept
		 * to this key.
		 * @param key the channel's key, with its ready set
		 */
		void ready(SelectionKey key);

	}

}
