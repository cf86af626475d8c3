package dev.sockeye.listener;

import java.time.Instant;

/**
 * What is known about one open connection, for the actuator endpoint.
 */
public interface ConnectionInfo {

	/**
	 * @return the connection id, as in log lines
	 */
	String id();

	/**
	 * @return the client's IP address
	 */
	String remoteAddress();

	/**
	 * @return the client's port
	 */
	int remotePort();

	/**
	 * @return when the connection was accepted
	 */
	Instant openedAt();

	/**
	 * @return bytes read from the client, framing included
	 */
	long bytesReceived();

	/**
	 * @return bytes written to the client, framing included
	 */
	long bytesSent();

	/**
	 * @return messages received
	 */
	long messagesReceived();

	/**
	 * @return messages sent
	 */
	long messagesSent();

	/**
	 * @return when a byte last moved either way
	 */
	Instant lastActivity();

}
