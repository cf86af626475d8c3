package dev.sockeye.proxy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes PROXY protocol headers, for a relay that passes its client's address upstream
 * and for tests. When the two addresses are of different families, the IPv4 one is
 * written as its IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) and the header says
 * TCP over IPv6, so the header still carries both; a decoder gives the mapped address
 * back as IPv4.
 */
public final class ProxyHeaderEncoder {

	private ProxyHeaderEncoder() {
	}

	/** A v1 line, {@code PROXY TCP4|TCP6 <src> <dst> <srcport> <dstport>\r\n}. */
	public static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
		byte[][] addresses = addresses(source, destination);
		String line = "PROXY " + ((addresses[0].length == 4) ? "TCP4 " : "TCP6 ") + AddressText.format(addresses[0])
				+ " " + AddressText.format(addresses[1]) + " " + source.getPort() + " " + destination.getPort()
				+ "\r\n";
		return line.getBytes(StandardCharsets.US_ASCII);
	}

	/** A v2 header with the PROXY command, TCP over IPv4 or IPv6, and no TLVs. */
	public static byte[] v2(InetSocketAddress source, InetSocketAddress destination) {
		byte[][] addresses = addresses(source, destination);
		boolean ipv4 = addresses[0].length == 4;
		int length = 2 * addresses[0].length + 2 * 2;
		ByteBuffer header = ByteBuffer.allocate(BinaryHeader.FIXED_LENGTH + length);
		header.put(BinaryHeader.SIGNATURE)
			.put((byte) (BinaryHeader.VERSION | BinaryHeader.PROXY))
			.put((byte) (ipv4 ? BinaryHeader.TCP_OVER_IPV4 : BinaryHeader.TCP_OVER_IPV6))
			.putShort((short) length)
			.put(addresses[0])
			.put(addresses[1])
			.putShort((short) source.getPort())
			.putShort((short) destination.getPort());
		return header.array();
	}

	/**
	 * A v2 header with the LOCAL command and no addresses, for the proxy's own
	 * connections such as health checks.
	 */
	public static byte[] v2Local() {
		ByteBuffer header = ByteBuffer.allocate(BinaryHeader.FIXED_LENGTH);
		header.put(BinaryHeader.SIGNATURE)
			.put((byte) (BinaryHeader.VERSION | BinaryHeader.LOCAL))
			.put((byte) BinaryHeader.UNSPEC)
			.putShort((short) 0);
		return header.array();
	}

	/** Both addresses' bytes, of one family: IPv4 only when both are. */
	private static byte[][] addresses(InetSocketAddress source, InetSocketAddress destination) {
		InetAddress from = resolved(source, "source");
		InetAddress to = resolved(destination, "destination");
		if (from instanceof Inet4Address && to instanceof Inet4Address) {
			return new byte[][] { from.getAddress(), to.getAddress() };
		}
		return new byte[][] { ipv6(from), ipv6(to) };
	}

	private static InetAddress resolved(InetSocketAddress address, String name) {
		if (address == null || address.getAddress() == null) {
			throw new IllegalArgumentException("The " + name + " must be a resolved address, was " + address);
		}
		return address.getAddress();
	}

	/** The address's 16 bytes; IPv4 as IPv4-mapped, an IPv6 scope dropped. */
	private static byte[] ipv6(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (bytes.length == 16) {
			return bytes;
		}
		byte[] mapped = new byte[16];
		mapped[10] = (byte) 0xff;
		mapped[11] = (byte) 0xff;
		System.arraycopy(bytes, 0, mapped, 12, 4);
		return mapped;
	}

}
