package dev.sockeye.seeds;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.sockeye.support.ExternalTools;

import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.fail;

/**
 * A seed post's own Python server (a copy in {@code src/test/resources/seeds}, as printed
 * but for the port), run on a free port for a test.
 */
final class PostServer implements AutoCloseable {

	private final Process process;

	private final Path output;

	private final int port;

	private PostServer(Process process, Path output, int port) {
		this.process = process;
		this.output = output;
		this.port = port;
	}

	/**
	 * Starts {@code script} and waits until it listens.
	 * @param script a file name in {@code src/test/resources/seeds}
	 * @param directory where to copy it
	 */
	static PostServer start(String script, Path directory) {
		Path python = ExternalTools.require("python3");
		try {
			Path file = directory.resolve(script);
			if (!Files.exists(file)) {
				try (InputStream in = new ClassPathResource("seeds/" + script).getInputStream()) {
					Files.copy(in, file);
				}
			}
			int port = freePort();
			Path output = Files.createTempFile(directory, script, ".out");
			Process process = new ProcessBuilder(python.toString(), file.toString(), String.valueOf(port))
				.redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			PostServer server = new PostServer(process, output, port);
			server.awaitListening(Duration.ofSeconds(10));
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	int port() {
		return this.port;
	}

	/**
	 * @return whether the server has exited (within {@code millis})
	 */
	boolean exitsWithin(long millis) throws InterruptedException {
		return this.process.waitFor(millis, TimeUnit.MILLISECONDS);
	}

	/**
	 * @return what the server printed so far, standard error included
	 */
	String output() {
		try {
			return Files.readString(this.output, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Waits until the server listens. Connecting to find out would be a client, and the
	 * printed select() server dies of a client that closes. Binding the port to find out
	 * races the server's own bind (which fails while the probe holds the port), so on
	 * Linux the kernel's table of listening sockets is read instead; elsewhere the bind
	 * probe remains.
	 */
	private void awaitListening(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				fail("The post's server exited with " + this.process.exitValue() + ": " + output());
			}
			if (isListening()) {
				return;
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		fail("The post's server did not listen on port " + this.port + " within " + timeout + ": " + output());
	}

	private boolean isListening() {
		Path ipv4 = Path.of("/proc/net/tcp");
		if (!Files.isReadable(ipv4)) {
			try (ServerSocket probe = new ServerSocket()) {
				probe.setReuseAddress(false);
				probe.bind(new InetSocketAddress("127.0.0.1", this.port));
				return false;
			}
			catch (IOException taken) {
				return true;
			}
		}
		return listensIn(ipv4) || listensIn(Path.of("/proc/net/tcp6"));
	}

	/**
	 * @param table a kernel socket table: rows of "sl local_address rem_address st ...",
	 * addresses as hex ip:port, state 0A for LISTEN
	 */
	private boolean listensIn(Path table) {
		String port = String.format(":%04X", this.port);
		try {
			return Files.isReadable(table) && Files.readAllLines(table)
				.stream()
				.skip(1)
				.map((row) -> row.trim().split("\\s+"))
				.anyMatch((row) -> row.length > 3 && row[1].endsWith(port) && row[3].equals("0A"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
	}

	@Override
	public void close() {
		this.process.descendants().forEach(ProcessHandle::destroyForcibly);
		this.process.destroyForcibly();
		try {
			this.process.waitFor(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
