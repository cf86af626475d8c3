package dev.sockeye.listener.transport;

import dev.sockeye.listener.connection.ConnectionHandle;

import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.messaging.MessageHeaders;

/**
 * What Sockeye's connections share beyond Spring Integration's {@code TcpConnection}.
 */
interface FramedConnection extends TcpConnection, ConnectionHandle {

	/**
	 * @return the headers every message from this connection shares, computed once
	 */
	MessageHeaders messageHeaders();

}
