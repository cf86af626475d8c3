package dev.sockeye;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.sockeye.support.TcpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/sockeye} runs the packaged jar (an integration test: it needs
 * {@code target/sockeye-0.1.0.jar}) on this test's JVM: the server with the arguments it
 * is given and the JVM options it adds, the {@code client} command, and the start-up
 * cache it builds once.
 */
class LauncherIT {

	private static final Path LAUNCHER = Path.of("bin/sockeye").toAbsolutePath();

	private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

	private final Map<Process, Path> outputs = new HashMap<>();

	@TempDir
	Path temp;

	@Test
	void startsTheServerWithItsArgumentsBuildingTheStartUpCacheOnTheFirstStart() throws Exception {
		Path cache = this.temp.resolve("cache");
		int port = freePort();
		Process server = launch(Map.of("SOCKEYE_CACHE_DIR", cache.toString()), "--server.port=0",
				"--sockeye.listeners.hello.port=" + port, "--sockeye.listeners.hello.echo.prefix=launched: ");
		try {
			awaitListening(server, port);
			try (TcpClient client = TcpClient.connect(port)) {
				assertThat(client.send("hi\r\n").readText(14)).isEqualTo("launched: hi\r\n");
			}
		}
		finally {
			stop(server, port);
		}
		try (Stream<Path> files = Files.walk(cache)) {
			assertThat(files.map(Path::getFileName).map(Path::toString))
				.anyMatch((name) -> name.equals("sockeye.aot") || name.equals("sockeye.jsa"));
		}
	}

	@Test
	void buildsTheCacheWhenAnArgumentTurnsOnLazyInitialization() throws Exception {
		Path cache = this.temp.resolve("lazy-cache");
		Process build = launch(Map.of("SOCKEYE_CACHE_DIR", cache.toString()), "cache",
				"--spring.main.lazy-initialization=true", "--server.port=0");
		assertThat(build.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		assertThat(build.exitValue()).isZero();
		try (Stream<Path> files = Files.walk(cache)) {
			assertThat(files.map(Path::getFileName).map(Path::toString))
				.anyMatch((name) -> name.equals("sockeye.aot") || name.equals("sockeye.jsa"))
				.noneMatch((name) -> name.equals("build-failed.log"));
		}
	}

	@Test
	void runsTheClientCommandAgainstAServerItStarted() throws Exception {
		int port = freePort();
		Process server = launch(Map.of("SOCKEYE_CACHE", "off"), "--server.port=0",
				"--sockeye.listeners.echo.port=" + port);
		try {
			awaitListening(server, port);
			assertThat(arguments(server)).contains("-Xms64m", "-XX:+UseG1GC");
			Process client = launch(Map.of("SOCKEYE_CACHE", "off"), "client", "--port", String.valueOf(port), "one",
					"two words");
			assertThat(client.waitFor(2, TimeUnit.MINUTES)).isTrue();
			assertThat(Files.readString(output(client), StandardCharsets.UTF_8)).isEqualTo("one\ntwo words\n");
			assertThat(client.exitValue()).isZero();
		}
		finally {
			stop(server, port);
		}
	}

	@Test
	void servesTheStatusPageHealthAndPrometheusFromTheJar() throws Exception {
		int port = freePort();
		int http = freePort();
		Process server = launch(Map.of("SOCKEYE_CACHE", "off"), "--server.port=" + http,
				"--sockeye.listeners.echo.port=" + port);
		try {
			awaitListening(server, port);
			assertThat(get(http, "/")).contains("<title>Sockeye status</title>");
			assertThat(get(http, "/status-page/status.js")).isNotEmpty();
			assertThat(get(http, "/actuator/health")).contains("\"status\":\"UP\"");
			assertThat(get(http, "/actuator/prometheus")).contains("tcp_server_listener_up{", "listener=\"echo\"");
		}
		finally {
			stop(server, port);
		}
	}

	@Test
	void leavesTheCollectorToJavaOptsWhenTheyNameOne() throws Exception {
		int port = freePort();
		Process server = launch(Map.of("SOCKEYE_CACHE", "off", "JAVA_OPTS", "-XX:+UseSerialGC -Xmx256m"),
				"--server.port=0", "--sockeye.listeners.echo.port=" + port);
		try {
			awaitListening(server, port);
			assertThat(arguments(server)).contains("-Xms64m", "-XX:+UseSerialGC", "-Xmx256m")
				.doesNotContain("-XX:+UseG1GC");
		}
		finally {
			stop(server, port);
		}
	}

	/** The body of a GET that must answer 200. */
	private static String get(int port, String path) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
		return response.body();
	}

	/** The JVM's arguments: the launcher execs it, so the process is the JVM by now. */
	private static List<String> arguments(Process process) {
		return List.of(process.info().arguments().orElseThrow());
	}

	private Process launch(Map<String, String> environment, String... args) throws IOException {
		List<String> command = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
		command.addAll(List.of(args));
		Path output = Files.createTempFile(this.temp, "launcher", ".out");
		ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(output.toFile())
			.redirectError(ProcessBuilder.Redirect.INHERIT);
		builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
		builder.environment().remove("JAVA_OPTS");
		builder.environment().putAll(environment);
		Process process = builder.start();
		this.outputs.put(process, output);
		return process;
	}

	private Path output(Process process) {
		return this.outputs.get(process);
	}

	private void awaitListening(Process process, int port) throws Exception {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			assertThat(process.isAlive()).as("launcher exited: %s", Files.readString(output(process))).isTrue();
			if (accepts(port)) {
				return;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("nothing listening on " + port + " after " + START_TIMEOUT);
	}

	/** SIGTERM to the launcher reaches the JVM it became: the server stops listening. */
	private void stop(Process server, int port) throws Exception {
		server.destroy();
		if (!server.waitFor(1, TimeUnit.MINUTES)) {
			server.destroyForcibly();
		}
		assertThat(accepts(port)).as("still listening after the launcher stopped").isFalse();
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
