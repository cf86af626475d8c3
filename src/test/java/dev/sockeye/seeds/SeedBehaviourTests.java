package dev.sockeye.seeds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.sockeye.listener.Listeners;
import dev.sockeye.support.TcpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the seed posts' Python servers do, done by configuration, and their clients run
 * unchanged against it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "sockeye.listeners.recv.port=0", "sockeye.listeners.recv.framing=none",
				"sockeye.listeners.recv-blocking.port=0", "sockeye.listeners.recv-blocking.framing=none",
				"sockeye.listeners.recv-blocking.io=blocking", "sockeye.listeners.asyncio.port=0",
				"sockeye.listeners.asyncio.framing=none", "sockeye.listeners.asyncio.echo.prefix=Echo: ",
				"sockeye.listeners.asyncio.close-after-reply=true", "sockeye.listeners.lines.port=0" })
class SeedBehaviourTests {

	@Autowired
	Listeners listeners;

	@TempDir
	Path temp;

	@Test
	void seed003ClientGetsItsMessageBackFromNioListener() throws Exception {
		assertThat(python("seed003_client.py", this.listeners.port("recv"))).isEqualTo("Received: Hello, Server!");
	}

	@Test
	void seed003ClientGetsItsMessageBackFromBlockingListener() throws Exception {
		assertThat(python("seed003_client.py", this.listeners.port("recv-blocking")))
			.isEqualTo("Received: Hello, Server!");
	}

	@Test
	void seed001EchoServerIsOneListenerWithPrefixAndCloseAfterReply() {
		try (TcpClient client = TcpClient.connect(this.listeners.port("asyncio"))) {
			client.send("hi there");
			assertThat(new String(client.readToEnd(), StandardCharsets.UTF_8)).isEqualTo("Echo: hi there");
		}
	}

	@Test
	void thousandPythonClientsAtOnceEachGetTheirOwnReply() throws Exception {
		assertThat(python("many_clients.py", this.listeners.port("recv"), "1000")).isEqualTo("ok 1000");
	}

	@Test
	void thousandPythonClientsAtOnceEachGetTheirOwnReplyFromBlockingListener() throws Exception {
		assertThat(python("many_clients.py", this.listeners.port("recv-blocking"), "1000")).isEqualTo("ok 1000");
	}

	@Test
	void thousandConcurrentLineClientsEachGetTheirOwnReplies() {
		List<TcpClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 1000; i++) {
				clients.add(TcpClient.connect(this.listeners.port("lines")));
			}
			for (int round = 0; round < 3; round++) {
				for (int i = 0; i < clients.size(); i++) {
					clients.get(i).send("client " + i + " round " + round + "\r\n");
				}
				for (int i = 0; i < clients.size(); i++) {
					String expected = "client " + i + " round " + round + "\r\n";
					assertThat(clients.get(i).readText(expected.length())).isEqualTo(expected);
				}
			}
		}
		finally {
			clients.forEach(TcpClient::close);
		}
	}

	private String python(String script, Object... args) throws IOException, InterruptedException {
		Path file = this.temp.resolve(script);
		try (var in = new ClassPathResource("seeds/" + script).getInputStream()) {
			Files.copy(in, file);
		}
		List<String> command = new ArrayList<>(List.of("python3", file.toString()));
		for (Object arg : args) {
			command.add(String.valueOf(arg));
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("python finished").isTrue();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		assertThat(process.exitValue()).as(output).isZero();
		return output;
	}

}
