package dev.sockeye.listener.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Map;

import dev.sockeye.framing.FramingException;
import dev.sockeye.listener.connection.ConnectionStats;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.proxy.ProxyHeader;
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

	/** Collects the PROXY protocol header; null when none is expected or once read. */
	private ProxyHeaderReader proxyHeader;

	/** The client a PROXY protocol header named; null for the socket's peer. */
	private volatile InetSocketAddress client;

	/**
	 * @param connection the connection, registered with its listener here
	 * @param wire what the listener's connections share
	 */
	ConnectionCore(FramedConnection connection, ListenerWire wire) {
		this.connection = connection;
		this.wire = wire;
		this.stats = wire.connections().opened(connection);
		if (wire.proxied()) {
			this.proxyHeader = new ProxyHeaderReader(wire.proxyProtocol());
			this.stats.proxyHeaderAwaited();
		}
	}

	/**
	 * @return the reader of the PROXY protocol header still awaited, or null
	 */
	ProxyHeaderReader proxyHeader() {
		return this.proxyHeader;
	}

	/**
	 * Takes the connection's PROXY protocol header: from now on the client it names is
	 * the connection's address, and the listener's rules and per-client cap apply to it.
	 * A header without addresses (LOCAL, UNKNOWN) leaves the socket's peer in place.
	 * @param header the header read
	 * @param peer the socket's peer, the balancer
	 * @return what came after the header, to be read as the client's; null when the
	 * client is refused (counted), and the connection is to be closed
	 */
	ByteBuffer proxyHeaderRead(ProxyHeader header, InetAddress peer) {
		ByteBuffer rest = this.proxyHeader.rest();
		this.proxyHeader = null;
		if (header.hasAddresses()) {
			this.client = header.source();
		}
		this.stats.proxyHeaderRead(this.wire.tls() != null);
		InetAddress address = header.hasAddresses() ? header.source().getAddress() : peer;
		if (!this.wire.admission().admitClient(this.stats, address)) {
			this.stats.closing(CloseReason.REJECTED);
			return null;
		}
		return rest;
	}

	/**
	 * @param core a connection's core; null while the connection is being constructed
	 * @param socketPeer the socket's peer address
	 * @return the client's address: the one its PROXY protocol header gave, else the
	 * socket's peer
	 */
	static String hostAddress(ConnectionCore core, String socketPeer) {
		InetSocketAddress client = (core != null) ? core.client : null;
		return (client != null) ? client.getAddress().getHostAddress() : socketPeer;
	}

	/**
	 * @param core a connection's core; null while the connection is being constructed
	 * @param socketPeer the socket's peer port
	 * @return the client's port: the one its PROXY protocol header gave, else the
	 * socket's peer's
	 */
	static int port(ConnectionCore core, int socketPeer) {
		InetSocketAddress client = (core != null) ? core.client : null;
		return (client != null) ? client.getPort() : socketPeer;
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
		return replyFrame(message, Replies.bytes(message));
	}

	/**
	 * @param message a reply
	 * @param reply its bytes
	 * @return the whole reply frame, for one write
	 * @throws MessagingException when the reply cannot be framed (logged with the
	 * connection)
	 */
	byte[] replyFrame(Message<?> message, byte[] reply) {
		try {
			return this.wire.replyCodec().frame(reply);
		}
		catch (FramingException ex) {
			throw replyFramingFailed(message, ex);
		}
	}

	/**
	 * Frames a reply into a buffer, without an array in between.
	 * @param message a reply
	 * @param reply its bytes
	 * @param out where the frame goes
	 * @return false, with nothing written, when the frame does not fit
	 * @throws MessagingException when the reply cannot be framed (logged with the
	 * connection)
	 */
	boolean replyFrame(Message<?> message, byte[] reply, ByteBuffer out) {
		try {
			return this.wire.replyCodec().frame(reply, out);
		}
		catch (FramingException ex) {
			throw replyFramingFailed(message, ex);
		}
	}

	private MessagingException replyFramingFailed(Message<?> message, FramingException ex) {
		this.wire.errors().replyFraming(this.stats.id(), ex);
		return new MessagingException(message, "Reply cannot be framed", ex);
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
