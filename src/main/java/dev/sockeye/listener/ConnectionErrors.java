package dev.sockeye.listener;

import java.io.IOException;

import dev.sockeye.framing.FramingException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.integration.ip.tcp.connection.TcpConnection;

/**
 * Reports what went wrong on one connection of one listener: one log line naming the listener, the connection and
 * what to do.
 */
final class ConnectionErrors {

	private static final Log logger = LogFactory.getLog(ConnectionErrors.class);

	private final String listener;

	ConnectionErrors(String listener) {
		this.listener = listener;
	}

	void framing(TcpConnection connection, FramingException ex) {
		logger.warn("Listener '" + this.listener + "' closing connection " + connection.getConnectionId() + ": "
				+ ex.getMessage());
	}

	void io(TcpConnection connection, IOException ex) {
		if (logger.isDebugEnabled()) {
			logger.debug("Listener '" + this.listener + "' connection " + connection.getConnectionId()
					+ " failed: " + ex);
		}
	}

	void dispatch(TcpConnection connection, RuntimeException ex) {
		logger.error("Listener '" + this.listener + "' could not process a message on connection "
				+ connection.getConnectionId(), ex);
	}

}
