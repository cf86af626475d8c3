package dev.sockeye.client;

import java.util.ArrayDeque;

/**
 * Work that an upstream's reply sets off and that needs the upstream connection back in
 * its pool: Spring Integration's outbound gateway hands a reply on, on the connection's
 * reader thread, before it returns the connection to the pool, so such work waits until
 * the reader is done with that reply.
 */
public final class AfterReply {

	private static final ThreadLocal<Deferred> DEFERRED = ThreadLocal.withInitial(Deferred::new);

	private AfterReply() {
	}

	/**
	 * Runs a task now, or on a reader thread that is handing a reply on, right after the
	 * reply is handed on.
	 * @param task the task
	 */
	public static void run(Runnable task) {
		Deferred deferred = DEFERRED.get();
		if (deferred.active) {
			deferred.tasks.add(task);
		}
		else {
			task.run();
		}
	}

	/** A reader thread starts handing a reply (or its connection's failure) on. */
	static void begin() {
		DEFERRED.get().active = true;
	}

	/** The reader thread is done with the last reply: runs what waited for that. */
	static void end() {
		Deferred deferred = DEFERRED.get();
		deferred.active = false;
		Runnable task;
		while ((task = deferred.tasks.poll()) != null) {
			task.run();
		}
	}

	/** One thread's deferred tasks. */
	private static final class Deferred {

		private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

		private boolean active;

	}

}
