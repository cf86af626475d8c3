package dev.sockeye.listener;

import java.util.Map;

/**
 * What Sockeye's connections share beyond Spring Integration's {@code TcpConnection}.
 */
interface FramedConnection {

	/** @return the standard headers of every message from this connection, computed once */
	Map<String, Object> messageHeaders();

	/**
	 * Closes with a reset (SO_LINGER 0): replies the client never read are dropped at once instead of holding kernel
	 * memory and the socket until the kernel gives up on them.
	 */
	void abort();

}
