package dev.sockeye.actuate;

import java.time.Duration;

import dev.sockeye.listener.Listeners;
import dev.sockeye.support.Browser;
import dev.sockeye.support.ListenerClients;
import dev.sockeye.support.TcpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status page in a real headless Chromium: it shows the listener, follows its
 * connections up and down within 2 s, pages and closes connections (allowed here, as an
 * operator on an internal address would set it), works from the keyboard and on a phone's
 * width, and logs nothing to the console.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sockeye.listeners.echo.port=0", "management.endpoint.tcp.access=unrestricted" })
@DirtiesContext
class StatusPageTests {

	private static Browser browser;

	@LocalServerPort
	int port;

	@Autowired
	Listeners listeners;

	private ListenerClients clients;

	@BeforeEach
	void newClients() {
		this.clients = new ListenerClients(this.listeners, "echo");
	}

	@BeforeAll
	static void openBrowser() {
		browser = Browser.open(1280, 900);
	}

	@AfterAll
	static void closeBrowser() {
		if (browser != null) {
			browser.close();
		}
	}

	@AfterEach
	void closeClients() {
		this.clients.closeAll();
	}

	@Test
	void theListenerAppearsAndItsConnectionCountFollowsAClientWithinTwoSeconds() {
		browser.get(page());
		browser.waitForText("#listener-echo [data-field=state]", "listening", Duration.ofSeconds(10));
		browser.waitForText("#listener-echo [data-field=connections]", "0", Duration.ofSeconds(5));
		assertThat(browser.find("#listener-echo [data-field=settings]").getText())
			.startsWith("0.0.0.0:" + this.listeners.port("echo") + " · nio")
			.contains("crlf · service echo · request-reply · plain TCP · no PROXY protocol");

		TcpClient client = this.clients.connect();
		Duration up = browser.waitForText("#listener-echo [data-field=connections]", "1", Duration.ofSeconds(2));
		client.send("hello\r\n").readText(7);
		client.close();
		Duration down = browser.waitForText("#listener-echo [data-field=connections]", "0", Duration.ofSeconds(2));
		assertThat(up).isLessThan(Duration.ofSeconds(2));
		assertThat(down).isLessThan(Duration.ofSeconds(2));
		assertThat(browser.find("#live").getText()).startsWith("Live, updated");
		assertThat(browser.consoleProblems()).isEmpty();
	}

	@Test
	void connectionsArePagedFiftyAtATimeAndSortable() {
		for (int i = 0; i < 120; i++) {
			this.clients.connect();
		}
		this.clients.get(0).send("busiest\r\n").readText(9);
		browser.get(page());
		browser.waitForText("#listener-echo [data-field=connections]", "120", Duration.ofSeconds(5));
		browser.find("#listener-echo button[aria-expanded]").click();
		browser.waitForText("#listener-echo [data-field=range]", "1–50 of 120 (page 1 of 3)", Duration.ofSeconds(5));
		assertThat(browser.findAll("#listener-echo tbody tr")).hasSize(50);
		button("Next").click();
		browser.waitForText("#listener-echo [data-field=range]", "51–100 of 120 (page 2 of 3)", Duration.ofSeconds(5));
		button("Received").click();
		browser.waitForText("#listener-echo [data-field=range]", "1–50 of 120 (page 1 of 3)", Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(browser.find("#listener-echo tbody tr td").getText())
				.isEqualTo("127.0.0.1:" + this.clients.get(0).localPort()));
		assertThat(browser.find("#listener-echo th[aria-sort]").getAttribute("aria-sort")).isEqualTo("descending");
		assertThat(browser.find("#listener-echo th[aria-sort]").getText()).isEqualTo("Received");
		button("Client").click();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(browser.find("#listener-echo th[aria-sort]").getAttribute("aria-sort"))
				.isEqualTo("ascending"));
		assertThat(browser.consoleProblems()).isEmpty();
	}

	@Test
	void aConnectionIsClosedFromThePageAfterAConfirmation() {
		TcpClient first = this.clients.connect();
		TcpClient second = this.clients.connect();
		browser.get(page());
		browser.waitForText("#listener-echo [data-field=connections]", "2", Duration.ofSeconds(5));
		WebElement toggle = browser.find("#listener-echo button[aria-expanded]");
		toggle.sendKeys(Keys.ENTER);
		assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("true");
		browser.waitForText("#listener-echo [data-field=range]", "1–2 of 2 (page 1 of 1)", Duration.ofSeconds(5));
		String closeLabel = "Close connection";
		WebElement close = browser.findAll("#listener-echo button.close")
			.stream()
			.filter((button) -> button.getAttribute("aria-label").endsWith(":" + first.localPort()))
			.findFirst()
			.orElseThrow();
		assertThat(close.getAttribute("aria-label")).startsWith(closeLabel);
		close.click();
		browser.driver().switchTo().alert().dismiss();
		assertThat(first.send("still open\r\n").readText(12)).isEqualTo("still open\r\n");
		close.click();
		browser.driver().switchTo().alert().accept();
		await().atMost(Duration.ofSeconds(5)).until(first::isClosedByServer);
		browser.waitForText("#listener-echo [data-field=connections]", "1", Duration.ofSeconds(2));
		assertThat(second.send("served\r\n").readText(8)).isEqualTo("served\r\n");
		browser.waitForText("#listener-echo [data-field=closed]", "admin 1", Duration.ofSeconds(2));
		assertThat(browser.consoleProblems()).isEmpty();
	}

	@Test
	void atAPhonesWidthNothingIsWiderThanTheScreen() {
		try (Browser phone = Browser.open(390, 844)) {
			phone.get(page());
			phone.waitForText("#listener-echo [data-field=state]", "listening", Duration.ofSeconds(10));
			phone.find("#listener-echo button[aria-expanded]").click();
			phone.waitForText("#listener-echo [data-field=range]", "0–0 of 0 (page 1 of 1)", Duration.ofSeconds(5));
			Object overflow = phone.driver()
				.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
			assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
			assertThat(phone.consoleProblems()).isEmpty();
		}
	}

	private WebElement button(String label) {
		return browser.findAll("#listener-echo button")
			.stream()
			.filter((button) -> button.getText().equals(label))
			.findFirst()
			.orElseThrow();
	}

	private String page() {
		return "http://localhost:" + this.port + "/";
	}

}
