package dev.sockeye.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.sockeye.support.ExternalTools;
import dev.sockeye.support.ExternalTools.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operations files in {@code deploy/}: the Prometheus configuration and alerting
 * rules pass promtool (including the rules' unit tests), the alerts and the Grafana
 * dashboard query only the metrics Sockeye exports, filtered by listener, and the HAProxy
 * configuration of the scale-out run passes {@code haproxy -c} with its variables set.
 */
class DeployFilesTests {

	private static final Path PROMETHEUS_CONFIG = Path.of("deploy/prometheus.yml");

	private static final Path ALERTS = Path.of("deploy/alerts.yml");

	private static final Path ALERTS_TEST = Path.of("deploy/alerts-test.yml");

	private static final Path DASHBOARD = Path.of("deploy/grafana/sockeye-dashboard.json");

	private static final Duration PROMTOOL_TIMEOUT = Duration.ofSeconds(60);

	private static final Path HAPROXY_CONFIG = Path.of("deploy/haproxy/haproxy.cfg");

	private static final Path SCALE_OUT = Path.of("deploy/haproxy/scale-out.sh");

	private static final Pattern HAPROXY_VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

	/** The metrics Sockeye exports at /actuator/prometheus, as Prometheus sees them. */
	private static final List<String> SOCKEYE_METRICS = List.of("tcp_server_connections_active",
			"tcp_server_connections_limit", "tcp_server_connections_opened_total",
			"tcp_server_connections_closed_total", "tcp_server_connections_rejected_total",
			"tcp_server_received_bytes_total", "tcp_server_sent_bytes_total", "tcp_server_messages_received_total",
			"tcp_server_messages_sent_total", "tcp_server_errors_total", "tcp_server_listener_up");

	/** Histograms, each exported as _bucket, _count, _sum and (Micrometer) _max. */
	private static final List<String> SOCKEYE_HISTOGRAMS = List.of("tcp_server_connection_duration_seconds",
			"tcp_server_request_duration_seconds");

	private static final Set<String> KNOWN_METRICS = knownMetrics();

	private static final Set<String> ALERT_NAMES = Set.of("SockeyeTargetDown", "SockeyeListenerDown",
			"SockeyeConnectionsNearLimit", "SockeyeErrorRate", "SockeyeRequestLatencyHigh",
			"SockeyeConnectionsRejected");

	private static final String LISTENER_FILTER = "listener=~\"$listener\"";

	private static final Pattern SOCKEYE_METRIC_TOKEN = Pattern.compile("tcp_server_[a-z_]+");

	private static final Pattern SOCKEYE_SELECTOR = Pattern.compile("(tcp_server_[a-z_]+)(\\{[^}]*})?");

	private static Set<String> knownMetrics() {
		Set<String> known = new TreeSet<>(SOCKEYE_METRICS);
		for (String histogram : SOCKEYE_HISTOGRAMS) {
			for (String suffix : List.of("_bucket", "_count", "_sum", "_max")) {
				known.add(histogram + suffix);
			}
		}
		return known;
	}

	// HAProxy

	@Test
	void haproxyAcceptsTheScaleOutConfigurationWithItsVariablesSet(@TempDir Path directory) throws Exception {
		Path haproxy = ExternalTools.require("haproxy");
		ProcessBuilder check = new ProcessBuilder(haproxy.toString(), "-c", "-f", HAPROXY_CONFIG.toString())
			.redirectErrorStream(true);
		Map<String, String> environment = check.environment();
		int port = 20000;
		for (String variable : haproxyVariables()) {
			environment.put(variable, switch (variable) {
				case "HAPROXY_STATS_SOCKET" -> directory.resolve("stats.sock").toString();
				case "HAPROXY_BIND", "HAPROXY_STATS_BIND", "S1_ADDR", "S2_ADDR", "S3_ADDR" -> "127.0.0.1:" + port++;
				default -> Integer.toString(port++);
			});
		}
		Process process = check.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		assertThat(output).contains("Configuration file is valid").doesNotContain("WARNING");
	}

	@Test
	void haproxyBalancesByLeastConnectionsSendsProxyV2AndAsksTheAgentAtLeastEverySecond() throws IOException {
		String config = Files.readString(HAPROXY_CONFIG);
		assertThat(config).contains("mode tcp")
			.contains("balance leastconn")
			.contains("option httpchk")
			.contains("http-check send meth GET uri /actuator/health/readiness")
			.contains("hard-stop-after")
			.contains("stats uri /")
			.containsPattern("default-server send-proxy-v2 check .*agent-check");
		Matcher agentInter = Pattern.compile("agent-inter (\\d+)(ms|s)").matcher(config);
		assertThat(agentInter.find()).isTrue();
		long millis = Long.parseLong(agentInter.group(1)) * (agentInter.group(2).equals("s") ? 1000 : 1);
		assertThat(millis).isLessThanOrEqualTo(1000);
		for (String server : List.of("s1", "s2", "s3")) {
			String prefix = server.toUpperCase(java.util.Locale.ROOT);
			assertThat(config).contains("server " + server + " \"${" + prefix + "_ADDR}\" check port \"${" + prefix
					+ "_MGMT_PORT}\" agent-port \"${" + prefix + "_AGENT_PORT}\"");
		}
	}

	@Test
	void theScaleOutScriptSetsEveryVariableOfTheHaproxyConfigurationAndParses() throws Exception {
		String script = Files.readString(SCALE_OUT);
		assertThat(haproxyVariables()).hasSize(12)
			.allSatisfy((variable) -> assertThat(script).contains(variable + "="));
		assertThat(script).contains("trap cleanup EXIT").contains("--reconnect");
		ProcessResult syntax = ExternalTools.run(Duration.ofSeconds(30), "bash", "-n", SCALE_OUT.toString());
		assertThat(syntax.exitCode()).as("%s", syntax).isZero();
	}

	private static Set<String> haproxyVariables() throws IOException {
		Set<String> variables = new TreeSet<>();
		Matcher matcher = HAPROXY_VARIABLE.matcher(Files.readString(HAPROXY_CONFIG));
		while (matcher.find()) {
			variables.add(matcher.group(1));
		}
		return variables;
	}

	// promtool

	@Test
	void promtoolAcceptsThePrometheusConfigurationAndTheRuleFileItLoads() {
		ProcessResult result = promtool("check", "config", PROMETHEUS_CONFIG.toString());
		assertThat(result.exitCode()).as("%s", result).isZero();
		assertThat(result.output()).as("%s", result).contains("SUCCESS").contains("1 rule files found");
	}

	@Test
	void promtoolAcceptsTheAlertingRules() {
		ProcessResult result = promtool("check", "rules", ALERTS.toString());
		assertThat(result.exitCode()).as("%s", result).isZero();
		assertThat(result.output()).as("%s", result).contains("SUCCESS: " + ALERT_NAMES.size() + " rules found");
	}

	@Test
	void theAlertingRulesPassTheirUnitTests() {
		ProcessResult result = promtool("test", "rules", ALERTS_TEST.toString());
		assertThat(result.exitCode()).as("%s", result).isZero();
		assertThat(result.output()).as("%s", result).contains("SUCCESS").doesNotContain("FAILED");
	}

	@Test
	void everyDashboardQueryIsValidPromQl(@TempDir Path directory) throws IOException {
		List<Map<String, Object>> rules = new ArrayList<>();
		List<String> exprs = dashboardExprs();
		for (int i = 0; i < exprs.size(); i++) {
			String expr = exprs.get(i)
				.replaceAll("\\$__(rate_interval|interval|range)\\b", "5m")
				.replace("$listener", ".*");
			assertThat(expr).as("Grafana variables left in %s", exprs.get(i)).doesNotContain("$");
			rules.add(Map.of("record", "dashboard_query_" + (i + 1), "expr", expr));
		}
		Path file = directory.resolve("dashboard-queries.yml");
		Files.writeString(file,
				new Yaml().dump(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules)))));
		ProcessResult result = promtool("check", "rules", file.toString());
		assertThat(result.exitCode()).as("%s", result).isZero();
		assertThat(result.output()).as("%s", result).contains("SUCCESS: " + exprs.size() + " rules found");
	}

	// prometheus.yml

	@Test
	@SuppressWarnings("unchecked")
	void prometheusScrapesSockeyesActuatorOnPort8080AndLoadsTheAlerts() throws IOException {
		Map<String, Object> config = yaml(PROMETHEUS_CONFIG);
		assertThat((List<String>) config.get("rule_files")).containsExactly("alerts.yml");
		List<Map<String, Object>> scrapeConfigs = (List<Map<String, Object>>) config.get("scrape_configs");
		assertThat(scrapeConfigs).extracting(scrape -> scrape.get("job_name")).containsExactly("sockeye");
		Map<String, Object> sockeye = scrapeConfigs.get(0);
		assertThat(sockeye).containsEntry("metrics_path", "/actuator/prometheus");
		List<Map<String, Object>> staticConfigs = (List<Map<String, Object>>) sockeye.get("static_configs");
		assertThat(staticConfigs).flatExtracting(target -> (List<Object>) target.get("targets"))
			.containsExactly("localhost:8080");
	}

	// alerts.yml

	@Test
	void theRuleGroupHasExactlyTheSockeyeAlerts() throws IOException {
		assertThat(alertRules()).extracting(rule -> rule.get("alert")).containsExactlyInAnyOrderElementsOf(ALERT_NAMES);
	}

	@Test
	@SuppressWarnings("unchecked")
	void everyAlertWaitsAForDurationHasASeverityAndSaysWhereAndHowBad() throws IOException {
		for (Map<String, Object> rule : alertRules()) {
			String alert = (String) rule.get("alert");
			assertThat(rule.get("for")).as("%s for", alert).isInstanceOf(String.class);
			assertThat((String) rule.get("for")).as("%s for", alert).matches("[1-9][0-9]*[smh]");
			Map<String, Object> labels = (Map<String, Object>) rule.get("labels");
			assertThat(labels).as("%s labels", alert).containsKey("severity");
			assertThat(labels.get("severity")).as("%s severity", alert).isIn("warning", "critical");
			Map<String, String> annotations = (Map<String, String>) rule.get("annotations");
			assertThat(annotations).as("%s annotations", alert).containsOnlyKeys("summary", "description");
			String where = ((String) rule.get("expr")).contains("tcp_server_") ? "$labels.listener"
					: "$labels.instance";
			assertThat(annotations.get("summary")).as("%s summary", alert).contains(where);
			assertThat(annotations.get("description")).as("%s description", alert).contains(where).contains("$value");
		}
	}

	@Test
	void alertExpressionsUseOnlySockeyesMetricsAndUp() throws IOException {
		Set<String> allowed = new TreeSet<>(KNOWN_METRICS);
		allowed.add("up");
		for (Map<String, Object> rule : alertRules()) {
			String expr = (String) rule.get("expr");
			assertThat(sockeyeMetricTokens(expr)).as("tcp_server_ names in %s: %s", rule.get("alert"), expr)
				.isSubsetOf(KNOWN_METRICS);
			assertThat(metricNames(expr)).as("metrics in %s: %s", rule.get("alert"), expr)
				.isNotEmpty()
				.isSubsetOf(allowed);
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void everyAlertIsUnitTestedBothFiringAndNotFiring() throws IOException {
		Set<String> firing = new TreeSet<>();
		Set<String> silent = new TreeSet<>();
		for (Map<String, Object> test : (List<Map<String, Object>>) yaml(ALERTS_TEST).get("tests")) {
			for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
				List<Object> expected = (List<Object>) check.get("exp_alerts");
				((expected == null || expected.isEmpty()) ? silent : firing).add((String) check.get("alertname"));
			}
		}
		assertThat(firing).as("alerts tested firing").containsExactlyInAnyOrderElementsOf(ALERT_NAMES);
		assertThat(silent).as("alerts tested not firing").containsExactlyInAnyOrderElementsOf(ALERT_NAMES);
	}

	@Test
	void theMetricNameChecksCatchAMisspeltOrForeignMetric() {
		String misspelt = "rate(tcp_server_error_total{listener=~\"$listener\"}[5m])";
		assertThat(sockeyeMetricTokens(misspelt)).isNotEmpty().doesNotContainAnyElementsOf(KNOWN_METRICS);
		assertThat(metricNames(
				"sum by (listener, le) (rate(http_requests_total{job=\"x\"}[5m] offset 1h)) / on (le) group_left up"))
			.containsExactlyInAnyOrder("http_requests_total", "up");
	}

	// Grafana dashboard

	@Test
	void theDashboardImportsWithAPrometheusDatasourceInput() throws IOException {
		JsonNode dashboard = dashboard();
		assertThat(dashboard.path("uid").asString()).isEqualTo("sockeye");
		assertThat(dashboard.path("title").asString()).isEqualTo("Sockeye");
		assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
		assertThat(dashboard.path("id").isNull()).as("id is null so the import creates the dashboard").isTrue();
		JsonNode inputs = dashboard.path("__inputs");
		assertThat(inputs.isArray()).isTrue();
		assertThat(inputs).hasSize(1);
		assertThat(inputs.get(0).path("name").asString()).isEqualTo("DS_PROMETHEUS");
		assertThat(inputs.get(0).path("type").asString()).isEqualTo("datasource");
		assertThat(inputs.get(0).path("pluginId").asString()).isEqualTo("prometheus");
		for (JsonNode panel : panels(dashboard)) {
			if ("row".equals(panel.path("type").asString())) {
				continue;
			}
			assertThat(panel.path("datasource").path("uid").asString()).as("datasource of %s", title(panel))
				.isEqualTo("${DS_PROMETHEUS}");
			assertThat(panel.path("targets")).as("targets of %s", title(panel)).isNotEmpty();
			for (JsonNode target : panel.path("targets")) {
				assertThat(target.path("datasource").path("uid").asString()).as("datasource of %s", title(panel))
					.isEqualTo("${DS_PROMETHEUS}");
			}
		}
	}

	@Test
	void theDashboardHasAMultiSelectListenerVariableWithAll() throws IOException {
		List<JsonNode> variables = new ArrayList<>();
		dashboard().path("templating").path("list").forEach(variables::add);
		assertThat(variables).extracting(variable -> variable.path("name").asString()).contains("listener");
		JsonNode listener = variables.stream()
			.filter(variable -> "listener".equals(variable.path("name").asString()))
			.findFirst()
			.orElseThrow();
		assertThat(listener.path("type").asString()).isEqualTo("query");
		assertThat(listener.path("definition").asString())
			.isEqualTo("label_values(tcp_server_connections_active, listener)");
		JsonNode query = listener.path("query");
		assertThat(query.isObject() ? query.path("query").asString() : query.asString())
			.isEqualTo("label_values(tcp_server_connections_active, listener)");
		assertThat(listener.path("multi").asBoolean()).isTrue();
		assertThat(listener.path("includeAll").asBoolean()).isTrue();
		assertThat(listener.path("datasource").path("uid").asString()).isEqualTo("${DS_PROMETHEUS}");
	}

	@Test
	void everyDashboardQueryFiltersEverySelectorByTheListenerVariable() throws IOException {
		List<String> exprs = dashboardExprs();
		assertThat(exprs).isNotEmpty();
		for (String expr : exprs) {
			assertThat(expr).contains(LISTENER_FILTER);
			Matcher selector = SOCKEYE_SELECTOR.matcher(expr);
			while (selector.find()) {
				assertThat(selector.group(2)).as("matchers of %s in %s", selector.group(1), expr)
					.isNotNull()
					.contains(LISTENER_FILTER);
			}
		}
	}

	@Test
	void dashboardQueriesUseOnlySockeyesMetrics() throws IOException {
		for (String expr : dashboardExprs()) {
			assertThat(sockeyeMetricTokens(expr)).as("tcp_server_ names in %s", expr)
				.isNotEmpty()
				.isSubsetOf(KNOWN_METRICS);
			assertThat(metricNames(expr)).as("metrics in %s", expr).isSubsetOf(KNOWN_METRICS);
		}
	}

	@ParameterizedTest(name = "the dashboard has a panel for {0}")
	@MethodSource("topics")
	void theDashboardHasAPanelForEveryTopic(String topic, Set<String> units, List<Pattern> queries) throws IOException {
		List<String> candidates = new ArrayList<>();
		for (JsonNode panel : panels(dashboard())) {
			List<String> exprs = exprs(panel);
			boolean answers = queries.stream()
				.allMatch(query -> exprs.stream().anyMatch(expr -> query.matcher(expr).find()));
			String unit = panel.path("fieldConfig").path("defaults").path("unit").asString();
			if (answers && (units.isEmpty() || units.contains(unit))) {
				return;
			}
			candidates.add(title(panel) + " (" + unit + "): " + exprs);
		}
		throw new AssertionError("No panel for " + topic + " (unit in " + units + ", queries matching " + queries
				+ ") among:\n" + String.join("\n", candidates));
	}

	static Stream<Arguments> topics() {
		return Stream.of(
				Arguments.of("active connections and their limit", Set.of("short", "none"),
						List.of(selector("tcp_server_connections_active"), selector("tcp_server_connections_limit"))),
				Arguments.of("connections opened, and closed by reason", Set.of("cps", "ops", "short"),
						List.of(rate("tcp_server_connections_opened_total"),
								rateBy("reason", "tcp_server_connections_closed_total"))),
				Arguments.of("rejections by reason", Set.of("cps", "ops", "short"),
						List.of(rateBy("reason", "tcp_server_connections_rejected_total"))),
				Arguments.of("messages per second received and sent", Set.of("reqps", "ops", "short", "cps"),
						List.of(rate("tcp_server_messages_received_total"), rate("tcp_server_messages_sent_total"))),
				Arguments.of("bytes per second received and sent", Set.of("Bps", "binBps", "decBps"),
						List.of(rate("tcp_server_received_bytes_total"), rate("tcp_server_sent_bytes_total"))),
				Arguments.of("request time p50 and p99", Set.of("s"),
						List.of(quantile("0.5", "tcp_server_request_duration_seconds"),
								quantile("0.99", "tcp_server_request_duration_seconds"))),
				Arguments.of("errors by type", Set.of("short", "ops", "cps"),
						List.of(rateBy("type", "tcp_server_errors_total"))),
				Arguments.of("connection duration p50 and p99", Set.of("s"),
						List.of(quantile("0.5", "tcp_server_connection_duration_seconds"),
								quantile("0.99", "tcp_server_connection_duration_seconds"))));
	}

	private static Pattern selector(String metric) {
		return Pattern.compile("\\b" + metric + "\\{");
	}

	private static Pattern rate(String counter) {
		return Pattern.compile("\\brate\\(\\s*" + counter + "\\{");
	}

	/** {@code sum by (..., label, ...) (rate(counter{...}[...]))}. */
	private static Pattern rateBy(String label, String counter) {
		return Pattern.compile("\\bby\\s*\\([^)]*\\b" + label + "\\b[^)]*\\)\\s*\\(\\s*rate\\(\\s*" + counter + "\\{");
	}

	/**
	 * {@code histogram_quantile(q, sum by (..., le, ...)
	 * (rate(histogram_bucket{...}[...])))}.
	 */
	private static Pattern quantile(String q, String histogram) {
		return Pattern
			.compile("histogram_quantile\\(\\s*" + Pattern.quote(q) + "\\s*,\\s*sum\\s+by\\s*\\([^)]*\\ble\\b[^)]*\\)"
					+ "\\s*\\(\\s*rate\\(\\s*" + histogram + "_bucket\\{");
	}

	// helpers

	private static ProcessResult promtool(String... arguments) {
		Path promtool = ExternalTools.require("promtool");
		String[] command = new String[arguments.length + 1];
		command[0] = promtool.toString();
		System.arraycopy(arguments, 0, command, 1, arguments.length);
		return ExternalTools.run(PROMTOOL_TIMEOUT, command);
	}

	private static Map<String, Object> yaml(Path file) throws IOException {
		try (Reader reader = Files.newBufferedReader(file)) {
			return new Yaml().load(reader);
		}
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> alertRules() throws IOException {
		List<Map<String, Object>> groups = (List<Map<String, Object>>) yaml(ALERTS).get("groups");
		assertThat(groups).extracting(group -> group.get("name")).containsExactly("sockeye");
		return (List<Map<String, Object>>) groups.get(0).get("rules");
	}

	private static JsonNode dashboard() throws IOException {
		return JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
	}

	/** Every panel, including those inside rows. */
	private static List<JsonNode> panels(JsonNode dashboard) {
		List<JsonNode> panels = new ArrayList<>();
		for (JsonNode panel : dashboard.path("panels")) {
			panels.add(panel);
			for (JsonNode nested : panel.path("panels")) {
				panels.add(nested);
			}
		}
		return panels;
	}

	private static List<String> exprs(JsonNode panel) {
		List<String> exprs = new ArrayList<>();
		for (JsonNode target : panel.path("targets")) {
			exprs.add(target.path("expr").asString());
		}
		return exprs;
	}

	private static List<String> dashboardExprs() throws IOException {
		List<String> exprs = new ArrayList<>();
		for (JsonNode panel : panels(dashboard())) {
			for (String expr : exprs(panel)) {
				assertThat(expr).as("a query of %s", title(panel)).isNotBlank();
				exprs.add(expr);
			}
		}
		return exprs;
	}

	private static String title(JsonNode panel) {
		return "panel '" + panel.path("title").asString() + "'";
	}

	/**
	 * The tokens that look like Sockeye metric names, wherever they are in the
	 * expression.
	 */
	static Set<String> sockeyeMetricTokens(String expr) {
		Set<String> tokens = new LinkedHashSet<>();
		Matcher matcher = SOCKEYE_METRIC_TOKEN.matcher(expr);
		while (matcher.find()) {
			tokens.add(matcher.group());
		}
		return tokens;
	}

	private static final Set<String> PROMQL_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
			"group_right", "and", "or", "unless", "bool", "offset", "inf", "nan");

	/**
	 * The metric names a PromQL expression selects: identifiers outside strings, label
	 * matchers, ranges and grouping clauses that are neither functions, aggregations nor
	 * keywords.
	 */
	static Set<String> metricNames(String expr) {
		String stripped = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'", "\"\"")
			.replaceAll("\\{[^}]*}", " ")
			.replaceAll("\\[[^]]*]", " ")
			.replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
			.replaceAll("(?i)\\boffset\\s+-?[0-9a-z]+", " ");
		Set<String> names = new LinkedHashSet<>();
		Matcher identifier = Pattern.compile("(?<![\\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()").matcher(stripped);
		while (identifier.find()) {
			if (!PROMQL_KEYWORDS.contains(identifier.group(1).toLowerCase())) {
				names.add(identifier.group(1));
			}
		}
		return names;
	}

}
