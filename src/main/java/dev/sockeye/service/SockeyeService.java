package dev.sockeye.service;

/**
 * What a listener does with each message. Implement it as a bean and name the bean in
 * {@code sockeye.listeners.<name>.service}; a plain {@code Function<byte[], byte[]>} or
 * {@code Function<String, String>} bean works too.
 */
@FunctionalInterface
public interface SockeyeService {

	/**
	 * Handles one request.
	 * @param request the message's bytes, framing removed
	 * @param peer who sent it
	 * @return the reply's bytes (framing is added by the listener), or {@code null} for
	 * no reply
	 * @throws Exception any failure; the client gets the listener's {@code error-reply}
	 * and the connection stays open
	 */
	byte[] handle(byte[] request, Peer peer) throws Exception;

	/**
	 * Whether {@link #handle} may block (on I/O, locks, sleeps). A non-blocking service
	 * runs on the listener's I/O thread, which is fastest; a blocking one runs on worker
	 * threads so that it cannot stall other connections.
	 * @return {@code true} unless the service only computes
	 */
	default boolean isBlocking() {
		return true;
	}

}
