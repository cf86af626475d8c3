package dev.sockeye.listener;

import org.springframework.messaging.MessageHeaders;

/**
 * What Sockeye's connections share beyond Spring Integration's {@code TcpConnection}.
 */
interface FramedConnection {

	/**
	 * @return the headers every message from this connection shares, computed once
	 */
	MessageHeaders messageHeaders();

	/**
	 * Closes with a reset (SO_LINGER 0): replies the client never read are dropped at
	 * once instead of holding kernel memory and the socket until the kernel gives up on
	 * them.
	 */
	void abort();

}
