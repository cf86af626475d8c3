package dev.sockeye.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A service that answers later without holding a thread while it waits (a relay, a call
 * to a non-blocking client), so that an {@code nio} listener needs no worker thread per
 * request in progress.
 * <p>
 * On an {@code nio} listener {@link #handleAsync} is called on the listener's I/O thread
 * for a connection's first request, and for the requests a client sent before its
 * previous reply on the thread that completed that reply's future: it must not block.
 * Each connection has at most one request in progress, so replies go out in request
 * order. A {@code blocking} listener calls {@link #handle}, which waits for the future on
 * the connection's own thread.
 */
public interface AsyncSockeyeService extends SockeyeService {

	/**
	 * Starts handling one request, without blocking.
	 * @param request the message's bytes, framing removed
	 * @param peer who sent it
	 * @return completes with the reply's bytes (framing is added by the listener), or
	 * {@code null} for no reply; completed exceptionally, the client gets the listener's
	 * {@code error-reply} (or with a {@link CloseConnectionException}, its connection is
	 * closed)
	 */
	CompletableFuture<byte[]> handleAsync(byte[] request, Peer peer);

	/**
	 * Waits for {@link #handleAsync}: for listeners that give each connection a thread.
	 */
	@Override
	default byte[] handle(byte[] request, Peer peer) throws Exception {
		try {
			return handleAsync(request, peer).get();
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			throw ex;
		}
	}

	/**
	 * {@code false}: {@link #handleAsync} does not block, so an {@code nio} listener
	 * calls it on its I/O thread and needs no worker threads.
	 */
	@Override
	default boolean isBlocking() {
		return false;
	}

}
