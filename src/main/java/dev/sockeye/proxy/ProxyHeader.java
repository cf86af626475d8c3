package dev.sockeye.proxy;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What a PROXY protocol header says: the original client's and server's addresses, or
 * that the connection's own socket addresses are to be used.
 *
 * @param command {@code PROXY} for a relayed connection, {@code LOCAL} for one the proxy
 * opened itself (health checks)
 * @param source the original client, or {@code null} when the connection's own remote
 * address is to be used (v2 {@code LOCAL}, v1 {@code UNKNOWN}, v2 {@code AF_UNSPEC} and
 * {@code AF_UNIX})
 * @param destination the address the client connected to, {@code null} with
 * {@code source}
 * @param length the header's size in bytes
 */
public record ProxyHeader(Command command, InetSocketAddress source, InetSocketAddress destination, int length) {

	/** Whether the proxy relayed the connection or opened it itself. */
	public enum Command {

		/** The proxy's own connection, such as a health check: no addresses. */
		LOCAL,

		/** A relayed connection. */
		PROXY

	}

	public ProxyHeader {
		Objects.requireNonNull(command, "command");
		if ((source == null) != (destination == null)) {
			throw new IllegalArgumentException("Source and destination must both be given or both be null");
		}
		if (command == Command.LOCAL && source != null) {
			throw new IllegalArgumentException("A LOCAL header has no addresses");
		}
		if (length <= 0) {
			throw new IllegalArgumentException("Length must be positive, was " + length);
		}
	}

	/** Whether the header replaces the connection's socket addresses. */
	public boolean hasAddresses() {
		return this.source != null;
	}

}
