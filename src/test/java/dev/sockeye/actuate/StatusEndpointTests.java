package dev.sockeye.actuate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.sockeye.listener.Listeners;
import dev.sockeye.support.Browser;
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
 * {@code /actuator/status} and the paged {@code /actuator/tcp/{listener}} the status page
 * reads, with the default (read-only) access: exact counts after known traffic, pages
 * that neither overlap nor miss a connection, refused bad page requests, and a page that
 * offers no close button.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sockeye.listeners.echo.port=0")
@DirtiesContext
class StatusEndpointTests {

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
	void statusCountsExactlyWhatClientsDid() {
		Map<String, Object> before = echo();
		for (int i = 0; i < 3; i++) {
			TcpClient client = this.clients.connect();
			for (int m = 0; m < 5; m++) {
				assertThat(client.send("ping " + m + "\r\n").readText(8)).isEqualTo("ping " + m + "\r\n");
			}
		}
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(((Number) echo().get("bytesSent")).longValue())
				.isEqualTo(((Number) before.get("bytesSent")).longValue() + 120));
		Map<String, Object> echo = echo();
		assertThat(echo).containsEntry("name", "echo")
			.containsEntry("state", "listening")
			.containsEntry("port", this.listeners.port("echo"))
			.containsEntry("io", "nio")
			.containsEntry("framing", "crlf")
			.containsEntry("service", "echo")
			.containsEntry("mode", "request-reply")
			.containsEntry("proxyProtocol", "off")
			.containsEntry("connections", 3)
			.containsEntry("maxConnections", 10000);
		assertThat(delta(before, echo, "opened")).isEqualTo(3);
		assertThat(delta(before, echo, "messagesReceived")).isEqualTo(15);
		assertThat(delta(before, echo, "messagesSent")).isEqualTo(15);
		assertThat(delta(before, echo, "bytesReceived")).isEqualTo(120);
		assertThat(JsonPath.<Number>read(status(), "$.listeners[0].latency.total").longValue()
				- JsonPath.<Number>read(JsonPath.parse(before).jsonString(), "$.latency.total").longValue())
			.isEqualTo(15);
		List<Number> counts = JsonPath.read(status(), "$.listeners[0].latency.counts");
		assertThat(counts.get(counts.size() - 1).longValue())
			.isEqualTo(JsonPath.<Number>read(status(), "$.listeners[0].latency.total").longValue());
		String status = status();
		assertThat(JsonPath.<String>read(status, "$.instance.version")).isEqualTo("0.1.0");
		assertThat(JsonPath.<String>read(status, "$.instance.readiness")).isEqualTo("accepting-traffic");
		assertThat(JsonPath.<Boolean>read(status, "$.instance.canCloseConnections")).isFalse();
	}

	@Test
	void connectionPagesCoverEveryConnectionOnceInTheAskedOrder() {
		for (int i = 0; i < 7; i++) {
			this.clients.connect();
		}
		this.clients.get(3).send("most\r\n").readText(6);
		List<String> ids = new ArrayList<>();
		for (int page = 0; page < 3; page++) {
			String body = actuator("/tcp/echo?page=" + page + "&size=3").body();
			assertThat(JsonPath.<Integer>read(body, "$.total")).isEqualTo(7);
			ids.addAll(JsonPath.read(body, "$.connections[*].id"));
		}
		assertThat(ids).hasSize(7).doesNotHaveDuplicates();
		assertThat(JsonPath.<List<String>>read(actuator("/tcp/echo?page=3&size=3").body(), "$.connections")).isEmpty();
		String busiest = actuator("/tcp/echo?sort=received&page=0&size=1").body();
		assertThat(JsonPath.<Integer>read(busiest, "$.connections[0].remotePort"))
			.isEqualTo(this.clients.get(3).localPort());
		assertThat(JsonPath.<List<String>>read(actuator("/tcp/echo").body(), "$.connections")).hasSize(7);
		assertThat(actuator("/tcp/echo?sort=nonsense").statusCode()).isEqualTo(400);
		assertThat(actuator("/tcp/echo?page=-1").statusCode()).isEqualTo(400);
		assertThat(actuator("/tcp/echo?page=0&size=0").statusCode()).isEqualTo(400);
		assertThat(actuator("/tcp/echo?page=0&size=1001").statusCode()).isEqualTo(400);
	}

	@Test
	void withReadOnlyAccessThePageOffersNoWayToCloseAConnection() {
		this.clients.connect();
		try (Browser browser = Browser.open(1280, 900)) {
			browser.get("http://localhost:" + this.port + "/");
			browser.waitForText("#listener-echo [data-field=connections]", "1", Duration.ofSeconds(5));
			browser.find("#listener-echo button[aria-expanded]").click();
			browser.waitForText("#listener-echo [data-field=range]", "1–1 of 1 (page 1 of 1)", Duration.ofSeconds(5));
			assertThat(browser.findAll("#listener-echo button.close")).isEmpty();
			assertThat(browser.find("#instance").getText()).contains("Closing connections\nnot allowed");
			assertThat(browser.consoleProblems()).isEmpty();
		}
		// a read-only endpoint has no delete operation mapped at all
		String id = JsonPath.read(actuator("/tcp/echo").body(), "$.connections[0].id");
		assertThat(Http.delete("http://localhost:" + this.port + "/actuator/tcp/echo/" + id).statusCode())
			.isEqualTo(404);
		assertThat(this.clients.get(0).send("open\r\n").readText(6)).isEqualTo("open\r\n");
	}

	private Map<String, Object> echo() {
		return JsonPath.read(status(), "$.listeners[0]");
	}

	private static long delta(Map<String, Object> before, Map<String, Object> after, String key) {
		return ((Number) after.get(key)).longValue() - ((Number) before.get(key)).longValue();
	}

	private String status() {
		HttpResponse<String> response = actuator("/status");
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	private HttpResponse<String> actuator(String path) {
		return Http.get("http://localhost:" + this.port + "/actuator" + path);
	}

}
