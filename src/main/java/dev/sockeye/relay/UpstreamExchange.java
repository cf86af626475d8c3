package dev.sockeye.relay;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import dev.sockeye.client.AfterReply;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;

/**
 * One request to one upstream, and the channel that the asynchronous outbound gateway
 * sends its reply (or the failure of its connection) to, on the upstream connection's
 * reader thread: it completes {@link #reply} there, with no thread waiting for it.
 */
final class UpstreamExchange implements MessageChannel {

	/** Completes with the upstream's reply; exceptionally when it failed or timed out. */
	final CompletableFuture<Message<?>> reply = new CompletableFuture<>();

	final Message<?> request;

	private final Runnable released;

	private final AtomicBoolean done = new AtomicBoolean();

	/**
	 * @param request the request, built with this exchange as its reply channel
	 * @param released told once the gateway is done with the exchange's connection
	 */
	UpstreamExchange(Function<UpstreamExchange, Message<?>> request, Runnable released) {
		this.request = request.apply(this);
		this.released = released;
	}

	/**
	 * The gateway's reply, or an error message when the connection failed first; once per
	 * request sent.
	 */
	@Override
	public boolean send(Message<?> message, long timeout) {
		if (message.getPayload() instanceof Throwable failure) {
			this.reply.completeExceptionally(failure);
		}
		else {
			this.reply.complete(message);
		}
		// the gateway puts the connection back into its pool after this returns
		AfterReply.run(this::release);
		return true;
	}

	/**
	 * Sending failed: the gateway is done with the connection already.
	 * @param failure why
	 */
	void sendFailed(RuntimeException failure) {
		this.reply.completeExceptionally(failure);
		release();
	}

	private void release() {
		if (!this.done.getAndSet(true)) {
			this.released.run();
		}
	}

}
