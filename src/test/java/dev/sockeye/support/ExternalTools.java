package dev.sockeye.support;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Command-line tools that some tests run (promtool, python3, ...). A missing tool fails
 * the test on CI (the environment variable {@code CI} is {@code true}), where it must be
 * installed, and skips it on a developer's machine, where it may not be.
 */
public final class ExternalTools {

	/**
	 * The Debian package that installs a command, where it is not named after the
	 * command.
	 */
	private static final Map<String, String> DEBIAN_PACKAGES = Map.of("promtool", "prometheus", "chromedriver",
			"chromium-driver");

	private ExternalTools() {
	}

	/**
	 * The executable {@code command} on the {@code PATH}. When there is none, fails the
	 * test if {@code CI=true}, and aborts (skips) it otherwise.
	 */
	public static Path require(String command) {
		Path found = find(command);
		if (found != null) {
			return found;
		}
		String debianPackage = DEBIAN_PACKAGES.getOrDefault(command, command);
		String message = "'" + command + "' is not on the PATH; install it (Debian/Ubuntu: apt-get install "
				+ debianPackage + ")";
		if ("true".equals(System.getenv("CI"))) {
			fail(message + ". CI must have it, so this fails instead of skipping.");
		}
		abort(message + ". Skipping: set CI=true to make a missing tool fail the test.");
		throw new AssertionError("unreachable");
	}

	/**
	 * Runs {@code command} with no input; fails the test if it has not exited within
	 * {@code timeout}.
	 */
	public static ProcessResult run(Duration timeout, String... command) {
		return run(timeout, new byte[0], command);
	}

	/**
	 * Runs {@code command} with {@code stdin} as its standard input, in the working
	 * directory of the tests (the project's root). Fails the test if it has not exited
	 * within {@code timeout}, and kills it.
	 */
	public static ProcessResult run(Duration timeout, byte[] stdin, String... command) {
		Path output = null;
		try {
			output = Files.createTempFile("sockeye-tool-", ".out");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			Thread feeder = new Thread(() -> feed(process, stdin), "stdin of " + command[0]);
			feeder.setDaemon(true);
			feeder.start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
				process.waitFor(5, TimeUnit.SECONDS);
				fail(String.join(" ", command) + " did not finish within " + timeout + "; its output so far:\n"
						+ Files.readString(output, StandardCharsets.UTF_8));
			}
			return new ProcessResult(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + Arrays.toString(command), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + Arrays.toString(command), ex);
		}
		finally {
			if (output != null) {
				try {
					Files.deleteIfExists(output);
				}
				catch (IOException ex) {
					// a temporary file left behind is harmless
				}
			}
		}
	}

	private static void feed(Process process, byte[] stdin) {
		try (OutputStream in = process.getOutputStream()) {
			in.write(stdin);
		}
		catch (IOException ex) {
			// the process exited or closed its input without reading it all; its exit
			// code and output tell why
		}
	}

	private static Path find(String command) {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String directory : path.split(File.pathSeparator)) {
			if (directory.isEmpty()) {
				continue;
			}
			Path candidate = Path.of(directory, command);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	/**
	 * How a process ended: its exit code, and its standard output and error interleaved.
	 */
	public record ProcessResult(int exitCode, String output) {

		@Override
		public String toString() {
			return "exit code " + this.exitCode + ", output:\n" + this.output;
		}

	}

}
