package dev.sockeye.service;

/** Which {@link EventLoop} the calling thread runs, if any. */
final class CurrentLoop {

	static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

	private CurrentLoop() {
	}

}
