package dev.sockeye.listener.connection;

import java.io.IOException;
import java.net.SocketException;
import java.time.InstantSource;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import dev.sockeye.framing.FramingException;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.ErrorType;
import dev.sockeye.metrics.ListenerMetrics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Reports what went wrong on one connection of one listener: one log line naming the
 * listener and the connection, the error meter, and the reason the connection is about to
 * be closed. The lines of a listener are limited by a {@link LogBudget}; the meter counts
 * every error.
 */
public final class ConnectionErrors {

	private static final Log logger = LogFactory.getLog(ConnectionErrors.class);

	private final String listener;

	private final ListenerMetrics metrics;

	private final LogBudget budget;

	/**
	 * @param listener the listener's name, for log lines
	 * @param metrics its meters
	 */
	public ConnectionErrors(String listener, ListenerMetrics metrics) {
		this(listener, metrics, InstantSource.system());
	}

	ConnectionErrors(String listener, ListenerMetrics metrics, InstantSource clock) {
		this.listener = listener;
		this.metrics = metrics;
		this.budget = new LogBudget(clock);
	}

	/**
	 * Input that cannot be framed: the connection is closed with reason {@code error}.
	 */
	public void framing(ConnectionStats stats, FramingException ex) {
		this.metrics.error((ex.kind() == FramingException.Kind.OVERSIZE) ? ErrorType.OVERSIZE : ErrorType.DECODE);
		stats.closing(CloseReason.ERROR);
		log(logger::warn,
				() -> "Listener '" + this.listener + "' closing connection " + stats.id() + ": " + ex.getMessage(),
				null);
	}

	/**
	 * A reply that cannot be framed (larger than the reply framing allows): the
	 * connection stays open.
	 */
	public void replyFraming(String connectionId, FramingException ex) {
		this.metrics.error((ex.kind() == FramingException.Kind.OVERSIZE) ? ErrorType.OVERSIZE : ErrorType.DECODE);
		log(logger::warn, () -> "Listener '" + this.listener + "' could not send a reply on connection " + connectionId
				+ ": " + ex.getMessage(), null);
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
		log(logger::info,
				() -> "Listener '" + this.listener + "' closing connection " + stats.id() + ": TLS "
						+ ((stats.handshakeSinceMillis() != 0) ? "handshake failed: " : "failed: ") + ex.getMessage(),
				null);
	}

	/**
	 * A PROXY protocol header that is malformed or too long: the connection is closed
	 * with reason {@code error}, before anything reaches the service.
	 */
	public void proxyProtocol(ConnectionStats stats, IOException ex) {
		this.metrics.error(ErrorType.PROXY_PROTOCOL);
		stats.closing(CloseReason.ERROR);
		log(logger::warn, () -> "Listener '" + this.listener + "' closing connection " + stats.id() + " from "
				+ stats.remoteAddress() + ": bad PROXY protocol header: " + ex.getMessage(), null);
	}

	/**
	 * A client that does not read its replies let too many pile up: the connection is
	 * closed.
	 */
	public void slowReader(ConnectionStats stats, long queuedBytes) {
		this.metrics.error(ErrorType.TIMEOUT);
		stats.closing(CloseReason.WRITE_TIMEOUT);
		log(logger::warn, () -> "Listener '" + this.listener + "' closing connection " + stats.id()
				+ ": the client does not read its replies (" + queuedBytes + " bytes waiting)", null);
	}

	public void dispatch(String connectionId, RuntimeException ex) {
		log(logger::error,
				() -> "Listener '" + this.listener + "' could not process a message on connection " + connectionId, ex);
	}

	/**
	 * Logs the line if the budget has room for it, after a line saying how many were left
	 * out since the last one. The line is only built when it is logged: in a flood most
	 * are not.
	 */
	private void log(BiConsumer<Object, Throwable> level, Supplier<String> line, Throwable ex) {
		long leftOut = this.budget.take();
		if (leftOut < 0) {
			return;
		}
		if (leftOut > 0) {
			logger.warn("Listener '" + this.listener + "' left " + leftOut + " line(s) about its connections out of"
					+ " the log (more than " + LogBudget.BURST + " in " + LogBudget.INTERVAL_MILLIS / 1000
					+ " s); tcp_server_errors_total counts every error");
		}
		level.accept(line.get(), ex);
	}

}
