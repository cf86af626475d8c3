package dev.sockeye.proxy;

import java.io.IOException;

/**
 * Bytes that cannot start a PROXY protocol header the listener accepts. The sender is not
 * a trusted proxy speaking the protocol (or is broken), so the connection is closed.
 */
public final class ProxyProtocolException extends IOException {

	/** What kind of bad header it was, for the error meter and the log. */
	public enum Kind {

		/** Bytes the protocol (or the accepted version) does not allow. */
		MALFORMED,

		/** A v1 line without CRLF in 107 bytes, or a v2 length over the bound. */
		OVERSIZE

	}

	private final Kind kind;

	public ProxyProtocolException(Kind kind, String message) {
		super(message);
		this.kind = kind;
	}

	public Kind kind() {
		return this.kind;
	}

	static ProxyProtocolException malformed(String message) {
		return new ProxyProtocolException(Kind.MALFORMED, message);
	}

	static ProxyProtocolException oversize(String message) {
		return new ProxyProtocolException(Kind.OVERSIZE, message);
	}

}
