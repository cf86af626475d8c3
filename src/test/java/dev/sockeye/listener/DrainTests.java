package dev.sockeye.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import dev.sockeye.SockeyeApplication;
import dev.sockeye.service.SockeyeService;
import dev.sockeye.support.TcpClient;
import dev.sockeye.listener.Listeners;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shutdown drains: readiness goes to refusing traffic first, every request the server has
 * read gets its reply, idle connections are closed, and the application exits.
 */
@ExtendWith(OutputCaptureExtension.class)
class DrainTests {

	static final AtomicLong refusingTrafficAt = new AtomicLong();

	@ParameterizedTest
	@ValueSource(strings = { "nio", "blocking" })
	void answersEveryRequestInHandBeforeClosing(String io, CapturedOutput output) throws Exception {
		refusingTrafficAt.set(0);
		SpringApplication application = new SpringApplication(SockeyeApplication.class, SlowService.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run("--sockeye.listeners.slow.port=0",
				"--sockeye.listeners.slow.io=" + io, "--sockeye.listeners.slow.service=slow",
				"--sockeye.drain-timeout=10s");
		int port = context.getBean(Listeners.class).port("slow");
		List<TcpClient> busy = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			busy.add(TcpClient.connect(port));
		}
		TcpClient idle = TcpClient.connect(port);
		for (int i = 0; i < busy.size(); i++) {
			busy.get(i).send("request " + i + "\r\n");
		}
		Thread.sleep(200);
		CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
		for (int i = 0; i < busy.size(); i++) {
			String reply = "request " + i + "\r\n";
			assertThat(busy.get(i).readText(reply.length())).isEqualTo(reply);
			assertThat(busy.get(i).isClosedByServer()).isTrue();
		}
		assertThat(idle.isClosedByServer()).isTrue();
		long idleClosedAt = System.nanoTime();
		closing.get();
		assertThat(refusingTrafficAt.get()).isNotZero().isLessThan(idleClosedAt);
		assertThat(output).contains("Sockeye listener 'slow' stopped: 10 messages received, 10 sent");
		busy.forEach(TcpClient::close);
		idle.close();
	}

	@Configuration(proxyBeanMethods = false)
	static class SlowService {

		@Bean
		SockeyeService slow() {
			return (request, peer) -> {
				Thread.sleep(500);
				return request;
			};
		}

		@Bean
		ApplicationListener<AvailabilityChangeEvent<ReadinessState>> readinessRecorder() {
			return (event) -> {
				if (event.getState() == ReadinessState.REFUSING_TRAFFIC) {
					refusingTrafficAt.compareAndSet(0, System.nanoTime());
				}
			};
		}

	}

}
