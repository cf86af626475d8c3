package dev.sockeye.service;

import java.nio.charset.StandardCharsets;

import dev.sockeye.metrics.ErrorType;
import dev.sockeye.metrics.ListenerMetrics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What one call to a listener's service ends in, the same for synchronous and
 * asynchronous services: its meters, the reply sent, and for a failure the log line and
 * the error reply, or the connection closed when the service asked for it.
 */
final class ServiceCalls {

	private static final Log logger = LogFactory.getLog(ServiceCalls.class);

	private final String listener;

	private final String serviceName;

	private final byte[] errorReply;

	private final boolean replies;

	private final ListenerMetrics metrics;

	/**
	 * @param listener the listener's name
	 * @param serviceName the service's name, for log lines
	 * @param errorReply what the client gets when the service fails
	 * @param replies whether replies are sent (request-reply) or not (one-way)
	 * @param metrics the listener's meters, for service time and failures
	 */
	ServiceCalls(String listener, String serviceName, String errorReply, boolean replies, ListenerMetrics metrics) {
		this.listener = listener;
		this.serviceName = serviceName;
		this.errorReply = errorReply.getBytes(StandardCharsets.UTF_8);
		this.replies = replies;
		this.metrics = metrics;
	}

	String listener() {
		return this.listener;
	}

	/**
	 * @param reply what the service returned
	 * @param nanos how long the service took
	 * @return the reply to send, or {@code null} for none
	 */
	byte[] succeeded(byte[] reply, long nanos) {
		this.metrics.request(this.serviceName, true, nanos);
		return this.replies ? reply : null;
	}

	/**
	 * Counts a failed call and logs it with the connection, unless the service asked for
	 * the connection to be closed.
	 * @param failure what the service threw or completed its future with
	 * @param connectionId the connection of the request
	 * @param nanos how long the service took
	 * @return {@code true} if the connection is to be closed, otherwise the client gets
	 * {@link #errorReply()}
	 */
	boolean failed(Throwable failure, String connectionId, long nanos) {
		this.metrics.request(this.serviceName, false, nanos);
		this.metrics.error(ErrorType.SERVICE);
		if (failure instanceof CloseConnectionException) {
			return true;
		}
		logger.error("Listener '" + this.listener + "' service '" + this.serviceName + "' failed on connection "
				+ connectionId + "; replying with the error reply", failure);
		return false;
	}

	/**
	 * @return the reply to a failed call, or {@code null} for none
	 */
	byte[] errorReply() {
		return this.replies ? this.errorReply : null;
	}

}
