package dev.sockeye.listener.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is
 * a block of one.
 *
 * @param network the block's address bytes
 * @param prefix how many leading bits must match
 */
public record Cidr(byte[] network, int prefix) {

	/**
	 * @param text the block in CIDR notation, or a single literal address
	 * @return the block
	 * @throws IllegalArgumentException when the text is not a literal IPv4 or IPv6 block
	 */
	public static Cidr parse(String text) {
		String trimmed = text.trim();
		int slash = trimmed.indexOf('/');
		String address = (slash >= 0) ? trimmed.substring(0, slash) : trimmed;
		if (address.isEmpty() || !address.matches("[0-9A-Fa-f:.\\[\\]]+")) {
			throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
		}
		byte[] bytes;
		try {
			bytes = InetAddress.getByName(address.replace("[", "").replace("]", "")).getAddress();
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
		}
		int prefix = bytes.length * 8;
		if (slash >= 0) {
			try {
				prefix = Integer.parseInt(trimmed.substring(slash + 1));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
			}
			if (prefix < 0 || prefix > bytes.length * 8) {
				throw new IllegalArgumentException("'" + text + "' has a prefix length out of range");
			}
		}
		return new Cidr(bytes, prefix);
	}

	public boolean matches(InetAddress address) {
		byte[] candidate = address.getAddress();
		if (candidate.length != this.network.length) {
			return false;
		}
		int full = this.prefix / 8;
		for (int i = 0; i < full; i++) {
			if (candidate[i] != this.network[i]) {
				return false;
			}
		}
		int rest = this.prefix % 8;
		if (rest == 0) {
			return true;
		}
		int mask = (0xff << (8 - rest)) & 0xff;
		return (candidate[full] & mask) == (this.network[full] & mask);
	}

}
