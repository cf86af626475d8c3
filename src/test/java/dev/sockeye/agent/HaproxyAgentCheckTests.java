package dev.sockeye.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.sockeye.SockeyeApplication;
import dev.sockeye.listener.Listeners;
import dev.sockeye.support.ExternalTools;
import dev.sockeye.support.TcpClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real HAProxy reading Sockeye's agent: the server is UP while Sockeye serves, DRAIN as
 * soon as readiness refuses traffic (and back), and DRAIN from the start of a shutdown
 * while the listener still accepts, so the balancer stops sending before it closes.
 * HAProxy's state is read from its stats socket ({@code show stat}).
 */
class HaproxyAgentCheckTests {

	@Test
	void haproxySeesDrainFromTheAgentBeforeTheListenerCloses() throws Exception {
		Path haproxyCommand = ExternalTools.require("haproxy");
		ConfigurableApplicationContext context = SpringApplication.run(SockeyeApplication.class, "--server.port=0",
				"--sockeye.listeners.echo.port=0", "--sockeye.agent.port=0", "--sockeye.agent.address=127.0.0.1",
				"--sockeye.drain-delay=3s");
		Path directory = Files.createTempDirectory("sockeye-haproxy-agent");
		Path stats = directory.resolve("stats.sock");
		Process haproxy = null;
		try {
			int echo = context.getBean(Listeners.class).port("echo");
			int agent = context.getEnvironment().getProperty("local.sockeye.agent.port", Integer.class);
			Path config = directory.resolve("haproxy.cfg");
			Files.writeString(config,
					"""
							global
							    maxconn 1000
							    stats socket %s level admin
							defaults
							    mode tcp
							    timeout connect 5s
							    timeout client 30s
							    timeout server 30s
							backend sockeye
							    server s1 127.0.0.1:%d check inter 500ms agent-check agent-addr 127.0.0.1 agent-port %d agent-inter 200ms
							"""
						.formatted(stats, echo, agent));
			Path log = directory.resolve("haproxy.log");
			haproxy = new ProcessBuilder(haproxyCommand.toString(), "-db", "-f", config.toString())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			Process running = haproxy;
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
				assertThat(running.isAlive()).as("HAProxy exited: %s", Files.readString(log)).isTrue();
				assertThat(status(stats)).isEqualTo("UP");
			});

			AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(status(stats)).isEqualTo("DRAIN (agent)"));
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(status(stats)).isEqualTo("UP"));

			CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
			await().atMost(Duration.ofSeconds(3))
				.untilAsserted(() -> assertThat(status(stats)).isEqualTo("DRAIN (agent)"));
			try (TcpClient stillAccepting = TcpClient.connect(echo)) {
				stillAccepting.send("before the close\r\n");
				assertThat(stillAccepting.readText(18)).isEqualTo("before the close\r\n");
			}
			closing.get();
		}
		finally {
			context.close();
			if (haproxy != null) {
				haproxy.destroy();
				haproxy.waitFor();
			}
		}
	}

	/** The status column of server s1 in HAProxy's {@code show stat}. */
	private static String status(Path socket) {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			channel.write(ByteBuffer.wrap("show stat\n".getBytes(StandardCharsets.US_ASCII)));
			String csv = new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.US_ASCII);
			List<String> lines = csv.lines().toList();
			List<String> header = Arrays.asList(lines.get(0).substring(2).split(","));
			int status = header.indexOf("status");
			return lines.stream()
				.map((line) -> line.split(","))
				.filter((fields) -> fields.length > status && fields[0].equals("sockeye") && fields[1].equals("s1"))
				.map((fields) -> fields[status])
				.findFirst()
				.orElseThrow();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
