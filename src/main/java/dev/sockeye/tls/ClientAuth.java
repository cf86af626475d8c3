package dev.sockeye.tls;

/** Whether a TLS listener asks clients for a certificate. */
public enum ClientAuth {

	/** No client certificate is asked for. */
	NONE,

	/**
	 * A client certificate is asked for and verified when sent; clients without one are
	 * accepted.
	 */
	WANT,

	/** A client certificate the bundle trusts is required. */
	NEED

}
