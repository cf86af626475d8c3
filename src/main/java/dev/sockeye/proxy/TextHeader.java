package dev.sockeye.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import dev.sockeye.proxy.HeaderBytes.Incomplete;
import dev.sockeye.proxy.ProxyHeader.Command;

/**
 * The v1 header, one US-ASCII line: {@code PROXY TCP4|TCP6 <src> <dst> <srcport>
 * <dstport>\r\n} or {@code PROXY UNKNOWN[ <anything>]\r\n}, at most 107 bytes. Parsed
 * strictly a byte at a time, so a line that goes wrong fails at its first wrong byte
 * rather than after 107 bytes.
 */
final class TextHeader {

	/** The longest line the spec allows, CRLF included. */
	static final int MAX_LENGTH = 107;

	private static final int IPV4_MAX_CHARS = 15;

	/** Eight groups of four hex digits, the last two written as a dotted IPv4 address. */
	private static final int IPV6_MAX_CHARS = 45;

	private static final int MAX_PORT = 65535;

	private final HeaderBytes bytes;

	private TextHeader(HeaderBytes bytes) {
		this.bytes = bytes;
	}

	/** Reads a line whose first byte has been seen to be {@code 'P'}. */
	static ProxyHeader read(HeaderBytes bytes) throws Incomplete, ProxyProtocolException {
		return new TextHeader(bytes).read();
	}

	private ProxyHeader read() throws Incomplete, ProxyProtocolException {
		expect("PROXY ");
		int c = next();
		if (c == 'T') {
			expect("CP");
			int family = next();
			if (family != '4' && family != '6') {
				throw unexpected(family, "4 or 6 after TCP");
			}
			expect(" ");
			boolean ipv6 = family == '6';
			InetAddress source = address(ipv6);
			InetAddress destination = address(ipv6);
			int sourcePort = port(' ');
			int destinationPort = port('\r');
			expect("\n");
			return new ProxyHeader(Command.PROXY, new InetSocketAddress(source, sourcePort),
					new InetSocketAddress(destination, destinationPort), this.bytes.offset());
		}
		if (c == 'U') {
			expect("NKNOWN");
			int after = next();
			if (after == ' ') {
				skipToCrlf();
			}
			else if (after == '\r') {
				expect("\n");
			}
			else {
				throw unexpected(after, "a space or CRLF after UNKNOWN");
			}
			return new ProxyHeader(Command.PROXY, null, null, this.bytes.offset());
		}
		throw unexpected(c, "TCP4, TCP6 or UNKNOWN");
	}

	/**
	 * What follows {@code UNKNOWN} is ignored, as the spec asks, up to the CRLF; a lone
	 * CR or LF does not end the line and is rejected.
	 */
	private void skipToCrlf() throws Incomplete, ProxyProtocolException {
		while (true) {
			int c = next();
			if (c == '\r') {
				expect("\n");
				return;
			}
			if (c == '\n') {
				throw unexpected(c, "CRLF, not a lone LF");
			}
		}
	}

	/** An address literal of the family and the single space after it. */
	private InetAddress address(boolean ipv6) throws Incomplete, ProxyProtocolException {
		int maxChars = ipv6 ? IPV6_MAX_CHARS : IPV4_MAX_CHARS;
		StringBuilder text = new StringBuilder(maxChars);
		int c;
		while ((c = next()) != ' ') {
			if (!addressChar(c, ipv6)) {
				throw unexpected(c, ipv6 ? "an IPv6 address literal" : "an IPv4 address literal");
			}
			if (text.length() == maxChars) {
				throw ProxyProtocolException.malformed("Address longer than " + maxChars + " characters");
			}
			text.append((char) c);
		}
		if (text.length() == 0) {
			throw unexpected(c, "an address, not a second space");
		}
		byte[] address = ipv6 ? AddressText.parseIpv6(text.toString()) : AddressText.parseIpv4(text.toString());
		if (address == null) {
			throw ProxyProtocolException.malformed("Not an " + (ipv6 ? "IPv6" : "IPv4") + " address: " + text);
		}
		return toInetAddress(address);
	}

	private static boolean addressChar(int c, boolean ipv6) {
		boolean decimal = (c >= '0' && c <= '9') || c == '.';
		return decimal || (ipv6 && (c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
	}

	/** A decimal port 0-65535 without sign or heading zeroes, and its terminator. */
	private int port(char terminator) throws Incomplete, ProxyProtocolException {
		int c = next();
		if (c < '0' || c > '9') {
			throw unexpected(c, "a port number");
		}
		int port = c - '0';
		while ((c = next()) != terminator) {
			if (c < '0' || c > '9') {
				throw unexpected(c, "a digit or " + ((terminator == ' ') ? "a space" : "CRLF") + " in a port number");
			}
			if (port == 0) {
				throw unexpected(c, "no heading zero in a port number");
			}
			port = port * 10 + (c - '0');
			if (port > MAX_PORT) {
				throw ProxyProtocolException.malformed("Port number over " + MAX_PORT);
			}
		}
		return port;
	}

	private void expect(String expected) throws Incomplete, ProxyProtocolException {
		for (int i = 0; i < expected.length(); i++) {
			int c = next();
			if (c != expected.charAt(i)) {
				throw unexpected(c, "'" + expected.replace("\n", "\\n") + "'");
			}
		}
	}

	/** The next byte of the line, which must end within {@link #MAX_LENGTH} bytes. */
	private int next() throws Incomplete, ProxyProtocolException {
		if (this.bytes.offset() >= MAX_LENGTH) {
			throw ProxyProtocolException
				.oversize("No CRLF within the " + MAX_LENGTH + " bytes a PROXY protocol v1 line may take");
		}
		return this.bytes.next();
	}

	private ProxyProtocolException unexpected(int c, String expected) {
		return ProxyProtocolException
			.malformed(String.format("Invalid PROXY protocol v1 line: byte 0x%02x at offset %d, expected %s", c,
					this.bytes.offset() - 1, expected));
	}

	/** Wraps the bytes without any lookup; an IPv4-mapped IPv6 address becomes IPv4. */
	static InetAddress toInetAddress(byte[] address) {
		try {
			return InetAddress.getByAddress(address);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException("Address of " + address.length + " bytes", ex);
		}
	}

}
