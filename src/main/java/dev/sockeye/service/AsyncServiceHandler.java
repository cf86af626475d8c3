package dev.sockeye.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.sockeye.metrics.ListenerMetrics;

/**
 * Calls a listener's {@link AsyncSockeyeService} for an {@code nio} listener's
 * connections and turns each outcome into what the client gets, with the same meters, log
 * line and error reply as {@link ServiceHandler} gives a synchronous service.
 */
public final class AsyncServiceHandler {

	private final AsyncSockeyeService service;

	private final ServiceCalls calls;

	/**
	 * @param listener the listener's name
	 * @param serviceName the service's name, for log lines
	 * @param service the service
	 * @param errorReply what the client gets when the service fails
	 * @param replies whether replies are sent (request-reply) or not (one-way)
	 * @param metrics the listener's meters, for service time and failures
	 */
	public AsyncServiceHandler(String listener, String serviceName, AsyncSockeyeService service, String errorReply,
			boolean replies, ListenerMetrics metrics) {
		this.service = service;
		this.calls = new ServiceCalls(listener, serviceName, errorReply, replies, metrics);
	}

	/**
	 * @return the listener's name, for the peers of its connections
	 */
	public String listener() {
		return this.calls.listener();
	}

	/**
	 * Starts one request; its outcome goes to {@code outcome} exactly once, on the thread
	 * that completes the service's future (this one when it is complete already).
	 * @param request the message's bytes
	 * @param peer who sent it
	 * @param outcome told what the client gets
	 */
	public void handle(byte[] request, Peer peer, Outcome outcome) {
		long start = System.nanoTime();
		CompletableFuture<byte[]> future;
		try {
			future = this.service.handleAsync(request, peer);
		}
		catch (RuntimeException ex) {
			future = CompletableFuture.failedFuture(ex);
		}
		future.whenComplete((reply, failure) -> done(reply, failure, peer, start, outcome));
	}

	private void done(byte[] reply, Throwable failure, Peer peer, long start, Outcome outcome) {
		long nanos = System.nanoTime() - start;
		if (failure == null) {
			outcome.reply(this.calls.succeeded(reply, nanos));
			return;
		}
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (this.calls.failed(cause, peer.connectionId(), nanos)) {
			outcome.close();
			return;
		}
		outcome.reply(this.calls.errorReply());
	}

	/** What becomes of one request: a reply, none, or the connection closed. */
	public interface Outcome {

		/**
		 * @param reply the reply's bytes, or {@code null} for none
		 */
		void reply(byte[] reply);

		/** The service asked for the connection to be closed. */
		void close();

	}

}
