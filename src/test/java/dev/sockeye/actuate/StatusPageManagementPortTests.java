package dev.sockeye.actuate;

import java.time.Duration;

import dev.sockeye.listener.Listeners;
import dev.sockeye.support.Browser;
import dev.sockeye.support.Http;
import dev.sockeye.support.TcpClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the actuator on a port of its own (the production advice of docs/monitoring.md),
 * the page moves with it, under a changed base path too: the application's port serves no
 * page.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sockeye.listeners.echo.port=0", "management.server.port=0",
				"management.endpoints.web.base-path=/manage" })
@DirtiesContext
class StatusPageManagementPortTests {

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Autowired
	Listeners listeners;

	@Test
	void thePageIsOnTheManagementPortAndReadsTheActuatorThere() {
		assertThat(Http.get("http://localhost:" + this.port + "/").statusCode()).isEqualTo(404);
		assertThat(Http.get("http://localhost:" + this.managementPort + "/").body())
			.contains("<meta name=\"sockeye-actuator\" content=\"manage\">");
		try (TcpClient client = TcpClient.connect(this.listeners.port("echo"));
				Browser browser = Browser.open(1280, 900)) {
			browser.get("http://localhost:" + this.managementPort + "/");
			browser.waitForText("#listener-echo [data-field=connections]", "1", Duration.ofSeconds(5));
			assertThat(browser.consoleProblems()).isEmpty();
		}
	}

}
