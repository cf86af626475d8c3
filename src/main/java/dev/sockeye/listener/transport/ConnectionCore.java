package dev.sockeye.listener.transport;

import java.io.IOException;
import java.net.Socket;
import java.util.Map;

import dev.sockeye.framing.FramingException;
import dev.sockeye.listener.connection.ConnectionStats;
import dev.sockeye.service.FixedHeaders;

import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.MessagingException;

/**
 * What an NIO and a blocking connection do the same way: count themselves in, frame
 * replies, report failures, and share one set of message headers.
 */
final class ConnectionCore {

	private final TcpConnection connection;

	private final ListenerWire wire;

	private final ConnectionStats stats;

	private MessageHeaders messageHeaders;

	/**
	 * @param connection the connection, registered with its listener here
	 * @param wire what the listener's connections share
	 */
	ConnectionCore(FramedConnection connection, ListenerWire wire) {
		this.connection = connection;
		this.wire = wire;
		this.stats = wire.connections().opened(connection);
	}

	ListenerWire wire() {
		return this.wire;
	}

	ConnectionStats stats() {
		return this.stats;
	}

	/**
	 * @return the headers every message from this connection shares, computed on first
	 * use
	 */
	MessageHeaders messageHeaders() {
		MessageHeaders headers = this.messageHeaders;
		if (headers == null) {
			headers = headersOf(this.connection);
			this.messageHeaders = headers;
		}
		return headers;
	}

	/**
	 * @param connection a connection
	 * @return the headers of messages from it: connection id, client IP address and port,
	 * with no message id or timestamp, so that every message can share them
	 */
	static MessageHeaders headersOf(TcpConnection connection) {
		return new FixedHeaders(Map.of(IpHeaders.CONNECTION_ID, connection.getConnectionId(), IpHeaders.IP_ADDRESS,
				connection.getHostAddress(), IpHeaders.REMOTE_PORT, connection.getPort()));
	}

	/**
	 * @param message a reply
	 * @return the whole reply frame, for one write
	 * @throws MessagingException when the reply cannot be framed (logged with the
	 * connection)
	 */
	byte[] replyFrame(Message<?> message) {
		try {
			return this.wire.replyCodec().frame(Replies.bytes(message));
		}
		catch (FramingException ex) {
			this.wire.errors().replyFraming(this.stats.id(), ex);
			throw new MessagingException(message, "Reply cannot be framed", ex);
		}
	}

	/**
	 * A reply could not be written. Nothing is reported when the connection was closed on
	 * purpose (timeout, admin, shutdown) while it was being written; otherwise the
	 * failure is reported, the connection closed, and the sender told.
	 * @param message the reply
	 * @param ex why it failed
	 * @param closeWithError closes the connection as failed
	 * @throws MessagingException unless the connection was closed on purpose
	 */
	void sendFailed(Message<?> message, IOException ex, Runnable closeWithError) {
		if (this.stats.closeReason(null) != null) {
			return;
		}
		this.wire.errors().io(this.stats, ex);
		closeWithError.run();
		throw new MessagingException(message, "Send failed", ex);
	}

	/**
	 * Input that cannot be framed: reported, and the connection is to be closed.
	 * @param ex what was wrong
	 * @return the framed reply to send before closing, or {@code null} for none
	 */
	byte[] badInput(FramingException ex) {
		this.wire.errors().framing(this.stats, ex);
		return this.wire.badInputReply();
	}

	/**
	 * Closes with a reset: SO_LINGER 0, then {@code close}.
	 * @param socket the connection's socket
	 * @param close closes the connection
	 */
	static void abort(Socket socket, Runnable close) {
		try {
			socket.setSoLinger(true, 0);
		}
		catch (IOException ex) {
			// closed already
		}
		close.run();
	}

}
