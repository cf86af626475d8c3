package dev.sockeye.proxy;

import java.util.Arrays;

/**
 * IP address literals as the v1 header writes them, parsed and formatted here rather than
 * by {@link java.net.InetAddress#getByName(String)}, which would look up anything that is
 * not a literal and accepts forms the protocol forbids (such as heading zeroes).
 */
final class AddressText {

	private static final int IPV4_LENGTH = 4;

	private static final int IPV6_LENGTH = 16;

	private AddressText() {
	}

	/**
	 * The four bytes of a dotted-decimal IPv4 address: exactly four numbers 0-255 without
	 * heading zeroes, or {@code null} when the text is not one.
	 */
	static byte[] parseIpv4(String text) {
		String[] parts = text.split("\\.", -1);
		if (parts.length != IPV4_LENGTH) {
			return null;
		}
		byte[] address = new byte[IPV4_LENGTH];
		for (int i = 0; i < IPV4_LENGTH; i++) {
			int value = decimal(parts[i], 3);
			if (value < 0 || value > 255) {
				return null;
			}
			address[i] = (byte) value;
		}
		return address;
	}

	/**
	 * The sixteen bytes of an IPv6 address: colon-separated groups of one to four hex
	 * digits, at most one {@code ::} for one or more zero groups, optionally ending in a
	 * dotted IPv4 address; {@code null} when the text is not one.
	 */
	static byte[] parseIpv6(String text) {
		int gap = text.indexOf("::");
		if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
			return null;
		}
		byte[] head = groups((gap < 0) ? text : text.substring(0, gap), gap < 0);
		byte[] tail = (gap < 0) ? new byte[0] : groups(text.substring(gap + 2), true);
		if (head == null || tail == null) {
			return null;
		}
		int given = head.length + tail.length;
		if ((gap < 0) ? given != IPV6_LENGTH : given > IPV6_LENGTH - 2) {
			return null;
		}
		byte[] address = new byte[IPV6_LENGTH];
		System.arraycopy(head, 0, address, 0, head.length);
		System.arraycopy(tail, 0, address, IPV6_LENGTH - tail.length, tail.length);
		return address;
	}

	/**
	 * The bytes of colon-separated hex groups (none for empty text), the last one
	 * optionally a dotted IPv4 address.
	 */
	private static byte[] groups(String text, boolean ipv4Last) {
		if (text.isEmpty()) {
			return new byte[0];
		}
		String[] parts = text.split(":", -1);
		byte[] bytes = new byte[parts.length * 2 + 2];
		int length = 0;
		for (int i = 0; i < parts.length; i++) {
			String part = parts[i];
			if (ipv4Last && i == parts.length - 1 && part.indexOf('.') >= 0) {
				byte[] ipv4 = parseIpv4(part);
				if (ipv4 == null) {
					return null;
				}
				System.arraycopy(ipv4, 0, bytes, length, ipv4.length);
				length += ipv4.length;
			}
			else {
				int value = hex(part);
				if (value < 0 || length >= IPV6_LENGTH) {
					return null;
				}
				bytes[length++] = (byte) (value >> 8);
				bytes[length++] = (byte) value;
			}
		}
		return Arrays.copyOf(bytes, length);
	}

	/**
	 * A decimal number of at most {@code maxDigits} digits without heading zeroes, or -1.
	 */
	static int decimal(String text, int maxDigits) {
		int length = text.length();
		if (length == 0 || length > maxDigits || (length > 1 && text.charAt(0) == '0')) {
			return -1;
		}
		int value = 0;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

	/** One to four hex digits as a number, or -1. */
	private static int hex(String text) {
		int length = text.length();
		if (length == 0 || length > 4) {
			return -1;
		}
		int value = 0;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			boolean ascii = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
			if (!ascii) {
				return -1;
			}
			value = (value << 4) | Character.digit(c, 16);
		}
		return value;
	}

	/** An address's bytes as text: dotted decimal, or RFC 5952 IPv6. */
	static String format(byte[] address) {
		return (address.length == IPV4_LENGTH) ? formatIpv4(address) : formatIpv6(address);
	}

	private static String formatIpv4(byte[] address) {
		return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
	}

	/**
	 * Lower-case groups without heading zeroes, the first longest run of two or more zero
	 * groups written as {@code ::}, an IPv4-mapped address as {@code ::ffff:a.b.c.d} (RFC
	 * 5952).
	 */
	private static String formatIpv6(byte[] address) {
		if (isIpv4Mapped(address)) {
			return "::ffff:" + formatIpv4(Arrays.copyOfRange(address, 12, 16));
		}
		int[] groups = new int[IPV6_LENGTH / 2];
		for (int i = 0; i < groups.length; i++) {
			groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
		}
		int runStart = -1;
		int runLength = 1;
		for (int i = 0; i < groups.length; i++) {
			int end = i;
			while (end < groups.length && groups[end] == 0) {
				end++;
			}
			if (end - i > runLength) {
				runStart = i;
				runLength = end - i;
			}
		}
		StringBuilder text = new StringBuilder(39);
		for (int i = 0; i < groups.length; i++) {
			if (i == runStart) {
				text.append("::");
				i += runLength - 1;
				continue;
			}
			if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
				text.append(':');
			}
			text.append(Integer.toHexString(groups[i]));
		}
		return text.toString();
	}

	private static boolean isIpv4Mapped(byte[] address) {
		for (int i = 0; i < 10; i++) {
			if (address[i] != 0) {
				return false;
			}
		}
		return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
	}

}
