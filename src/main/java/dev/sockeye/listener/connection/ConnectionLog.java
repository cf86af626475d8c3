package dev.sockeye.listener.connection;

import java.time.Duration;

import dev.sockeye.metrics.CloseReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per closed connection, as HAProxy's {@code option tcplog}: the listener, the
 * client (as a PROXY protocol header named it), how long it was open, bytes and messages
 * each way, and why it closed. The fields are also key-value pairs, which Spring Boot's
 * structured logging writes as JSON fields. Logged under {@value #CATEGORY}, so that it
 * can be routed or silenced on its own.
 */
public final class ConnectionLog {

	/** The logger category of connection lines. */
	public static final String CATEGORY = "sockeye.connections";

	private static final Logger logger = LoggerFactory.getLogger(CATEGORY);

	private final String listener;

	/**
	 * @param listener the listener's name
	 */
	public ConnectionLog(String listener) {
		this.listener = listener;
	}

	void closed(ConnectionStats stats, CloseReason reason, long durationNanos) {
		if (!logger.isInfoEnabled()) {
			return;
		}
		String client = stats.remoteAddress() + ":" + stats.remotePort();
		Duration duration = Duration.ofNanos(durationNanos);
		String closeReason = reason.tag();
		logger.atInfo()
			.addKeyValue("listener", this.listener)
			.addKeyValue("client", client)
			.addKeyValue("connection", stats.id())
			.addKeyValue("durationMs", duration.toMillis())
			.addKeyValue("bytesIn", stats.bytesReceived())
			.addKeyValue("bytesOut", stats.bytesSent())
			.addKeyValue("messagesIn", stats.messagesReceived())
			.addKeyValue("messagesOut", stats.messagesSent())
			.addKeyValue("closeReason", closeReason)
			.log("listener={} client={} duration={}ms in={}B/{} out={}B/{} reason={}", this.listener, client,
					duration.toMillis(), stats.bytesReceived(), stats.messagesReceived(), stats.bytesSent(),
					stats.messagesSent(), closeReason);
	}

}
