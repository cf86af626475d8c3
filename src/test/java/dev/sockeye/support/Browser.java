package dev.sockeye.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, found
 * on the {@code PATH} like the other {@link ExternalTools}), driven over WebDriver. What
 * its pages log as errors or warnings is recorded, so a test can say a page logged none.
 */
public final class Browser implements AutoCloseable {

	private static final String CONSOLE_RECORDER = """
			window.__problems = [];
			for (const level of ['error', 'warn']) {
			  const original = console[level];
			  console[level] = (...args) => { window.__problems.push(level + ': ' + args.join(' ')); original(...args); };
			}
			window.addEventListener('error', (e) => window.__problems.push('error: '
			    + (e.message || ('failed to load ' + (e.target && (e.target.src || e.target.href))))), true);
			window.addEventListener('unhandledrejection', (e) => window.__problems.push('rejected: ' + e.reason));
			""";

	private final ChromeDriver driver;

	private Browser(ChromeDriver driver) {
		this.driver = driver;
	}

	/**
	 * @param width the window's width, CSS pixels
	 * @param height its height
	 * @return a started browser
	 */
	public static Browser open(int width, int height) {
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(ExternalTools.require("chromedriver").toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(ExternalTools.require("chromium").toString());
		// --no-sandbox: CI and containers run as root, where Chromium's sandbox cannot
		// start
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=" + width + "," + height);
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().window().setSize(new Dimension(width, height));
		// before any script of every page: record what a developer would see in the
		// console
		driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", CONSOLE_RECORDER));
		return new Browser(driver);
	}

	public ChromeDriver driver() {
		return this.driver;
	}

	public void get(String url) {
		this.driver.get(url);
	}

	public WebElement find(String css) {
		return this.driver.findElement(By.cssSelector(css));
	}

	public List<WebElement> findAll(String css) {
		return this.driver.findElements(By.cssSelector(css));
	}

	/**
	 * Waits until the element's text is {@code text}.
	 * @return how long it took
	 */
	public Duration waitForText(String css, String text, Duration timeout) {
		long start = System.nanoTime();
		try {
			Awaitility.await()
				.atMost(timeout)
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(20))
				.until(() -> text.equals(textOrNull(css)));
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("Expected " + css + " to read '" + text + "' within " + timeout + ", it read '"
					+ textOrNull(css) + "'", ex);
		}
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private String textOrNull(String css) {
		try {
			List<WebElement> found = findAll(css);
			return found.isEmpty() ? null : found.get(0).getText();
		}
		catch (StaleElementReferenceException ex) {
			// replaced by the page between finding and reading: read again next time
			return null;
		}
	}

	/**
	 * @return the console errors and warnings, uncaught errors, rejected promises and
	 * resources that failed to load, since the page was loaded
	 */
	@SuppressWarnings("unchecked")
	public List<String> consoleProblems() {
		return (List<String>) this.driver.executeScript("return window.__problems || ['no console recorder']");
	}

	@Override
	public void close() {
		this.driver.quit();
	}

}
