package dev.sockeye.actuate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import dev.sockeye.listener.Listeners;
import dev.sockeye.support.Http;
import dev.sockeye.support.ListenerClients;
import dev.sockeye.support.TcpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The actuator over real HTTP, opened up as an operator on an internal address would: 10
 * clients and 100 messages read exactly in Prometheus, the {@code tcp} endpoint lists and
 * closes connections, health reports the listener with its details.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sockeye.listeners.echo.port=0", "management.endpoint.tcp.access=unrestricted",
				"management.endpoint.health.show-details=always" })
@DirtiesContext
class TcpEndpointTests {

	@LocalServerPort
	int port;

	@Autowired
	Listeners listeners;

	private ListenerClients clients;

	@BeforeEach
	void newClients() {
		this.clients = new ListenerClients(this.listeners, "echo");
	}

	@AfterEach
	void closeClients() {
		this.clients.closeAll();
	}

	@Test
	void prometheusShowsTenConnectionsAndExactCountsAndDeleteClosesOne() {
		int bytes = connectTenAndSendHundred();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(actuator("/prometheus").body())
				.contains("tcp_server_sent_bytes_total{listener=\"echo\"} " + bytes + ".0"));
		String scrape = actuator("/prometheus").body();
		assertThat(scrape).contains("tcp_server_connections_active{listener=\"echo\"} 10")
			.contains("tcp_server_connections_opened_total{listener=\"echo\"} 10.0")
			.contains("tcp_server_messages_received_total{listener=\"echo\"} 100.0")
			.contains("tcp_server_messages_sent_total{listener=\"echo\"} 100.0")
			.contains("tcp_server_received_bytes_total{listener=\"echo\"} " + bytes + ".0")
			.contains("tcp_server_sent_bytes_total{listener=\"echo\"} " + bytes + ".0")
			.contains("tcp_server_listener_up{listener=\"echo\"} 1");

		String connections = actuator("/tcp/echo").body();
		List<String> ids = JsonPath.read(connections, "$.connections[*].id");
		assertThat(ids).hasSize(10);
		List<Integer> received = JsonPath.read(connections, "$.connections[*].messagesReceived");
		assertThat(received).containsOnly(10);

		List<Integer> ports = JsonPath.read(connections, "$.connections[*].remotePort");
		String first = ids.get(ports.indexOf(this.clients.get(0).localPort()));
		HttpResponse<String> deleted = Http.delete(url("/tcp/echo/" + first));
		assertThat(deleted.statusCode()).isEqualTo(200);
		assertThat(this.clients.get(0).isClosedByServer()).isTrue();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(actuator("/prometheus").body())
				.contains("tcp_server_connections_active{listener=\"echo\"} 9")
				.contains("tcp_server_connections_closed_total{listener=\"echo\",reason=\"admin\"} 1.0"));
		assertThat(JsonPath.<List<String>>read(actuator("/tcp/echo").body(), "$.connections[*].id")).hasSize(9)
			.doesNotContain(first);
		this.clients.get(1).send("still served\r\n");
		assertThat(this.clients.get(1).readText(14)).isEqualTo("still served\r\n");
	}

	@Test
	void listsListenersWithTheirSettingsAndState() {
		String body = actuator("/tcp").body();
		assertThat(JsonPath.<String>read(body, "$.listeners[0].name")).isEqualTo("echo");
		assertThat(JsonPath.<Integer>read(body, "$.listeners[0].port")).isEqualTo(this.listeners.port("echo"));
		assertThat(JsonPath.<String>read(body, "$.listeners[0].io")).isEqualTo("nio");
		assertThat(JsonPath.<String>read(body, "$.listeners[0].framing")).isEqualTo("crlf");
		assertThat(JsonPath.<String>read(body, "$.listeners[0].service")).isEqualTo("echo");
		assertThat(JsonPath.<String>read(body, "$.listeners[0].state")).isEqualTo("listening");
	}

	@Test
	void unknownListenerOrConnectionIsNotFound() {
		assertThat(actuator("/tcp/nope").statusCode()).isEqualTo(404);
		assertThat(Http.delete(url("/tcp/echo/no-such-connection")).statusCode()).isEqualTo(404);
		assertThat(Http.delete(url("/tcp/nope/no-such-connection")).statusCode()).isEqualTo(404);
	}

	@Test
	void healthShowsTcpComponentUpWithPortAndReadinessIncludesIt() {
		String health = actuator("/health").body();
		assertThat(JsonPath.<String>read(health, "$.components.tcp.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(health, "$.components.tcp.components.echo.status")).isEqualTo("UP");
		assertThat(JsonPath.<Integer>read(health, "$.components.tcp.components.echo.details.port"))
			.isEqualTo(this.listeners.port("echo"));
		HttpResponse<String> readiness = actuator("/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(readiness.body(), "$.components.tcp.status")).isEqualTo("UP");
	}

	@Test
	void exposesHealthInfoPrometheusTcpAndStatusOnly() {
		List<String> links = new ArrayList<>(
				JsonPath.<java.util.Map<String, Object>>read(actuator("").body(), "$._links").keySet());
		assertThat(links).allMatch((link) -> link.equals("self") || link.startsWith("health") || link.equals("info")
				|| link.equals("prometheus") || link.startsWith("tcp") || link.equals("status"));
		assertThat(links).contains("health", "info", "prometheus", "tcp", "status");
		assertThat(JsonPath.<String>read(actuator("/info").body(), "$.build.version")).isEqualTo("0.1.0");
	}

	private int connectTenAndSendHundred() {
		for (int i = 0; i < 10; i++) {
			this.clients.connect();
		}
		int bytes = 0;
		for (int i = 0; i < 100; i++) {
			String line = "m" + i + "\r\n";
			bytes += line.length();
			this.clients.get(i % 10).send(line);
			assertThat(this.clients.get(i % 10).readText(line.length())).isEqualTo(line);
		}
		return bytes;
	}

	private HttpResponse<String> actuator(String path) {
		return Http.get(url(path));
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + "/actuator" + path;
	}

}
