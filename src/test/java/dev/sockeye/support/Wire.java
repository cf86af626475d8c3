package dev.sockeye.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Frames written by hand, byte by byte, for each framing: what a client of that protocol
 * puts on the wire. Kept apart from the code under test on purpose.
 */
public final class Wire {

	private Wire() {
	}

	public static byte[] frame(String framing, String text) {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		switch (framing) {
			case "crlf" -> out.writeBytes(concat(payload, new byte[] { '\r', '\n' }));
			case "lf" -> out.writeBytes(concat(payload, new byte[] { '\n' }));
			case "null" -> out.writeBytes(concat(payload, new byte[] { 0 }));
			case "stx-etx" -> {
				out.write(0x02);
				out.writeBytes(payload);
				out.write(0x03);
			}
			case "length-header-1" -> {
				out.write(payload.length);
				out.writeBytes(payload);
			}
			case "length-header-2" -> {
				out.write(payload.length >> 8);
				out.write(payload.length);
				out.writeBytes(payload);
			}
			case "length-header-4" -> {
				out.write(payload.length >>> 24);
				out.write(payload.length >>> 16);
				out.write(payload.length >>> 8);
				out.write(payload.length);
				out.writeBytes(payload);
			}
			case "raw", "none" -> out.writeBytes(payload);
			default -> throw new IllegalArgumentException(framing);
		}
		return out.toByteArray();
	}

	public static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

}
