package dev.sockeye.metrics;

/**
 * Every meter Sockeye publishes, in one place. Micrometer names; the Prometheus names (in
 * brackets) add the base unit and {@code _total} for counters. Tags are low-cardinality
 * only: never a remote address or connection id.
 */
public final class TcpMeterNames {

	/** Open connections {listener} ({@code tcp_server_connections_active}). */
	public static final String CONNECTIONS_ACTIVE = "tcp.server.connections.active";

	/**
	 * The connection cap {listener} ({@code tcp_server_connections_limit}); only when
	 * there is one.
	 */
	public static final String CONNECTIONS_LIMIT = "tcp.server.connections.limit";

	/** Connections accepted {listener} ({@code tcp_server_connections_opened_total}). */
	public static final String CONNECTIONS_OPENED = "tcp.server.connections.opened";

	/**
	 * Connections closed {listener, reason}
	 * ({@code tcp_server_connections_closed_total}).
	 */
	public static final String CONNECTIONS_CLOSED = "tcp.server.connections.closed";

	/**
	 * Connections refused before any read {listener, reason}
	 * ({@code tcp_server_connections_rejected_total}).
	 */
	public static final String CONNECTIONS_REJECTED = "tcp.server.connections.rejected";

	/**
	 * How long connections stayed open {listener}
	 * ({@code tcp_server_connection_duration_seconds}).
	 */
	public static final String CONNECTION_DURATION = "tcp.server.connection.duration";

	/**
	 * Bytes read from clients, framing included {listener}
	 * ({@code tcp_server_received_bytes_total}).
	 */
	public static final String RECEIVED_BYTES = "tcp.server.received";

	/**
	 * Bytes written to clients, framing included {listener}
	 * ({@code tcp_server_sent_bytes_total}).
	 */
	public static final String SENT_BYTES = "tcp.server.sent";

	/**
	 * Messages (frames) received {listener} ({@code tcp_server_messages_received_total}).
	 */
	public static final String MESSAGES_RECEIVED = "tcp.server.messages.received";

	/** Messages (frames) sent {listener} ({@code tcp_server_messages_sent_total}). */
	public static final String MESSAGES_SENT = "tcp.server.messages.sent";

	/**
	 * Service time of each request {listener, service, outcome}
	 * ({@code tcp_server_request_duration_seconds}).
	 */
	public static final String REQUEST_DURATION = "tcp.server.request.duration";

	/** Errors {listener, type} ({@code tcp_server_errors_total}). */
	public static final String ERRORS = "tcp.server.errors";

	/**
	 * 1 while the listener accepts connections, else 0 {listener}
	 * ({@code tcp_server_listener_up}).
	 */
	public static final String LISTENER_UP = "tcp.server.listener.up";

	/** The listener's name. */
	public static final String TAG_LISTENER = "listener";

	/** Why a connection closed: see {@link CloseReason}. */
	public static final String TAG_REASON = "reason";

	/** What kind of error: see {@link ErrorType}. */
	public static final String TAG_TYPE = "type";

	/** The service's name as configured. */
	public static final String TAG_SERVICE = "service";

	/** {@code success} or {@code error}. */
	public static final String TAG_OUTCOME = "outcome";

	private TcpMeterNames() {
	}

}
