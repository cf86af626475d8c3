package dev.sockeye.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import dev.sockeye.proxy.HeaderBytes.Incomplete;
import dev.sockeye.proxy.ProxyHeader.Command;

/**
 * The v2 header: a 12-byte signature, version and command, family and transport, a
 * big-endian length, then that many bytes of addresses and TLVs. TLVs are skipped.
 */
final class BinaryHeader {

	static final byte[] SIGNATURE = { '\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n' };

	/** Signature, version and command, family and transport, length. */
	static final int FIXED_LENGTH = 16;

	/** The most address and TLV bytes accepted after the fixed part. */
	static final int MAX_ADDRESS_LENGTH = 1024;

	static final int VERSION = 0x20;

	static final int LOCAL = 0x0;

	static final int PROXY = 0x1;

	static final int UNSPEC = 0x00;

	static final int TCP_OVER_IPV4 = 0x11;

	static final int TCP_OVER_IPV6 = 0x21;

	static final int UNIX_STREAM = 0x31;

	private static final int UNIX_ADDRESS_LENGTH = 108;

	private BinaryHeader() {
	}

	/** Reads a header whose first byte has been seen to be {@code '\r'}. */
	static ProxyHeader read(HeaderBytes bytes) throws Incomplete, ProxyProtocolException {
		for (int i = 0; i < SIGNATURE.length; i++) {
			int c = bytes.next();
			if (c != SIGNATURE[i]) {
				throw ProxyProtocolException.malformed(
						String.format("Invalid PROXY protocol v2 signature: byte 0x%02x at offset %d, expected 0x%02x",
								c, i, SIGNATURE[i]));
			}
		}
		int versionAndCommand = bytes.next();
		if ((versionAndCommand & 0xf0) != VERSION) {
			throw ProxyProtocolException
				.malformed("Unsupported PROXY protocol version " + (versionAndCommand >> 4) + " after a v2 signature");
		}
		int command = versionAndCommand & 0x0f;
		if (command != LOCAL && command != PROXY) {
			throw ProxyProtocolException.malformed("Unknown PROXY protocol v2 command " + command);
		}
		// LOCAL: the spec has the receiver ignore the family and the whole address block
		int family = bytes.next();
		int addressLength = (command == LOCAL) ? 0 : addressLength(family);
		int length = bytes.nextShort();
		if (length > MAX_ADDRESS_LENGTH) {
			throw ProxyProtocolException.oversize("PROXY protocol v2 header of " + (FIXED_LENGTH + length)
					+ " bytes exceeds the limit of " + (FIXED_LENGTH + MAX_ADDRESS_LENGTH));
		}
		if (length < addressLength) {
			throw ProxyProtocolException.malformed(
					String.format("PROXY protocol v2 length %d is shorter than the %d address bytes of family 0x%02x",
							length, addressLength, family));
		}
		bytes.require(length);
		if (command == LOCAL) {
			bytes.skip(length);
			return new ProxyHeader(Command.LOCAL, null, null, bytes.offset());
		}
		if (family != TCP_OVER_IPV4 && family != TCP_OVER_IPV6) {
			bytes.skip(length);
			return new ProxyHeader(Command.PROXY, null, null, bytes.offset());
		}
		byte[] source = new byte[(family == TCP_OVER_IPV4) ? 4 : 16];
		byte[] destination = new byte[source.length];
		bytes.next(source);
		bytes.next(destination);
		int sourcePort = bytes.nextShort();
		int destinationPort = bytes.nextShort();
		bytes.skip(length - addressLength);
		return new ProxyHeader(Command.PROXY, socketAddress(source, sourcePort),
				socketAddress(destination, destinationPort), bytes.offset());
	}

	/**
	 * The address bytes the family takes; rejects families a TCP listener cannot have
	 * been relayed from (UDP, UNIX datagrams) and values the spec leaves unassigned.
	 */
	private static int addressLength(int family) throws ProxyProtocolException {
		return switch (family) {
			case UNSPEC -> 0;
			case TCP_OVER_IPV4 -> 2 * 4 + 2 * 2;
			case TCP_OVER_IPV6 -> 2 * 16 + 2 * 2;
			case UNIX_STREAM -> 2 * UNIX_ADDRESS_LENGTH;
			default -> throw ProxyProtocolException.malformed(String
				.format("PROXY protocol v2 family and transport 0x%02x is not TCP, UNIX stream or UNSPEC", family));
		};
	}

	private static InetSocketAddress socketAddress(byte[] address, int port) {
		InetAddress inetAddress = TextHeader.toInetAddress(address);
		return new InetSocketAddress(inetAddress, port);
	}

}
