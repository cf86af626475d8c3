package dev.sockeye.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import dev.sockeye.SockeyeApplication;
import dev.sockeye.listener.Listeners;
import dev.sockeye.service.SockeyeService;
import dev.sockeye.support.TcpClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relay that sends a PROXY protocol header upstream: a backend Sockeye behind it, with
 * proxy-protocol on and trusting the relay, sees the relay's client, not the relay, on
 * every request (each on its own upstream connection), in both versions.
 */
class RelaySendProxyTests {

	@ParameterizedTest
	@ValueSource(strings = { "v1", "v2" })
	void theUpstreamSeesTheRelaysClient(String version) {
		try (ConfigurableApplicationContext backend = new SpringApplicationBuilder(SockeyeApplication.class,
				WhoAmI.class)
			.run("--server.port=0", "--sockeye.listeners.backend.port=0",
					"--sockeye.listeners.backend.proxy-protocol=" + version,
					"--sockeye.listeners.backend.trusted-proxies=127.0.0.1",
					"--sockeye.listeners.backend.service=whoami");
				ConfigurableApplicationContext relay = new SpringApplicationBuilder(SockeyeApplication.class).run(
						"--server.port=0", "--sockeye.listeners.front.port=0",
						"--sockeye.listeners.front.service=relay",
						"--sockeye.listeners.front.relay.upstreams=127.0.0.1:"
								+ backend.getBean(Listeners.class).port("backend"),
						"--sockeye.listeners.front.relay.send-proxy=" + version)) {
			try (TcpClient client = TcpClient.over(from("127.0.0.3", relay.getBean(Listeners.class).port("front")))) {
				String expected = "127.0.0.3 " + client.localPort() + " ";
				client.send("one\r\n");
				assertThat(client.readText(expected.length() + 5)).isEqualTo(expected + "one\r\n");
				client.send("two\r\n");
				assertThat(client.readText(expected.length() + 5)).isEqualTo(expected + "two\r\n");
			}
		}
	}

	private static Socket from(String address, int port) {
		try {
			Socket socket = new Socket();
			socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class WhoAmI {

		/** Answers with the peer it was given, then the request. */
		@Bean
		SockeyeService whoami() {
			return (request, peer) -> (peer.remoteAddress() + " " + peer.remotePort() + " "
					+ new String(request, StandardCharsets.UTF_8))
				.getBytes(StandardCharsets.UTF_8);
		}

	}

}
