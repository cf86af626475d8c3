package dev.sockeye.proxy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Shared helpers for the PROXY protocol tests: bytes from text and hex, v2 headers built
 * by hand, and a read loop that feeds a decoder chunk by chunk.
 */
final class ProxyHeaders {

	private ProxyHeaders() {
	}

	/** The text's characters as bytes, one each ({@code \0} included). */
	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	static byte[] hex(String hex) {
		return HexFormat.of().parseHex(hex.replace(" ", ""));
	}

	static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	static byte[] filled(int length, int value) {
		byte[] bytes = new byte[length];
		Arrays.fill(bytes, (byte) value);
		return bytes;
	}

	/** A socket address from an IP literal, which is never looked up. */
	static InetSocketAddress address(String literal, int port) {
		try {
			return new InetSocketAddress(InetAddress.getByName(literal), port);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(literal, ex);
		}
	}

	/**
	 * A v2 header written out by hand: the signature, then the given version and command,
	 * family and transport, length field and body (which need not agree).
	 */
	static byte[] v2(int versionAndCommand, int family, int length, byte[]... body) {
		return concat(hex("0d0a0d0a000d0a515549540a"), new byte[] { (byte) versionAndCommand, (byte) family },
				new byte[] { (byte) (length >> 8), (byte) length }, concat(body));
	}

	/** Chunks of the given sizes in turn (the last taking the rest). */
	static List<byte[]> chunks(byte[] input, int... sizes) {
		List<byte[]> chunks = new ArrayList<>();
		int offset = 0;
		for (int size : sizes) {
			int end = Math.min(input.length, offset + size);
			chunks.add(Arrays.copyOfRange(input, offset, end));
			offset = end;
		}
		if (offset < input.length) {
			chunks.add(Arrays.copyOfRange(input, offset, input.length));
		}
		return chunks;
	}

	static List<byte[]> oneByteChunks(byte[] input) {
		List<byte[]> chunks = new ArrayList<>();
		for (byte b : input) {
			chunks.add(new byte[] { b });
		}
		return chunks;
	}

	/**
	 * Feeds the chunks to the decoder as a socket read loop does: appends each to one
	 * buffer and decodes, until a header comes out. Checks that a {@code null} leaves the
	 * buffer where it was and that the decoder never waits with
	 * {@link ProxyHeaderDecoder#maxLength()} bytes or more.
	 * @return the header and every byte after it (what the buffer kept and the chunks not
	 * yet read), or {@code null} if the chunks ran out first
	 */
	static Decoded readLoop(ProxyHeaderDecoder decoder, List<byte[]> chunks) throws ProxyProtocolException {
		ByteBuffer buffer = ByteBuffer.allocate(chunks.stream().mapToInt((chunk) -> chunk.length).sum());
		buffer.flip();
		for (int i = 0; i < chunks.size(); i++) {
			buffer.compact().put(chunks.get(i)).flip();
			int position = buffer.position();
			ProxyHeader header = decoder.decode(buffer);
			if (header != null) {
				check(buffer.position() == position + header.length(), "position not just past the header");
				byte[] rest = new byte[buffer.remaining()];
				buffer.get(rest);
				return new Decoded(header,
						concat(rest, concat(chunks.subList(i + 1, chunks.size()).toArray(byte[][]::new))));
			}
			check(buffer.position() == position, "position moved without a header");
			check(buffer.remaining() < decoder.maxLength(), "waiting for more than maxLength() bytes");
		}
		return null;
	}

	/** A plain check, cheap enough for every read of a fuzzing run. */
	private static void check(boolean condition, String failure) {
		if (!condition) {
			throw new AssertionError(failure);
		}
	}

	/** A header and the bytes after it. */
	record Decoded(ProxyHeader header, byte[] rest) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Decoded decoded && this.header.equals(decoded.header)
					&& Arrays.equals(this.rest, decoded.rest);
		}

		@Override
		public int hashCode() {
			return this.header.hashCode();
		}

		@Override
		public String toString() {
			return this.header + " then " + HexFormat.of().formatHex(this.rest);
		}

	}

}
