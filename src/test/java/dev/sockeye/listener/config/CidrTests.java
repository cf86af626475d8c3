package dev.sockeye.listener.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Address blocks for allow and deny, IPv4 and IPv6, without a server.
 */
class CidrTests {

	@Test
	void anIpv4BlockMatchesTheAddressesUnderItsPrefixOnly() {
		Cidr block = Cidr.parse("10.1.0.0/16");
		assertThat(block.matches(address("10.1.255.7"))).isTrue();
		assertThat(block.matches(address("10.2.0.1"))).isFalse();
	}

	@Test
	void aPrefixThatIsNotAWholeByteComparesTheLeadingBits() {
		Cidr block = Cidr.parse("192.168.0.0/23");
		assertThat(block.matches(address("192.168.1.200"))).isTrue();
		assertThat(block.matches(address("192.168.2.1"))).isFalse();
	}

	@Test
	void aBareAddressIsABlockOfOne() {
		Cidr one = Cidr.parse("127.0.0.3");
		assertThat(one.matches(address("127.0.0.3"))).isTrue();
		assertThat(one.matches(address("127.0.0.4"))).isFalse();
	}

	@Test
	void anIpv6BlockMatchesIpv6AddressesUnderItsPrefixAndNoIpv4Address() {
		Cidr block = Cidr.parse("2001:db8::/32");
		assertThat(block.matches(address("2001:db8:1::5"))).isTrue();
		assertThat(block.matches(address("2001:db9::1"))).isFalse();
		assertThat(block.matches(address("10.0.0.1"))).isFalse();
		assertThat(Cidr.parse("[::1]").matches(address("::1"))).isTrue();
	}

	@Test
	void prefixZeroMatchesEveryAddressOfItsFamily() {
		assertThat(Cidr.parse("0.0.0.0/0").matches(address("203.0.113.9"))).isTrue();
		assertThat(Cidr.parse("::/0").matches(address("2001:db8::1"))).isTrue();
	}

	@Test
	void hostNamesBadPrefixesAndOutOfRangePrefixesAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("example.com"))
			.withMessageContaining("not an IP address");
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("10.0.0.0/x"))
			.withMessageContaining("no valid prefix");
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("10.0.0.0/33"))
			.withMessageContaining("out of range");
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("::/129"))
			.withMessageContaining("out of range");
	}

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
