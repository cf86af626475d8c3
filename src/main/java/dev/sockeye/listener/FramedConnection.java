package dev.sockeye.listener;

import java.util.Map;

/**
 * What Sockeye's connections share beyond Spring Integration's {@code TcpConnection}.
 */
interface FramedConnection {

	/** @return the standard headers of every message from this connection, computed once */
	Map<String, Object> messageHeaders();

}
