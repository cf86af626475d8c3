package dev.sockeye.actuate;

import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.sockeye.listener.Listeners;
import dev.sockeye.support.Http;
import dev.sockeye.support.TcpClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an anonymous caller of the management port gets with the shipped settings: the
 * state of every health component but none of their details, and a {@code tcp} endpoint
 * that lists but cannot close.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sockeye.listeners.echo.port=0")
@DirtiesContext
class ManagementDefaultsTests {

	@LocalServerPort
	int port;

	@Autowired
	Listeners listeners;

	@Test
	void anAnonymousCallerCannotCloseAConnection() {
		try (TcpClient client = TcpClient.connect(this.listeners.port("echo"))) {
			client.send("hi\r\n");
			assertThat(client.readText(4)).isEqualTo("hi\r\n");
			List<String> ids = JsonPath.read(Http.get(url("/tcp/echo")).body(), "$.connections[*].id");
			assertThat(ids).hasSize(1);

			// a read-only endpoint has no delete operation mapped at all
			assertThat(Http.delete(url("/tcp/echo/" + ids.get(0))).statusCode()).isEqualTo(404);

			client.send("still here\r\n");
			assertThat(client.readText(12)).isEqualTo("still here\r\n");
			assertThat(JsonPath.<List<String>>read(Http.get(url("/tcp/echo")).body(), "$.connections[*].id"))
				.isEqualTo(ids);
		}
	}

	@Test
	void healthShowsEveryComponentsStateButNoDetails() {
		String health = Http.get(url("/health")).body();
		assertThat(JsonPath.<String>read(health, "$.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(health, "$.components.tcp.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(health, "$.components.tcp.components.echo.status")).isEqualTo("UP");
		assertThat(JsonPath.<Map<String, Object>>read(health, "$.components.diskSpace")).containsOnlyKeys("status");
		assertThat(health).doesNotContain("details").doesNotContain("path").doesNotContain("port");
	}

	@Test
	void theProbesAnswerWithTheTcpComponentsState() {
		var readiness = Http.get(url("/health/readiness"));
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(readiness.body(), "$.components.tcp.status")).isEqualTo("UP");
		assertThat(Http.get(url("/health/liveness")).statusCode()).isEqualTo(200);
	}

	private String url(String path) {
		return "http://localhost:" + this.port + "/actuator" + path;
	}

}
