package dev.sockeye.metrics;

import java.util.Locale;

/** The {@code type} tag of {@link TcpMeterNames#ERRORS}. */
public enum ErrorType {

	/** Input that breaks the framing. */
	DECODE,

	/** A frame over {@code max-message-size}. */
	OVERSIZE,

	/** The service threw. */
	SERVICE,

	/** Reading or writing the socket failed. */
	IO,

	/** A timeout closed the connection. */
	TIMEOUT,

	/**
	 * A TLS handshake failed or a peer broke TLS (plain text, an untrusted or missing
	 * certificate, an old protocol).
	 */
	TLS,

	/**
	 * A PROXY protocol header was malformed, too long or late (a balancer's, or a client
	 * that is not one).
	 */
	PROXY_PROTOCOL;

	/**
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
