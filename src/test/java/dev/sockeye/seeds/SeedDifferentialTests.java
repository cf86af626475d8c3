package dev.sockeye.seeds;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import dev.sockeye.SockeyeApplication;
import dev.sockeye.listener.Listeners;
import dev.sockeye.listener.config.ListenerProperties;
import dev.sockeye.listener.config.SockeyeProperties;
import dev.sockeye.support.ExternalTools;
import dev.sockeye.support.ExternalTools.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Each seed post's server against its Sockeye profile (no Java code), in the same run:
 * the same clients get the same bytes and see the same close (or the connection left
 * open). The clients are the post's own where it has one, one that sends a message, one
 * that sends nothing, one that splits its message across two segments, and 200 at once
 * (src/test/resources/seeds/seed_clients.py). Where a post's server has a bug, the
 * profile does what the post means, and a test here names the difference.
 */
class SeedDifferentialTests {

	/**
	 * The seed servers: the profile (and its listener), the post's server, and what a
	 * client sending a message gets.
	 */
	enum Seed {

		SEED000("seed000", "seed000_server_intended.py", "Hello, World!", "closed"),

		SEED001("seed001", "seed001_server.py", "Echo: Hello, Server!", "closed"),

		SEED002_BLOCKING("seed002-blocking", "seed002_blocking_server.py", "Response", "closed"),

		SEED002_SELECT("seed002-select", "seed002_select_server_intended.py", "Response", "open"),

		SEED002_ASYNCIO("seed002-asyncio", "seed002_asyncio_server.py", "Response", "open"),

		SEED003("seed003", "seed003_server.py", "Hello, Client!", "closed");

		final String profile;

		final String script;

		final String messageReply;

		final String messageEnd;

		Seed(String profile, String script, String messageReply, String messageEnd) {
			this.profile = profile;
			this.script = script;
			this.messageReply = messageReply;
			this.messageEnd = messageEnd;
		}

	}

	@TempDir
	Path temp;

	@ParameterizedTest(name = "{0}")
	@EnumSource(Seed.class)
	void profileAnswersEveryClientWithTheBytesAndTheCloseOfThePostsServer(Seed seed) {
		try (PostServer post = PostServer.start(seed.script, this.temp);
				ConfigurableApplicationContext sockeye = sockeye(seed.profile, seed.profile)) {
			int port = sockeye.getBean(Listeners.class).port(seed.profile);
			List<String> message = clients("message", post.port(), port);
			assertThat(message.get(0)).as("the post's server").isEqualTo(outcome(seed.messageReply, seed.messageEnd));
			assertThat(message.get(1)).as("Sockeye, client sending a message").isEqualTo(message.get(0));
			for (String kind : List.of("silent", "split", "many")) {
				List<String> seen = clients(kind, post.port(), port);
				String reference = seen.get(0);
				// the posts' one-at-a-time servers (backlog 5) sometimes leave some of
				// the 200 clients unanswered on a loaded machine (twice in a row with
				// three builds running): ask the reference again before calling it a
				// difference
				for (int retry = 0; retry < 4 && "many".equals(kind) && !reference.equals(seen.get(1)); retry++) {
					reference = clients(kind, post.port()).get(0);
				}
				assertThat(reference).as("the post's server, %s client", kind).doesNotContain("error");
				if ("many".equals(kind) && !reference.equals(seen.get(1))) {
					// still some unanswered by the post's server: every client it
					// answered
					// got one answer, and Sockeye gives every client that answer
					List<String> answered = entries(reference).stream()
						.filter((entry) -> !entry.equals(outcome("", "open")))
						.distinct()
						.toList();
					assertThat(answered).as("the post's server, many clients, answered").hasSize(1);
					assertThat(entries(seen.get(1))).as("Sockeye, many clients")
						.hasSameSizeAs(entries(reference))
						.containsOnly(answered.get(0));
					continue;
				}
				assertThat(seen.get(1)).as("Sockeye, %s client", kind).isEqualTo(reference);
			}
		}
	}

	@Test
	void seed003PostsOwnClientPrintsTheSameAgainstTheProfileAsAgainstThePostsServer() {
		try (PostServer post = PostServer.start("seed003_server.py", this.temp);
				ConfigurableApplicationContext sockeye = sockeye("seed003", "seed003")) {
			int port = sockeye.getBean(Listeners.class).port("seed003");
			assertThat(python("seed003_client.py", post.port()).output()).isEqualTo("Received: Hello, Client!\n");
			assertThat(python("seed003_client.py", port).output()).isEqualTo("Received: Hello, Client!\n");
		}
	}

	/**
	 * Difference named: seed 000's server as printed blocks its event loop in accept()
	 * and never greets anyone.
	 */
	@Test
	void seed000AsPrintedNeverGreetsSoTheProfileGreetsAndClosesAsThePostMeans() {
		try (PostServer printed = PostServer.start("seed000_server.py", this.temp);
				ConfigurableApplicationContext sockeye = sockeye("seed000", "seed000")) {
			int port = sockeye.getBean(Listeners.class).port("seed000");
			List<String> seen = clients("silent", printed.port(), port);
			assertThat(seen.get(0)).isEqualTo(outcome("", "open"));
			assertThat(seen.get(1)).isEqualTo(outcome("Hello, World!", "closed"));
		}
	}

	/**
	 * Difference named: seed 002's select() loop as printed keeps a closed socket and
	 * dies writing to it.
	 */
	@Test
	void seed002SelectLoopAsPrintedDiesOfAClientThatClosesWhereTheProfileServesOn() throws Exception {
		try (PostServer printed = PostServer.start("seed002_select_server.py", this.temp);
				ConfigurableApplicationContext sockeye = sockeye("seed002-select", "seed002-select")) {
			int port = sockeye.getBean(Listeners.class).port("seed002-select");
			assertThat(clients("message", printed.port(), port)).containsOnly(outcome("Response", "open"));
			assertThat(printed.exitsWithin(10_000)).as("the printed select() server died").isTrue();
			assertThat(printed.output()).containsAnyOf("BrokenPipeError", "ConnectionResetError");
			assertThat(clients("message", port)).containsExactly(outcome("Response", "open"));
		}
	}

	/**
	 * Difference named: the servers that read once reply even when that read is the end
	 * of the stream, to a client that sent nothing and closed its side. Sockeye has no
	 * message to answer there, and closes.
	 */
	@ParameterizedTest(name = "{0}")
	@EnumSource(value = Seed.class, names = { "SEED001", "SEED002_BLOCKING", "SEED003" })
	void readOnceServersAnswerAnEmptyEndOfStreamWhereTheProfileClosesWithoutAReply(Seed seed) {
		try (PostServer post = PostServer.start(seed.script, this.temp);
				ConfigurableApplicationContext sockeye = sockeye(seed.profile, seed.profile)) {
			int port = sockeye.getBean(Listeners.class).port(seed.profile);
			List<String> seen = clients("halfclose", post.port(), port);
			String emptyReply = seed.messageReply.replace("Hello, Server!", "");
			assertThat(seen.get(0)).isEqualTo(outcome(emptyReply, "closed"));
			assertThat(seen.get(1)).isEqualTo(outcome("", "closed"));
		}
	}

	@Test
	void seedsProfileRunsEverySeedServerAtOnceOnItsDocumentedPortWithTheActuatorOff8080() {
		ConfigurableEnvironment environment = environmentOf("seeds");
		SockeyeProperties properties = Binder.get(environment).bindOrCreate("sockeye", SockeyeProperties.class);
		Map<String, Integer> ports = new TreeMap<>();
		properties.listeners().forEach((name, listener) -> ports.put(name, listener.port()));
		assertThat(ports).containsExactlyInAnyOrderEntriesOf(Map.of("seed000", 8000, "seed001", 8888,
				"seed002-blocking", 8080, "seed002-select", 8081, "seed002-asyncio", 8082, "seed003", 8889));
		assertThat(environment.getProperty("server.port")).isEqualTo("9080");
		String[] names = ports.keySet().toArray(String[]::new);
		try (ConfigurableApplicationContext sockeye = sockeye("seeds", names)) {
			Listeners listeners = sockeye.getBean(Listeners.class);
			assertThat(listeners.listeners().keySet()).containsExactlyInAnyOrder(names);
			assertThat(clients("message", listeners.port("seed000"), listeners.port("seed001"),
					listeners.port("seed002-blocking"), listeners.port("seed002-select"),
					listeners.port("seed002-asyncio"), listeners.port("seed003")))
				.containsExactly(outcome("Hello, World!", "closed"), outcome("Echo: Hello, Server!", "closed"),
						outcome("Response", "closed"), outcome("Response", "open"), outcome("Response", "open"),
						outcome("Hello, Client!", "closed"));
		}
	}

	@Test
	void singleSeedProfilesMoveTheActuatorOff8080OnlyWhereTheSeedTakesIt() {
		for (String profile : List.of("seed000", "seed001", "seed003")) {
			assertThat(environmentOf(profile).getProperty("server.port")).as(profile).isEqualTo("8080");
		}
		for (String profile : List.of("seed002-blocking", "seed002-select", "seed002-asyncio")) {
			ConfigurableEnvironment environment = environmentOf(profile);
			assertThat(environment.getProperty("server.port")).as(profile).isEqualTo("9080");
			ListenerProperties listener = Binder.get(environment)
				.bindOrCreate("sockeye", SockeyeProperties.class)
				.listeners()
				.get(profile);
			assertThat(listener.port()).as(profile).isEqualTo(8080);
		}
	}

	private static ConfigurableApplicationContext sockeye(String profile, String... listeners) {
		List<String> args = new ArrayList<>();
		for (String listener : listeners) {
			args.add("--sockeye.listeners." + listener + ".port=0");
		}
		return new SpringApplicationBuilder(SockeyeApplication.class).profiles(profile)
			.web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}

	/** The environment a start with {@code profile} has, without starting anything. */
	private static ConfigurableEnvironment environmentOf(String profile) {
		ConfigurableEnvironment[] prepared = new ConfigurableEnvironment[1];
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(SockeyeApplication.class).profiles(profile)
			.web(WebApplicationType.NONE)
			.listeners((event) -> {
				if (event instanceof ApplicationEnvironmentPreparedEvent environmentPrepared) {
					prepared[0] = environmentPrepared.getEnvironment();
					throw new EnvironmentCaptured();
				}
			})
			.run()).isInstanceOf(EnvironmentCaptured.class);
		return prepared[0];
	}

	private List<String> clients(String kind, int... ports) {
		List<String> command = new ArrayList<>(List.of(kind));
		for (int port : ports) {
			command.add(String.valueOf(port));
		}
		ProcessResult result = python("seed_clients.py", command.toArray());
		assertThat(result.exitCode()).as(result.output()).isZero();
		return result.output().lines().toList();
	}

	private ProcessResult python(String script, Object... args) {
		Path python = ExternalTools.require("python3");
		Path file = this.temp.resolve(script);
		try {
			if (!Files.exists(file)) {
				try (InputStream in = new ClassPathResource("seeds/" + script).getInputStream()) {
					Files.copy(in, file);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> command = new ArrayList<>(List.of(python.toString(), file.toString()));
		for (Object arg : args) {
			command.add(String.valueOf(arg));
		}
		return ExternalTools.run(Duration.ofSeconds(90), command.toArray(String[]::new));
	}

	/** One client's outcome as seed_clients.py prints it. */
	/** The entries of an outcome list, each as {@link #outcome} writes it. */
	private static List<String> entries(String outcomes) {
		return Pattern.compile("\\{[^}]*\\}").matcher(outcomes).results().map(MatchResult::group).toList();
	}

	private static String outcome(String bytes, String end) {
		return "{\"bytes\": \"" + bytes + "\", \"end\": \"" + end + "\"}";
	}

	private static final class EnvironmentCaptured extends RuntimeException {

	}

}
