package dev.sockeye.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.sockeye.SockeyeApplication;
import dev.sockeye.listener.Listeners;
import dev.sockeye.support.TcpClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The agent-check port over real sockets: one line per connection, following the
 * listeners' load, readiness, and shutdown, where it says {@code drain} while the
 * listeners still accept for {@code sockeye.drain-delay}.
 */
class AgentCheckTests {

	@Test
	void answersUpWithTheFreeCapacityThenDrainFromTheStartOfShutdownWhileTheListenerStillAccepts() throws Exception {
		ConfigurableApplicationContext context = SpringApplication.run(SockeyeApplication.class, "--server.port=0",
				"--sockeye.listeners.echo.port=0", "--sockeye.listeners.echo.max-connections=4",
				"--sockeye.agent.port=0", "--sockeye.agent.address=127.0.0.1", "--sockeye.drain-delay=2s");
		int agent = context.getEnvironment().getProperty("local.sockeye.agent.port", Integer.class);
		int echo = context.getBean(Listeners.class).port("echo");
		try {
			assertThat(ask(agent)).isEqualTo("up ready 100%\n");
			try (TcpClient first = TcpClient.connect(echo); TcpClient second = TcpClient.connect(echo)) {
				first.send("a\r\n");
				second.send("b\r\n");
				assertThat(first.readText(3)).isEqualTo("a\r\n");
				assertThat(second.readText(3)).isEqualTo("b\r\n");
				assertThat(ask(agent)).isEqualTo("up ready 50%\n");
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> ask(agent).equals("up ready 100%\n"));

			AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
			assertThat(ask(agent)).isEqualTo("drain\n");
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			assertThat(ask(agent)).isEqualTo("up ready 100%\n");

			CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
			await().atMost(Duration.ofSeconds(5)).until(() -> ask(agent).equals("drain\n"));
			// the drain delay: the balancer reads drain while the listener still serves
			try (TcpClient late = TcpClient.connect(echo)) {
				late.send("still open\r\n");
				assertThat(late.readText(12)).isEqualTo("still open\r\n");
			}
			closing.get();
			assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> ask(agent));
		}
		finally {
			context.close();
		}
	}

	@Test
	void aPortInUseStopsTheStartWithAnAnalysisThatSaysWhatToDo() throws Exception {
		try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			SpringApplication application = new SpringApplication(SockeyeApplication.class);
			assertThatExceptionOfType(Exception.class)
				.isThrownBy(() -> application.run("--server.port=0", "--sockeye.listeners.echo.port=0",
						"--sockeye.agent.port=" + busy.getLocalPort(), "--sockeye.agent.address=127.0.0.1"))
				.satisfies((failure) -> {
					AgentBindException bind = (AgentBindException) failure.getCause();
					FailureAnalysis analysis = new AgentBindFailureAnalyzer().analyze(failure);
					assertThat(analysis.getDescription()).startsWith("Sockeye's HAProxy agent-check could not listen on"
							+ " 127.0.0.1:" + busy.getLocalPort() + ": ");
					assertThat(analysis.getAction()).contains("set sockeye.agent.port to another port");
					assertThat(bind.port()).isEqualTo(busy.getLocalPort());
				});
		}
	}

	/** Connects, reads the agent's whole answer, as HAProxy does. */
	static String ask(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(5000);
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
