package dev.sockeye.service;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SlowServiceTests} on a JVM with virtual threads, where nio workers and blocking
 * connections run on them. Run by the build's {@code virtual-threads} execution.
 */
@Tag("virtual-threads")
@Import(SlowServiceTests.Services.class)
class SlowServiceOnVirtualThreadsTests extends SlowServiceTests {

	@BeforeAll
	static void requireJava21() {
		assertThat(Runtime.version().feature()).as("this test must run on Java 21 or later").isGreaterThanOrEqualTo(21);
	}

}
