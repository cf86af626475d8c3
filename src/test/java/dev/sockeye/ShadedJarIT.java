package dev.sockeye;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar is flat (maven-shade-plugin in pom.xml): a file that several
 * dependencies each carry under the same name survives whole only where the pom merges
 * it, else one copy wins and the others are lost without a word (an auto-configuration
 * list, a {@code META-INF/services} file). This compares the jar with the runtime class
 * path it was made from ({@code target/runtime-class-path.txt}, written by the build), so
 * that a new dependency bringing such a file fails the build instead.
 */
class ShadedJarIT {

	private static final Path JAR = Path.of("target/sockeye-0.1.0.jar");

	private static final String AUTO_CONFIGURATIONS = "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";

	private static final String MANAGEMENT_CONFIGURATIONS = "META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports";

	/** Merged as properties: every key keeps every value of every copy. */
	private static final Set<String> MERGED_PROPERTIES = Set.of("META-INF/spring.factories",
			"META-INF/spring-autoconfigure-metadata.properties", "META-INF/spring/aot.factories");

	/**
	 * Appended: every line of every copy, under the first name (the shade plugin's
	 * appending transformer ignores case: {@code license.txt} goes into
	 * {@code LICENSE.txt}).
	 */
	private static final Set<String> APPENDED = Set.of(AUTO_CONFIGURATIONS, MANAGEMENT_CONFIGURATIONS,
			"META-INF/spring.handlers", "META-INF/spring.schemas", "META-INF/LICENSE", "META-INF/LICENSE.txt",
			"META-INF/NOTICE", "META-INF/NOTICE.txt", "META-INF/DEPENDENCIES");

	/** Left out of the jar on purpose (see the filters in pom.xml). */
	private static final Set<String> LEFT_OUT = Set.of("META-INF/MANIFEST.MF", "META-INF/INDEX.LIST",
			"module-info.class", "META-INF/spring-configuration-metadata.json",
			"META-INF/additional-spring-configuration-metadata.json", "META-INF/spring-devtools.properties",
			"META-INF/spring.tooling", "META-INF/web-fragment.xml");

	/** Every file of the class path, by name, with where each copy came from. */
	private static final Map<String, List<Copy>> copies = new LinkedHashMap<>();

	@BeforeAll
	static void readTheClassPath() throws IOException {
		String classPath = Files.readString(Path.of("target/runtime-class-path.txt"), StandardCharsets.UTF_8).strip();
		for (String element : classPath.split(java.io.File.pathSeparator)) {
			try (JarFile jar = new JarFile(element)) {
				for (JarEntry entry : jar.stream().filter((entry) -> !entry.isDirectory()).toList()) {
					try (InputStream in = jar.getInputStream(entry)) {
						add(entry.getName(), element, in);
					}
				}
			}
		}
		Path classes = Path.of("target/classes");
		try (Stream<Path> files = Files.walk(classes)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				try (InputStream in = Files.newInputStream(file)) {
					add(classes.relativize(file).toString().replace('\\', '/'), "target/classes", in);
				}
			}
		}
	}

	@Test
	void losesNoFileThatSeveralDependenciesCarryUnderOneName() throws IOException {
		List<String> lost = new ArrayList<>();
		try (JarFile jar = new JarFile(JAR.toFile())) {
			copies.forEach((name, from) -> {
				if (from.size() < 2 || LEFT_OUT.contains(name) || isLeftOutEverywhere(name)) {
					return;
				}
				String appendedTo = APPENDED.stream().filter(name::equalsIgnoreCase).findFirst().orElse(name);
				String merged = read(jar, appendedTo);
				if (merged == null) {
					lost.add(name + " (missing)");
				}
				else if (MERGED_PROPERTIES.contains(name)) {
					from.forEach(
							(copy) -> missingValues(copy, merged).forEach((value) -> lost.add(name + ": " + value)));
				}
				else if (APPENDED.contains(appendedTo) || name.startsWith("META-INF/services/")) {
					from.forEach((copy) -> missingLines(copy, merged).forEach((line) -> lost.add(name + ": " + line)));
				}
				else {
					lost.add(name + " (one copy of " + from.stream().map(Copy::origin).toList() + ")");
				}
			});
		}
		assertThat(lost).as("merge these in the maven-shade-plugin's transformers of pom.xml, or leave them out")
			.isEmpty();
	}

	@Test
	void holdsEveryClassOfTheRuntimeClassPath() throws IOException {
		try (JarFile jar = new JarFile(JAR.toFile())) {
			List<String> classes = copies.keySet()
				.stream()
				.filter((name) -> name.endsWith(".class") && !isLeftOutEverywhere(name) && !LEFT_OUT.contains(name))
				.toList();
			assertThat(classes).hasSizeGreaterThan(10_000);
			assertThat(classes).filteredOn((name) -> jar.getJarEntry(name) == null).isEmpty();
		}
	}

	@Test
	void leavesOutWhatThePomLeavesOut() throws IOException {
		try (JarFile jar = new JarFile(JAR.toFile())) {
			assertThat(jar.stream().map(JarEntry::getName))
				.filteredOn((name) -> (LEFT_OUT.contains(name) && !name.equals("META-INF/MANIFEST.MF"))
						|| isLeftOutEverywhere(name)
						|| name.startsWith("org/springframework/boot/configurationprocessor/"))
				.isEmpty();
			assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
				.isEqualTo(SockeyeApplication.class.getName());
		}
	}

	@Test
	void listsTheAutoConfigurationsOfEveryDependencyAndOfSockeye() throws IOException {
		try (JarFile jar = new JarFile(JAR.toFile())) {
			assertThat(lines(read(jar, AUTO_CONFIGURATIONS))).contains(
					"org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration",
					"org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration",
					"org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration");
			assertThat(lines(read(jar, MANAGEMENT_CONFIGURATIONS))).contains(
					"dev.sockeye.actuate.StatusPageConfiguration",
					"org.springframework.boot.webmvc.autoconfigure.actuate.web.WebMvcEndpointChildContextConfiguration");
		}
	}

	private static boolean isLeftOutEverywhere(String name) {
		return name.endsWith("/module-info.class") && name.startsWith("META-INF/versions/")
				|| name.startsWith("META-INF/") && name.matches("META-INF/[^/]+\\.(SF|DSA|RSA)");
	}

	private static List<String> missingValues(Copy copy, String merged) {
		Properties all = properties(merged);
		List<String> missing = new ArrayList<>();
		properties(copy.text()).forEach((key, value) -> {
			List<String> values = Arrays.asList(all.getProperty((String) key, "").split(","));
			for (String one : ((String) value).split(",")) {
				if (!one.isEmpty() && !values.contains(one)) {
					missing.add(key + "=" + one + " from " + copy.origin());
				}
			}
		});
		return missing;
	}

	private static List<String> missingLines(Copy copy, String merged) {
		List<String> all = lines(merged);
		return lines(copy.text()).stream()
			.filter((line) -> !all.contains(line))
			.map((line) -> line + " from " + copy.origin())
			.toList();
	}

	private static List<String> lines(String text) {
		return text.lines().map(String::strip).filter((line) -> !line.isEmpty() && !line.startsWith("#")).toList();
	}

	private static Properties properties(String text) {
		Properties properties = new Properties();
		try {
			properties.load(new StringReader(text));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		properties.replaceAll((key, value) -> String.join(",",
				Arrays.stream(((String) value).split(",")).map(String::strip).toList()));
		return properties;
	}

	private static String read(JarFile jar, String name) {
		JarEntry entry = jar.getJarEntry(name);
		if (entry == null) {
			return null;
		}
		try (InputStream in = jar.getInputStream(entry)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads the files other than classes, the ones compared; of a class, only where it
	 * came from.
	 */
	private static void add(String name, String origin, InputStream in) throws IOException {
		byte[] bytes = name.endsWith(".class") ? new byte[0] : in.readAllBytes();
		copies.computeIfAbsent(name, (key) -> new ArrayList<>()).add(new Copy(origin, bytes));
	}

	private record Copy(String origin, byte[] bytes) {

		String text() {
			return new String(this.bytes, StandardCharsets.UTF_8);
		}

	}

}
