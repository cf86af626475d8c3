package dev.sockeye.proxy;

import java.nio.ByteBuffer;

import dev.sockeye.proxy.HeaderBytes.Incomplete;

/**
 * Decodes the PROXY protocol header a trusted proxy sends before a connection's first
 * byte, strictly, as the spec asks of receivers: bytes that cannot start a header of an
 * accepted version fail at once, and a header that never ends fails at the version's
 * length bound. Holds no state, so one decoder serves every connection of a listener.
 */
public final class ProxyHeaderDecoder {

	/** The spec's longest v1 line, CRLF included. */
	public static final int V1_MAX_LENGTH = TextHeader.MAX_LENGTH;

	/**
	 * The 16-byte fixed part and at most 1 KiB of addresses and TLVs: bounded, so a
	 * client cannot make the listener buffer 64 KiB of header.
	 */
	public static final int V2_MAX_LENGTH = BinaryHeader.FIXED_LENGTH + BinaryHeader.MAX_ADDRESS_LENGTH;

	private final boolean v1;

	private final boolean v2;

	/**
	 * A decoder for {@link ProxyProtocol#V1}, {@link ProxyProtocol#V2} or {@code ANY}.
	 */
	public ProxyHeaderDecoder(ProxyProtocol accepted) {
		if (accepted == null || accepted == ProxyProtocol.OFF) {
			throw new IllegalArgumentException("A PROXY protocol decoder needs V1, V2 or ANY, not " + accepted);
		}
		this.v1 = accepted != ProxyProtocol.V2;
		this.v2 = accepted != ProxyProtocol.V1;
	}

	/**
	 * Decodes a header from the front of {@code input} (position to limit), for a read
	 * loop that calls it again with more bytes each time it returns {@code null}.
	 * @param input the bytes received so far; on success its position moves just past the
	 * header, leaving the client's first data after it in the buffer
	 * @return the header, or {@code null} (position unchanged) while the bytes so far are
	 * a valid start of one
	 * @throws ProxyProtocolException as soon as the bytes cannot start a valid header of
	 * an accepted version ({@code MALFORMED}), or a v1 line has no CRLF in 107 bytes or a
	 * v2 length exceeds the bound ({@code OVERSIZE})
	 */
	public ProxyHeader decode(ByteBuffer input) throws ProxyProtocolException {
		if (!input.hasRemaining()) {
			return null;
		}
		int first = input.get(input.position());
		ProxyHeader header;
		try {
			if (first == 'P' && this.v1) {
				header = TextHeader.read(new HeaderBytes(input));
			}
			else if (first == '\r' && this.v2) {
				header = BinaryHeader.read(new HeaderBytes(input));
			}
			else {
				throw notAccepted(first);
			}
		}
		catch (Incomplete ex) {
			return null;
		}
		input.position(input.position() + header.length());
		return header;
	}

	/** The most bytes a header can take under this decoder, for sizing a read buffer. */
	public int maxLength() {
		return this.v2 ? V2_MAX_LENGTH : V1_MAX_LENGTH;
	}

	private ProxyProtocolException notAccepted(int first) {
		if (first == 'P' || first == '\r') {
			return ProxyProtocolException.malformed("PROXY protocol " + ((first == 'P') ? "v1" : "v2")
					+ " header where only " + (this.v1 ? "v1" : "v2") + " is accepted");
		}
		String expected = (this.v1 && this.v2) ? "a PROXY protocol v1 or v2 header"
				: (this.v1 ? "a PROXY protocol v1 header" : "a PROXY protocol v2 header");
		return ProxyProtocolException
			.malformed(String.format("Expected %s, got first byte 0x%02x", expected, first & 0xff));
	}

}
