package dev.sockeye.metrics;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import dev.sockeye.listener.Listeners;
import dev.sockeye.support.ExternalTools;
import dev.sockeye.support.ExternalTools.ProcessResult;
import dev.sockeye.support.Http;
import dev.sockeye.support.ListenerClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real thing: {@code promtool} lints the scrape, and a real Prometheus process
 * scrapes a running Sockeye while 10 clients hold connections and have sent 100 messages.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sockeye.listeners.echo.port=0")
@TestInstance(Lifecycle.PER_CLASS)
@DirtiesContext
class PrometheusScrapeTests {

	@LocalServerPort
	int port;

	@Autowired
	Listeners listeners;

	private ListenerClients clients;

	@BeforeAll
	void tenClientsSendHundredMessages() {
		this.clients = new ListenerClients(this.listeners, "echo");
		for (int i = 0; i < 10; i++) {
			this.clients.connect();
		}
		for (int i = 0; i < 100; i++) {
			String line = "scrape me " + i + "\r\n";
			this.clients.get(i % 10).send(line);
			assertThat(this.clients.get(i % 10).readText(line.length())).isEqualTo(line);
		}
	}

	@AfterAll
	void closeClients() {
		this.clients.closeAll();
	}

	@Test
	void promtoolFindsNothingToLintInTcpFamilies() {
		Path promtool = ExternalTools.require("promtool");
		String scrape = scrape();
		ProcessResult result = ExternalTools.run(Duration.ofSeconds(30), scrape.getBytes(StandardCharsets.UTF_8),
				promtool.toString(), "check", "metrics");
		assertThat(result.output().lines().filter((line) -> line.contains("tcp_")))
			.as("promtool check metrics output:%n%s", result.output())
			.isEmpty();
		assertThat(scrape).contains("# TYPE tcp_server_connections_active gauge")
			.contains("# TYPE tcp_server_request_duration_seconds histogram")
			.contains("# HELP tcp_server_messages_received_total Messages received");
	}

	@Test
	void realPrometheusScrapesActiveConnectionsAndMessageCounts(@TempDir Path dir) throws Exception {
		Path prometheus = ExternalTools.require("prometheus");
		int prometheusPort = freePort();
		Path config = dir.resolve("prometheus.yml");
		Files.writeString(config, """
				global:
				  scrape_interval: 1s
				scrape_configs:
				  - job_name: sockeye
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: ['127.0.0.1:%d']
				""".formatted(this.port));
		Process process = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
				"--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("prometheus.log").toFile())
			.start();
		try {
			String api = "http://127.0.0.1:" + prometheusPort + "/api/v1/query?query=";
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
				assertThat(process.isAlive()).as("prometheus is running; its log:%n%s", log(dir)).isTrue();
				assertThat(value(api, "tcp_server_connections_active{listener=\"echo\",job=\"sockeye\"}"))
					.isEqualTo("10");
			});
			assertThat(value(api, "tcp_server_messages_received_total{listener=\"echo\"}")).isEqualTo("100");
			assertThat(value(api, "tcp_server_messages_sent_total{listener=\"echo\"}")).isEqualTo("100");
			assertThat(value(api, "tcp_server_listener_up{listener=\"echo\"}")).isEqualTo("1");
			assertThat(value(api, "up{job=\"sockeye\"}")).isEqualTo("1");
		}
		finally {
			process.destroy();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

	@Test
	void everyMetricTheAlertsAndDashboardUseIsInTheScrape() throws IOException {
		Set<String> scraped = new TreeSet<>();
		Matcher names = Pattern.compile("(?m)^(tcp_server_[a-z_]+)").matcher(scrape());
		while (names.find()) {
			scraped.add(names.group(1));
		}
		Set<String> referenced = new TreeSet<>();
		for (String file : List.of("deploy/alerts.yml", "deploy/grafana/sockeye-dashboard.json")) {
			Matcher used = Pattern.compile("tcp_server_[a-z_]+").matcher(Files.readString(Path.of(file)));
			while (used.find()) {
				referenced.add(used.group());
			}
		}
		// a histogram's base name (in a panel title or a comment) stands for its _bucket,
		// _count and _sum series
		referenced.removeIf((name) -> scraped.contains(name + "_bucket"));
		assertThat(scraped).containsAll(referenced);
	}

	private String scrape() {
		return Http.get("http://127.0.0.1:" + this.port + "/actuator/prometheus").body();
	}

	private static String value(String api, String query) {
		String body = Http.get(api + URLEncoder.encode(query, StandardCharsets.UTF_8)).body();
		List<Object> values = JsonPath.read(body, "$.data.result[*].value[1]");
		assertThat(values).as("result of %s: %s", query, body).hasSize(1);
		return (String) values.get(0);
	}

	private static String log(Path dir) throws IOException {
		Path log = dir.resolve("prometheus.log");
		return Files.exists(log) ? Files.readString(log) : "";
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
