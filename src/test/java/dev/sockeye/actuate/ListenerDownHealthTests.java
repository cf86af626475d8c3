package dev.sockeye.actuate;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;

import com.jayway.jsonpath.JsonPath;
import dev.sockeye.SockeyeApplication;
import dev.sockeye.support.Http;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code sockeye.fail-on-bind-error=false}, a listener that cannot bind leaves the
 * application running, its health DOWN and the instance not ready, while the other
 * listeners serve.
 */
class ListenerDownHealthTests {

	@Test
	void listenerThatCannotBindIsDownAndInstanceIsNotReady() throws IOException {
		try (ServerSocket busy = new ServerSocket()) {
			busy.bind(new InetSocketAddress("0.0.0.0", 0));
			ConfigurableApplicationContext context = SpringApplication.run(SockeyeApplication.class, "--server.port=0",
					"--sockeye.fail-on-bind-error=false", "--sockeye.listeners.blocked.port=" + busy.getLocalPort(),
					"--sockeye.listeners.fine.port=0", "--management.endpoint.health.show-details=always");
			try {
				int port = ((WebServerApplicationContext) context).getWebServer().getPort();
				HttpResponse<String> health = Http.get("http://127.0.0.1:" + port + "/actuator/health");
				assertThat(health.statusCode()).isEqualTo(503);
				assertThat(JsonPath.<String>read(health.body(), "$.components.tcp.status")).isEqualTo("DOWN");
				assertThat(JsonPath.<String>read(health.body(), "$.components.tcp.components.blocked.status"))
					.isEqualTo("DOWN");
				assertThat(JsonPath.<String>read(health.body(), "$.components.tcp.components.blocked.details.state"))
					.isEqualTo("failed");
				assertThat(JsonPath.<String>read(health.body(), "$.components.tcp.components.blocked.details.error"))
					.contains("could not bind");
				assertThat(JsonPath.<String>read(health.body(), "$.components.tcp.components.fine.status"))
					.isEqualTo("UP");
				assertThat(Http.get("http://127.0.0.1:" + port + "/actuator/health/readiness").statusCode())
					.isEqualTo(503);
				assertThat(Http.get("http://127.0.0.1:" + port + "/actuator/prometheus").body())
					.contains("tcp_server_listener_up{listener=\"blocked\"} 0")
					.contains("tcp_server_listener_up{listener=\"fine\"} 1");
			}
			finally {
				context.close();
			}
		}
	}

}
