package dev.sockeye.proxy;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

import static dev.sockeye.proxy.ProxyHeaders.address;
import static dev.sockeye.proxy.ProxyHeaders.bytes;
import static dev.sockeye.proxy.ProxyHeaders.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The exact bytes of encoded headers. */
class ProxyHeaderEncoderTests {

	@Test
	void v1OverIpv4IsTheSpecsExampleLine() {
		assertThat(ProxyHeaderEncoder.v1(address("192.168.0.1", 56324), address("192.168.0.11", 443)))
			.isEqualTo(bytes("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"));
	}

	@Test
	void v1OverIpv6WritesCanonicalAddresses() {
		assertThat(ProxyHeaderEncoder.v1(address("2001:DB8:0:0:1:0:0:1", 1), address("0:0:0:0:0:0:0:0", 65535)))
			.isEqualTo(bytes("PROXY TCP6 2001:db8::1:0:0:1 :: 1 65535\r\n"));
		assertThat(ProxyHeaderEncoder.v1(address("1:0:2:0:3:0:4:0", 1), address("fe80::ab:0:0:0:cd", 2)))
			.isEqualTo(bytes("PROXY TCP6 1:0:2:0:3:0:4:0 fe80:0:0:ab::cd 1 2\r\n"));
	}

	@Test
	void v1WithMixedFamiliesWritesTheIpv4AddressAsIpv4MappedIpv6() {
		assertThat(ProxyHeaderEncoder.v1(address("10.0.0.1", 1234), address("::1", 80)))
			.isEqualTo(bytes("PROXY TCP6 ::ffff:10.0.0.1 ::1 1234 80\r\n"));
	}

	@Test
	void v1DropsAnIpv6Scope() throws UnknownHostException {
		InetSocketAddress scoped = new InetSocketAddress(
				Inet6Address.getByAddress(null, hex("fe800000000000000000000000000001"), 3), 9000);
		assertThat(ProxyHeaderEncoder.v1(scoped, address("fe80::2", 80)))
			.isEqualTo(bytes("PROXY TCP6 fe80::1 fe80::2 9000 80\r\n"));
	}

	@Test
	void v2OverIpv4IsWhatHaproxySends() {
		assertThat(ProxyHeaderEncoder.v2(address("172.19.0.1", 42578), address("172.19.0.3", 80)))
			.isEqualTo(hex("0d0a0d0a000d0a515549540a 21 11 000c ac130001 ac130003 a652 0050"));
	}

	@Test
	void v2OverIpv6HasThirtySixAddressBytes() {
		assertThat(ProxyHeaderEncoder.v2(address("2001:db8::1", 65535), address("10.0.0.2", 1)))
			.isEqualTo(hex("0d0a0d0a000d0a515549540a 21 21 0024 20010db8000000000000000000000001"
					+ "00000000000000000000ffff0a000002 ffff 0001"));
	}

	@Test
	void v2LocalHasNoAddresses() {
		assertThat(ProxyHeaderEncoder.v2Local()).isEqualTo(hex("0d0a0d0a000d0a515549540a 20 00 0000"));
	}

	@Test
	void unresolvedOrMissingAddressesAreRejected() {
		InetSocketAddress unresolved = InetSocketAddress.createUnresolved("example.com", 80);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProxyHeaderEncoder.v1(unresolved, address("10.0.0.1", 80)))
			.withMessage("The source must be a resolved address, was example.com/<unresolved>:80");
		assertThatIllegalArgumentException().isThrownBy(() -> ProxyHeaderEncoder.v2(address("10.0.0.1", 80), null))
			.withMessage("The destination must be a resolved address, was null");
	}

}
