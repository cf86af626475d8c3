package dev.sockeye.listener.connection;

import java.io.IOException;
import java.net.SocketException;

import dev.sockeye.framing.FramingException;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.ErrorType;
import dev.sockeye.metrics.ListenerMetrics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Reports what went wrong on one connection of one listener: one log line naming the
 * listener and the connection, the error meter, and the reason the connection is about to
 * be closed.
 */
public final class ConnectionErrors {

	private static final Log logger = LogFactory.getLog(ConnectionErrors.class);

	private final String listener;

	private final ListenerMetrics metrics;

	/**
	 * @param listener the listener's name, for log lines
	 * @param metrics its meters
	 */
	public ConnectionErrors(String listener, ListenerMetrics metrics) {
		this.listener = listener;
		this.metrics = metrics;
	}

	/**
	 * Input that cannot be framed: the connection is closed with reason {@code error}.
	 */
	public void framing(ConnectionStats stats, FramingException ex) {
		this.metrics.error((ex.kind() == FramingException.Kind.OVERSIZE) ? ErrorType.OVERSIZE : ErrorType.DECODE);
		stats.closing(CloseReason.ERROR);
		logger.warn("Listener '" + this.listener + "' closing connection " + stats.id() + ": " + ex.getMessage());
	}

	/**
	 * A reply that cannot be framed (larger than the reply framing allows): the
	 * connection stays open.
	 */
	public void replyFraming(String connectionId, FramingException ex) {
		this.metrics.error((ex.kind() == FramingException.Kind.OVERSIZE) ? ErrorType.OVERSIZE : ErrorType.DECODE);
		logger.warn("Listener '" + this.listener + "' could not send a reply on connection " + connectionId + ": "
				+ ex.getMessage());
	}

	/**
	 * Reading or writing failed. A reset or an abort is the client going away; anything
	 * else is an I/O error.
	 */
	public void io(ConnectionStats stats, IOException ex) {
		if (ex instanceof SocketException) {
			stats.closing(CloseReason.CLIENT);
		}
		else {
			this.metrics.error(ErrorType.IO);
			stats.closing(CloseReason.ERROR);
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Listener '" + this.listener + "' connection " + stats.id() + " failed: " + ex);
		}
	}

	/**
	 * The TLS handshake failed or the client broke TLS: the connection is closed with
	 * reason {@code error}.
	 */
	public void tls(ConnectionStats stats, IOException ex) {
		if (stats.closeReason(null) != null) {
			return;
		}
		this.metrics.error(ErrorType.TLS);
		stats.closing(CloseReason.ERROR);
		logger.info("Listener '" + this.listener + "' closing connection " + stats.id() + ": TLS "
				+ ((stats.handshakeSinceMillis() != 0) ? "handshake failed: " : "failed: ") + ex.getMessage());
	}

	/**
	 * A PROXY protocol header that is malformed or too long: the connection is closed
	 * with reason {@code error}, before anything reaches the service.
	 */
	public void proxyProtocol(ConnectionStats stats, IOException ex) {
		this.metrics.error(ErrorType.PROXY_PROTOCOL);
		stats.closing(CloseReason.ERROR);
		logger.warn("Listener '" + this.listener + "' closing connection " + stats.id() + " from "
				+ stats.remoteAddress() + ": bad PROXY protocol header: " + ex.getMessage());
	}

	/**
	 * A client that does not read its replies let too many pile up: the connection is
	 * closed.
	 */
	public void slowReader(ConnectionStats stats, long queuedBytes) {
		this.metrics.error(ErrorType.TIMEOUT);
		stats.closing(CloseReason.WRITE_TIMEOUT);
		logger.warn("Listener '" + this.listener + "' closing connection " + stats.id()
				+ ": the client does not read its replies (" + queuedBytes + " bytes waiting)");
	}

	public void dispatch(String connectionId, RuntimeException ex) {
		logger.error("Listener '" + this.listener + "' could not process a message on connection " + connectionId, ex);
	}

}
