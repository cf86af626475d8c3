package dev.sockeye.proxy;

/**
 * Which PROXY protocol versions a listener accepts. A listener that accepts one must
 * never guess whether a header is present: that would let any client spoof its address.
 */
public enum ProxyProtocol {

	/** No header: the connection's own addresses are the client's. */
	OFF,

	/** Only the text header, {@code PROXY TCP4 ...\r\n}. */
	V1,

	/** Only the binary header, starting with {@code \r\n\r\n\0\r\nQUIT\n}. */
	V2,

	/** Either version, told apart by the first byte; a header is still required. */
	ANY

}
