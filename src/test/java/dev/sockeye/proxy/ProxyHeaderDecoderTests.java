package dev.sockeye.proxy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sockeye.proxy.ProxyHeader.Command;
import dev.sockeye.proxy.ProxyHeaders.Decoded;
import dev.sockeye.proxy.ProxyProtocolException.Kind;

import static dev.sockeye.proxy.ProxyHeaders.address;
import static dev.sockeye.proxy.ProxyHeaders.bytes;
import static dev.sockeye.proxy.ProxyHeaders.chunks;
import static dev.sockeye.proxy.ProxyHeaders.concat;
import static dev.sockeye.proxy.ProxyHeaders.filled;
import static dev.sockeye.proxy.ProxyHeaders.hex;
import static dev.sockeye.proxy.ProxyHeaders.oneByteChunks;
import static dev.sockeye.proxy.ProxyHeaders.readLoop;
import static dev.sockeye.proxy.ProxyHeaders.v2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The v1 and v2 headers, valid and not, whole, split at every offset and byte by byte.
 */
class ProxyHeaderDecoderTests {

	/**
	 * The client's first data: looks like the start of another header, and is not one.
	 */
	private static final byte[] CLIENT_DATA = bytes("PROXY hello\r\n\r\n\0");

	private static final String MAX_IPV6 = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";

	private static final String MAX_MAPPED = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";

	static Stream<Valid> validHeaders() {
		return Stream.of(
				validV1("TCP4", "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n",
						proxy(address("192.168.0.1", 56324), address("192.168.0.11", 443), 47)),
				validV1("TCP4 at its longest", "PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n",
						proxy(address("255.255.255.255", 65535), address("255.255.255.255", 65535), 56)),
				validV1("TCP4 with zeroes", "PROXY TCP4 0.0.0.0 10.0.100.0 0 0\r\n",
						proxy(address("0.0.0.0", 0), address("10.0.100.0", 0), 35)),
				validV1("TCP6", "PROXY TCP6 2001:db8::1 2001:DB8:0:0:0:0:0:2 65535 1\r\n",
						proxy(address("2001:db8::1", 65535), address("2001:db8::2", 1), 53)),
				validV1("TCP6 at its longest", "PROXY TCP6 " + MAX_IPV6 + " " + MAX_IPV6 + " 65535 65535\r\n",
						proxy(address(MAX_IPV6, 65535), address(MAX_IPV6, 65535), 104)),
				validV1("TCP6 compressed at either end", "PROXY TCP6 :: 1:2:3:4:5:6:7:: 1 2\r\n",
						proxy(address("::", 1), address("1:2:3:4:5:6:7:0", 2), 35)),
				validV1("TCP6 IPv4-mapped", "PROXY TCP6 ::ffff:10.0.0.1 ::FFFF:0A00:0002 1234 80\r\n",
						proxy(address("10.0.0.1", 1234), address("10.0.0.2", 80), 53)),
				validV1("TCP6 with a dotted tail", "PROXY TCP6 1:2:3:4:5:6:1.2.3.4 ::1.2.3.4 1 2\r\n",
						proxy(address("1:2:3:4:5:6:102:304", 1), address("::102:304", 2), 46)),
				validV1("UNKNOWN, short", "PROXY UNKNOWN\r\n", proxy(null, null, 15)),
				validV1("UNKNOWN with anything after it", "PROXY UNKNOWN anything \t\0 at all\r\n",
						proxy(null, null, 34)),
				validV1("UNKNOWN at the longest line",
						"PROXY UNKNOWN " + MAX_IPV6 + " " + MAX_IPV6 + " 65535 65535\r\n", proxy(null, null, 107)),
				validV2("PROXY over IPv4 (HAProxy's bytes)",
						hex("0d0a0d0a000d0a515549540a 21 11 000c ac130001 ac130003 a652 0050"),
						proxy(address("172.19.0.1", 42578), address("172.19.0.3", 80), 28)),
				validV2("PROXY over IPv6",
						v2(0x21, 0x21, 36, hex("20010db8000000000000000000000001"),
								hex("20010db8000000000000000000000002"), hex("ffff 0001")),
						proxy(address("2001:db8::1", 65535), address("2001:db8::2", 1), 52)),
				validV2("PROXY over IPv6 with IPv4-mapped addresses",
						v2(0x21, 0x21, 36, hex("00000000000000000000ffff0a000001"),
								hex("00000000000000000000ffff0a000002"), hex("04d2 0050")),
						proxy(address("10.0.0.1", 1234), address("10.0.0.2", 80), 52)),
				validV2("PROXY over IPv4 with TLVs",
						v2(0x21, 0x11, 12 + 5 + 6, hex("7f000001 7f000002 1f90 0050"), hex("01 0002 6832"),
								hex("04 0003 000000")),
						proxy(address("127.0.0.1", 8080), address("127.0.0.2", 80), 39)),
				validV2("PROXY over IPv4 at the length bound",
						v2(0x21, 0x11, 1024, hex("7f000001 7f000002 1f90 0050"), hex("04 03f1"), new byte[1009]),
						proxy(address("127.0.0.1", 8080), address("127.0.0.2", 80), 1040)),
				validV2("LOCAL", hex("0d0a0d0a000d0a515549540a 20 00 0000"), local(16)),
				validV2("LOCAL with an address block, ignored", v2(0x20, 0x11, 12, filled(12, 0xab)), local(28)),
				validV2("LOCAL with a UDP family, ignored", v2(0x20, 0x22, 3, filled(3, 0)), local(19)),
				validV2("LOCAL with an unassigned family, ignored", v2(0x20, 0xff, 0), local(16)),
				validV2("AF_UNSPEC", v2(0x21, 0x00, 0), proxy(null, null, 16)),
				validV2("AF_UNSPEC with bytes after it", v2(0x21, 0x00, 4, hex("01020304")), proxy(null, null, 20)),
				validV2("AF_UNIX", v2(0x21, 0x31, 216, filled(216, 'x')), proxy(null, null, 232)),
				validV2("AF_UNIX with TLVs", v2(0x21, 0x31, 220, filled(216, 'x'), hex("04 0001 00")),
						proxy(null, null, 236)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("validHeaders")
	void validHeadersDecodeWholeLeavingTheClientDataInTheBuffer(Valid valid) throws ProxyProtocolException {
		for (ProxyProtocol accepted : valid.acceptedBy()) {
			ByteBuffer buffer = ByteBuffer.wrap(concat(valid.header(), CLIENT_DATA));
			ProxyHeader header = new ProxyHeaderDecoder(accepted).decode(buffer);
			assertThat(header).as(accepted.name()).isEqualTo(valid.expected());
			assertThat(buffer.position()).isEqualTo(valid.header().length);
			assertThat(rest(buffer)).isEqualTo(CLIENT_DATA);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("validHeaders")
	void validHeadersDecodeTheSameSplitAtEveryOffset(Valid valid) throws ProxyProtocolException {
		byte[] input = concat(valid.header(), CLIENT_DATA);
		Decoded expected = new Decoded(valid.expected(), CLIENT_DATA);
		for (ProxyProtocol accepted : valid.acceptedBy()) {
			ProxyHeaderDecoder decoder = new ProxyHeaderDecoder(accepted);
			for (int split = 1; split < input.length; split++) {
				assertThat(readLoop(decoder, chunks(input, split))).as("%s split at %d", accepted, split)
					.isEqualTo(expected);
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("validHeaders")
	void validHeadersDecodeTheSameByteByByte(Valid valid) throws ProxyProtocolException {
		byte[] input = concat(valid.header(), CLIENT_DATA);
		for (ProxyProtocol accepted : valid.acceptedBy()) {
			assertThat(readLoop(new ProxyHeaderDecoder(accepted), oneByteChunks(input))).as(accepted.name())
				.isEqualTo(new Decoded(valid.expected(), CLIENT_DATA));
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("validHeaders")
	void everyProperPrefixOfAValidHeaderNeedsMoreBytes(Valid valid) throws ProxyProtocolException {
		for (ProxyProtocol accepted : valid.acceptedBy()) {
			for (int length = 0; length < valid.header().length; length++) {
				ByteBuffer buffer = ByteBuffer.wrap(valid.header(), 0, length);
				assertThat(new ProxyHeaderDecoder(accepted).decode(buffer)).as("%s, %d bytes", accepted, length)
					.isNull();
				assertThat(buffer.position()).isZero();
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("validHeaders")
	void validHeadersOfTheOtherVersionAreRejectedAtTheirFirstByte(Valid valid) {
		ProxyProtocol other = valid.acceptedBy().contains(ProxyProtocol.V1) ? ProxyProtocol.V2 : ProxyProtocol.V1;
		ProxyProtocolException ex = rejection(other, Arrays.copyOf(valid.header(), 1));
		assertThat(ex.kind()).isEqualTo(Kind.MALFORMED);
		assertThat(ex.getMessage()).endsWith("header where only " + other.name().toLowerCase() + " is accepted");
	}

	@Test
	void decodesFromTheBufferPositionAndLeavesTheBytesBeforeIt() throws ProxyProtocolException {
		ByteBuffer buffer = ByteBuffer.allocateDirect(64);
		buffer.put(bytes("xyz")).put(bytes("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n")).put(CLIENT_DATA).flip().position(3);
		ProxyHeader header = new ProxyHeaderDecoder(ProxyProtocol.ANY).decode(buffer);
		assertThat(header).isEqualTo(proxy(address("1.2.3.4", 1), address("5.6.7.8", 2), 32));
		assertThat(buffer.position()).isEqualTo(35);
		assertThat(rest(buffer)).isEqualTo(CLIENT_DATA);
	}

	@Test
	void emptyInputNeedsMoreBytes() throws ProxyProtocolException {
		assertThat(new ProxyHeaderDecoder(ProxyProtocol.ANY).decode(ByteBuffer.allocate(0))).isNull();
	}

	@Test
	void addressFamiliesAreTheHeadersExceptIpv4MappedWhichIsIpv4() throws ProxyProtocolException {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder(ProxyProtocol.ANY);
		ProxyHeader tcp4 = decoder.decode(ByteBuffer.wrap(bytes("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n")));
		ProxyHeader tcp6 = decoder.decode(ByteBuffer.wrap(bytes("PROXY TCP6 ::1 ::ffff:1.2.3.4 1 2\r\n")));
		assertThat(tcp4.source().getAddress()).isInstanceOf(Inet4Address.class);
		assertThat(tcp6.source().getAddress()).isInstanceOf(Inet6Address.class);
		assertThat(tcp6.destination().getAddress()).isInstanceOf(Inet4Address.class);
		assertThat(tcp6.source().isUnresolved()).isFalse();
		assertThat(tcp6.source().getHostString()).isEqualTo("0:0:0:0:0:0:0:1");
	}

	static Stream<Arguments> rejections() {
		String tcp4 = "PROXY TCP4 1.1.1.1 1.1.1.1 ";
		return Stream.of(rejected("not a header", ProxyProtocol.ANY, "GET / HTTP/1.1\r\n", 1, Kind.MALFORMED),
				rejected("not a header, v1 only", ProxyProtocol.V1, "\0PROXY", 1, Kind.MALFORMED),
				rejected("not a header, v2 only", ProxyProtocol.V2, "\n\r\n", 1, Kind.MALFORMED),
				rejected("lower case", ProxyProtocol.V1, "proxy TCP4", 1, Kind.MALFORMED),
				rejected("misspelt", ProxyProtocol.V1, "PROXX TCP4", 5, Kind.MALFORMED),
				rejected("no space after PROXY", ProxyProtocol.V1, "PROXYTCP4", 6, Kind.MALFORMED),
				rejected("two spaces after PROXY", ProxyProtocol.V1, "PROXY  TCP4", 7, Kind.MALFORMED),
				rejected("UDP4", ProxyProtocol.V1, "PROXY UDP4 ", 8, Kind.MALFORMED),
				rejected("TCP5", ProxyProtocol.V1, "PROXY TCP5 ", 10, Kind.MALFORMED),
				rejected("UNKNOWN run on", ProxyProtocol.V1, "PROXY UNKNOWNX\r\n", 14, Kind.MALFORMED),
				rejected("two spaces after TCP4", ProxyProtocol.V1, "PROXY TCP4  1.1.1.1", 12, Kind.MALFORMED),
				rejected("two spaces between addresses", ProxyProtocol.V1, "PROXY TCP4 1.1.1.1  1.1.1.1 1 2\r\n", 20,
						Kind.MALFORMED),
				rejected("two spaces between ports", ProxyProtocol.V1, tcp4 + "1  2\r\n", 30, Kind.MALFORMED),
				rejected("a tab for a space", ProxyProtocol.V1, "PROXY TCP4\t", 11, Kind.MALFORMED),
				rejected("a host name for IPv4", ProxyProtocol.V1, "PROXY TCP4 localhost 1.1.1.1 1 2\r\n", 12,
						Kind.MALFORMED),
				rejected("a host name for IPv6", ProxyProtocol.V1, "PROXY TCP6 example.com ::1 1 2\r\n", 13,
						Kind.MALFORMED),
				rejected("a hex host name for IPv6", ProxyProtocol.V1, "PROXY TCP6 cafe.be ::1 1 2\r\n", 19,
						Kind.MALFORMED),
				rejected("IPv6 under TCP4", ProxyProtocol.V1, "PROXY TCP4 ::1 ::1 1 2\r\n", 12, Kind.MALFORMED),
				rejected("IPv4 under TCP6", ProxyProtocol.V1, "PROXY TCP6 1.1.1.1 ::1 1 2\r\n", 19, Kind.MALFORMED),
				rejected("an IPv6 zone", ProxyProtocol.V1, "PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n", 19, Kind.MALFORMED),
				rejected("an IPv4 heading zero", ProxyProtocol.V1, "PROXY TCP4 1.1.1.01 1.1.1.1 1 2\r\n", 20,
						Kind.MALFORMED),
				rejected("an IPv4 number over 255", ProxyProtocol.V1, "PROXY TCP4 1.1.1.1 1.256.1.1 1 2\r\n", 29,
						Kind.MALFORMED),
				rejected("three IPv4 numbers", ProxyProtocol.V1, "PROXY TCP4 1.1.1 1.1.1.1 1 2\r\n", 17,
						Kind.MALFORMED),
				rejected("an IPv4 address too long", ProxyProtocol.V1, "PROXY TCP4 1.1.1.1111111111111 ", 27,
						Kind.MALFORMED),
				rejected("an empty IPv4 number", ProxyProtocol.V1, "PROXY TCP4 1..1.1 1.1.1.1 1 2\r\n", 18,
						Kind.MALFORMED),
				rejected("two IPv6 gaps", ProxyProtocol.V1, "PROXY TCP6 1::2::3 ::1 1 2\r\n", 19, Kind.MALFORMED),
				rejected("nine IPv6 groups", ProxyProtocol.V1, "PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n", 29,
						Kind.MALFORMED),
				rejected("eight IPv6 groups and a gap", ProxyProtocol.V1, "PROXY TCP6 1:2:3:4::5:6:7:8 ::1 1 2\r\n", 28,
						Kind.MALFORMED),
				rejected("seven IPv6 groups", ProxyProtocol.V1, "PROXY TCP6 1:2:3:4:5:6:7 ::1 1 2\r\n", 25,
						Kind.MALFORMED),
				rejected("a five-digit IPv6 group", ProxyProtocol.V1, "PROXY TCP6 12345:: ::1 1 2\r\n", 19,
						Kind.MALFORMED),
				rejected("an IPv6 leading colon", ProxyProtocol.V1, "PROXY TCP6 :1:2:3:4:5:6:7 ::1 1 2\r\n", 26,
						Kind.MALFORMED),
				rejected("an IPv6 triple colon", ProxyProtocol.V1, "PROXY TCP6 1:::2 ::1 1 2\r\n", 17, Kind.MALFORMED),
				rejected("a dotted IPv6 tail before the gap", ProxyProtocol.V1, "PROXY TCP6 1.2.3.4:: ::1 1 2\r\n", 21,
						Kind.MALFORMED),
				rejected("a port with a plus sign", ProxyProtocol.V1, tcp4 + "+80 81\r\n", 28, Kind.MALFORMED),
				rejected("a negative port", ProxyProtocol.V1, tcp4 + "-1 81\r\n", 28, Kind.MALFORMED),
				rejected("a port with a heading zero", ProxyProtocol.V1, tcp4 + "080 81\r\n", 29, Kind.MALFORMED),
				rejected("a port of 00", ProxyProtocol.V1, tcp4 + "80 00\r\n", 32, Kind.MALFORMED),
				rejected("a port over 65535", ProxyProtocol.V1, tcp4 + "65536 81\r\n", 32, Kind.MALFORMED),
				rejected("a port far over 65535", ProxyProtocol.V1, tcp4 + "80 99999999\r\n", 35, Kind.MALFORMED),
				rejected("a hex port", ProxyProtocol.V1, tcp4 + "0x50 81\r\n", 29, Kind.MALFORMED),
				rejected("one port", ProxyProtocol.V1, tcp4 + "80\r\n", 30, Kind.MALFORMED),
				rejected("three ports", ProxyProtocol.V1, tcp4 + "80 81 82\r\n", 33, Kind.MALFORMED),
				rejected("a lone LF", ProxyProtocol.V1, tcp4 + "80 81\n", 33, Kind.MALFORMED),
				rejected("a lone CR", ProxyProtocol.V1, tcp4 + "80 81\rGET", 34, Kind.MALFORMED),
				rejected("a space before CRLF", ProxyProtocol.V1, tcp4 + "80 81 \r\n", 33, Kind.MALFORMED),
				rejected("UNKNOWN with a lone LF", ProxyProtocol.V1, "PROXY UNKNOWN abc\n", 18, Kind.MALFORMED),
				rejected("UNKNOWN with a lone CR", ProxyProtocol.V1, "PROXY UNKNOWN\rabc\r\n", 15, Kind.MALFORMED),
				rejected("a v1 line with no CRLF in 107 bytes", ProxyProtocol.V1,
						"PROXY UNKNOWN " + "x".repeat(93) + "\r\n", 107, Kind.OVERSIZE),
				rejected("a v1 line with CR as its 107th byte", ProxyProtocol.ANY,
						"PROXY UNKNOWN " + "x".repeat(92) + "\r\n", 107, Kind.OVERSIZE),
				rejected("a TCP6 line over 107 bytes", ProxyProtocol.V1,
						"PROXY TCP6 " + MAX_MAPPED + " " + MAX_MAPPED + " 65535 65535\r\n", 107, Kind.OVERSIZE),
				rejected("a wrong v2 signature", ProxyProtocol.V2, "\r\n\r\n\0\r\nQUIX\n\u0021\u0011", 11,
						Kind.MALFORMED),
				rejected("a v2 signature cut short", ProxyProtocol.ANY, "\r\n\r\nGET", 5, Kind.MALFORMED),
				rejected("a v2 signature without its zero", ProxyProtocol.V2, "\r\n\r\n\r\nQUIT\n", 5, Kind.MALFORMED),
				rejected("v2 version 1", ProxyProtocol.V2, v2(0x11, 0x11, 12, new byte[12]), 13, Kind.MALFORMED),
				rejected("v2 version 3", ProxyProtocol.V2, v2(0x31, 0x11, 12, new byte[12]), 13, Kind.MALFORMED),
				rejected("v2 version 0", ProxyProtocol.ANY, v2(0x01, 0x11, 12, new byte[12]), 13, Kind.MALFORMED),
				rejected("v2 command 2", ProxyProtocol.V2, v2(0x22, 0x11, 12, new byte[12]), 13, Kind.MALFORMED),
				rejected("v2 command 15", ProxyProtocol.V2, v2(0x2f, 0x00, 0), 13, Kind.MALFORMED),
				rejected("v2 UDP over IPv4", ProxyProtocol.V2, v2(0x21, 0x12, 12, new byte[12]), 14, Kind.MALFORMED),
				rejected("v2 UDP over IPv6", ProxyProtocol.V2, v2(0x21, 0x22, 36, new byte[36]), 14, Kind.MALFORMED),
				rejected("v2 UNIX datagrams", ProxyProtocol.V2, v2(0x21, 0x32, 216, new byte[216]), 14, Kind.MALFORMED),
				rejected("v2 IPv4 with no transport", ProxyProtocol.V2, v2(0x21, 0x10, 12, new byte[12]), 14,
						Kind.MALFORMED),
				rejected("v2 unspecified family with TCP", ProxyProtocol.V2, v2(0x21, 0x01, 0), 14, Kind.MALFORMED),
				rejected("v2 family 4", ProxyProtocol.V2, v2(0x21, 0x41, 0), 14, Kind.MALFORMED),
				rejected("v2 transport 3", ProxyProtocol.V2, v2(0x21, 0x13, 12, new byte[12]), 14, Kind.MALFORMED),
				rejected("v2 length over the bound", ProxyProtocol.V2, v2(0x21, 0x11, 1025, new byte[1025]), 16,
						Kind.OVERSIZE),
				rejected("v2 length of 65535", ProxyProtocol.ANY, v2(0x21, 0x31, 0xffff), 16, Kind.OVERSIZE),
				rejected("LOCAL v2 length over the bound", ProxyProtocol.V2, v2(0x20, 0x00, 1025), 16, Kind.OVERSIZE),
				rejected("v2 IPv4 length short of the addresses", ProxyProtocol.V2, v2(0x21, 0x11, 11, new byte[11]),
						16, Kind.MALFORMED),
				rejected("v2 IPv6 length short of the addresses", ProxyProtocol.V2, v2(0x21, 0x21, 35, new byte[36]),
						16, Kind.MALFORMED),
				rejected("v2 UNIX length short of the addresses", ProxyProtocol.V2, v2(0x21, 0x31, 215, new byte[216]),
						16, Kind.MALFORMED));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rejections")
	void invalidInputIsRejectedAtItsFirstWrongByte(String name, ProxyProtocol accepted, byte[] input, int failAt,
			Kind kind) throws ProxyProtocolException {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder(accepted);
		for (int length = 0; length < failAt; length++) {
			assertThat(decoder.decode(ByteBuffer.wrap(input, 0, length))).as("%d bytes", length).isNull();
		}
		assertThat(rejection(accepted, Arrays.copyOf(input, failAt)).kind()).isEqualTo(kind);
		assertThat(rejection(accepted, concat(input, CLIENT_DATA)).kind()).isEqualTo(kind);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rejections")
	void invalidInputIsRejectedTheSameByteByByteAndAtEverySplit(String name, ProxyProtocol accepted, byte[] input,
			int failAt, Kind kind) {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder(accepted);
		byte[] all = concat(input, CLIENT_DATA);
		assertThat(
				catchThrowableOfType(ProxyProtocolException.class, () -> readLoop(decoder, oneByteChunks(all))).kind())
			.isEqualTo(kind);
		for (int split = 1; split < all.length; split++) {
			int at = split;
			assertThat(
					catchThrowableOfType(ProxyProtocolException.class, () -> readLoop(decoder, chunks(all, at))).kind())
				.as("split at %d", split)
				.isEqualTo(kind);
		}
	}

	@Test
	void rejectionsSayWhatWasWrongWithoutEchoingRawBytes() {
		assertThat(rejection(ProxyProtocol.V1, bytes("GET /")))
			.hasMessage("Expected a PROXY protocol v1 header, got first byte 0x47");
		assertThat(rejection(ProxyProtocol.ANY, bytes("PROXY TCP4 1.1.1.1 1.1.1.1 8x"))).hasMessage(
				"Invalid PROXY protocol v1 line: byte 0x78 at offset 28, expected a digit or a space in a port number");
		assertThat(rejection(ProxyProtocol.ANY, bytes("PROXY TCP4 1.1.1.1 1.1.1.1 80 81\n"))).hasMessage(
				"Invalid PROXY protocol v1 line: byte 0x0a at offset 32, expected a digit or CRLF in a port number");
		assertThat(rejection(ProxyProtocol.ANY, bytes("PROXY TCP4 1.1.1.256 ")))
			.hasMessage("Not an IPv4 address: 1.1.1.256");
		assertThat(rejection(ProxyProtocol.ANY, bytes("PROXY UNKNOWN " + "x".repeat(93))))
			.hasMessage("No CRLF within the 107 bytes a PROXY protocol v1 line may take");
		assertThat(rejection(ProxyProtocol.V2, v2(0x21, 0x22, 36)))
			.hasMessage("PROXY protocol v2 family and transport 0x22 is not TCP, UNIX stream or UNSPEC");
		assertThat(rejection(ProxyProtocol.V2, v2(0x21, 0x11, 2000)))
			.hasMessage("PROXY protocol v2 header of 2016 bytes exceeds the limit of 1040");
		assertThat(rejection(ProxyProtocol.V2, v2(0x21, 0x21, 12)))
			.hasMessage("PROXY protocol v2 length 12 is shorter than the 36 address bytes of family 0x21");
		assertThat(rejection(ProxyProtocol.V2, v2(0x11, 0x21, 36)))
			.hasMessage("Unsupported PROXY protocol version 1 after a v2 signature");
	}

	@ParameterizedTest
	@EnumSource(names = { "V1", "V2", "ANY" })
	void maxLengthIsTheLongestHeaderTheDecoderAccepts(ProxyProtocol accepted) {
		assertThat(new ProxyHeaderDecoder(accepted).maxLength()).isEqualTo((accepted == ProxyProtocol.V1) ? 107 : 1040);
		assertThat(ProxyHeaderDecoder.V1_MAX_LENGTH).isEqualTo(107);
		assertThat(ProxyHeaderDecoder.V2_MAX_LENGTH).isEqualTo(1040);
	}

	@Test
	void aDecoderNeedsAVersionToAccept() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ProxyHeaderDecoder(ProxyProtocol.OFF));
		assertThatIllegalArgumentException().isThrownBy(() -> new ProxyHeaderDecoder(null));
	}

	@ParameterizedTest
	@ValueSource(strings = { "192.0.2.1:1 -> 198.51.100.7:65535", "2001:db8::1:0 -> fe80::1:0", "10.0.0.1:443 -> ::1:0",
			"::1:5 -> 10.0.0.1:6", "0.0.0.0:0 -> 255.255.255.255:65535",
			"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:1 -> 0::0:0" })
	void encodedHeadersDecodeToTheirAddresses(String addresses) throws ProxyProtocolException {
		String[] ends = addresses.split(" -> ");
		InetSocketAddress source = parse(ends[0]);
		InetSocketAddress destination = parse(ends[1]);
		boolean mixed = source.getAddress().getClass() != destination.getAddress().getClass();
		for (byte[] header : List.of(ProxyHeaderEncoder.v1(source, destination),
				ProxyHeaderEncoder.v2(source, destination))) {
			ByteBuffer buffer = ByteBuffer.wrap(concat(header, CLIENT_DATA));
			ProxyHeader decoded = new ProxyHeaderDecoder(ProxyProtocol.ANY).decode(buffer);
			assertThat(decoded).isEqualTo(new ProxyHeader(Command.PROXY, source, destination, header.length));
			assertThat(rest(buffer)).isEqualTo(CLIENT_DATA);
			if (mixed) {
				// the IPv4 end went over as IPv4-mapped IPv6 and came back as IPv4
				assertThat(decoded.source().getAddress()).isEqualTo(source.getAddress());
				assertThat(decoded.destination().getAddress()).isEqualTo(destination.getAddress());
			}
		}
	}

	@Test
	void anEncodedLocalHeaderDecodesToLocalWithoutAddresses() throws ProxyProtocolException {
		ProxyHeader header = new ProxyHeaderDecoder(ProxyProtocol.V2)
			.decode(ByteBuffer.wrap(ProxyHeaderEncoder.v2Local()));
		assertThat(header).isEqualTo(local(16));
		assertThat(header.hasAddresses()).isFalse();
	}

	private static InetSocketAddress parse(String hostAndPort) {
		int colon = hostAndPort.lastIndexOf(':');
		return address(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
	}

	private static ProxyProtocolException rejection(ProxyProtocol accepted, byte[] input) {
		return catchThrowableOfType(ProxyProtocolException.class,
				() -> new ProxyHeaderDecoder(accepted).decode(ByteBuffer.wrap(input)));
	}

	private static byte[] rest(ByteBuffer buffer) {
		byte[] rest = new byte[buffer.remaining()];
		buffer.duplicate().get(rest);
		return rest;
	}

	private static Arguments rejected(String name, ProxyProtocol accepted, String input, int failAt, Kind kind) {
		return rejected(name, accepted, bytes(input), failAt, kind);
	}

	private static Arguments rejected(String name, ProxyProtocol accepted, byte[] input, int failAt, Kind kind) {
		return Arguments.of(name, accepted, input, failAt, kind);
	}

	private static ProxyHeader proxy(InetSocketAddress source, InetSocketAddress destination, int length) {
		return new ProxyHeader(Command.PROXY, source, destination, length);
	}

	private static ProxyHeader local(int length) {
		return new ProxyHeader(Command.LOCAL, null, null, length);
	}

	private static Valid validV1(String name, String header, ProxyHeader expected) {
		assertThat(header).hasSize(expected.length());
		return new Valid("v1 " + name, bytes(header), expected, List.of(ProxyProtocol.V1, ProxyProtocol.ANY));
	}

	private static Valid validV2(String name, byte[] header, ProxyHeader expected) {
		assertThat(header).hasSize(expected.length());
		return new Valid("v2 " + name, header, expected, List.of(ProxyProtocol.V2, ProxyProtocol.ANY));
	}

	/** A valid header, what it says, and the decoders that accept it. */
	record Valid(String name, byte[] header, ProxyHeader expected, List<ProxyProtocol> acceptedBy) {

		@Override
		public String toString() {
			return this.name;
		}

	}

}
