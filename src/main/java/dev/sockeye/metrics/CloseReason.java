package dev.sockeye.metrics;

import java.util.Locale;

/**
 * Why a connection was closed; the {@code reason} tag of
 * {@link TcpMeterNames#CONNECTIONS_CLOSED}.
 */
public enum CloseReason {

	/** The client closed it (end of stream). */
	CLIENT,

	/** No traffic for longer than the idle timeout. */
	IDLE,

	/** Bad input or an I/O failure. */
	ERROR,

	/** The listener stopped. */
	SHUTDOWN,

	/** An operator closed it through the actuator endpoint. */
	ADMIN,

	/**
	 * The listener closes each connection after its reply ({@code close-after-reply},
	 * {@code raw} framing).
	 */
	REPLY,

	/**
	 * The listener closes each connection after its greeting
	 * ({@code close-after-greeting}).
	 */
	GREETING,

	/**
	 * A frame was not complete within the message timeout after its first byte
	 * (slowloris).
	 */
	MESSAGE_TIMEOUT,

	/**
	 * The client did not read its replies: they stayed unwritten past the write timeout
	 * or the write backlog.
	 */
	WRITE_TIMEOUT,

	/**
	 * Refused once its PROXY protocol header named a client that the rules or the
	 * per-client cap do not admit.
	 */
	REJECTED,

	/**
	 * A TLS handshake or a PROXY protocol header was not complete within the handshake
	 * timeout.
	 */
	HANDSHAKE_TIMEOUT;

	/**
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
