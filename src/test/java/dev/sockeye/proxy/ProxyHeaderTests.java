package dev.sockeye.proxy;

import org.junit.jupiter.api.Test;

import dev.sockeye.proxy.ProxyHeader.Command;

import static dev.sockeye.proxy.ProxyHeaders.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/** What a header may say. */
class ProxyHeaderTests {

	@Test
	void aHeaderHasAddressesWhenItGivesThem() {
		assertThat(new ProxyHeader(Command.PROXY, address("10.0.0.1", 1), address("10.0.0.2", 2), 30).hasAddresses())
			.isTrue();
		assertThat(new ProxyHeader(Command.PROXY, null, null, 15).hasAddresses()).isFalse();
		assertThat(new ProxyHeader(Command.LOCAL, null, null, 16).hasAddresses()).isFalse();
	}

	@Test
	void aHeaderGivesBothAddressesOrNeither() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ProxyHeader(Command.PROXY, address("10.0.0.1", 1), null, 30));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ProxyHeader(Command.PROXY, null, address("10.0.0.1", 1), 30));
	}

	@Test
	void aLocalHeaderHasNoAddresses() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ProxyHeader(Command.LOCAL, address("10.0.0.1", 1), address("10.0.0.2", 2), 28));
	}

	@Test
	void aHeaderHasACommandAndALength() {
		assertThatNullPointerException().isThrownBy(() -> new ProxyHeader(null, null, null, 16));
		assertThatIllegalArgumentException().isThrownBy(() -> new ProxyHeader(Command.PROXY, null, null, 0));
	}

}
