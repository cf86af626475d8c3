package dev.sockeye.docs;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sockeye.listener.config.ListenerProperties;
import dev.sockeye.listener.config.SockeyeProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.DefaultValue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration reference in docs/configuration.md is generated from the properties
 * records: each property's name, type and default from the record component, its
 * description from the record's {@code @param} Javadoc (which the configuration processor
 * turns into IDE metadata). When a property changes, this test fails and prints the table
 * to paste between the markers in docs/configuration.md.
 */
class ConfigurationReferenceTests {

	private static final String BEGIN = "<!-- listener-properties:begin -->";

	private static final String END = "<!-- listener-properties:end -->";

	@Test
	void configurationPageListsEveryListenerPropertyWithItsDefaultAndDescription() throws IOException {
		String page = Files.readString(Path.of("docs/configuration.md"));
		int begin = page.indexOf(BEGIN);
		int end = page.indexOf(END);
		assertThat(begin).as("docs/configuration.md has the %s marker", BEGIN).isNotNegative();
		assertThat(end).as("docs/configuration.md has the %s marker", END).isGreaterThan(begin);
		String documented = page.substring(begin + BEGIN.length(), end).strip();
		assertThat(documented).as("docs/configuration.md table; expected:%n%s%n", table()).isEqualTo(table());
	}

	static String table() throws IOException {
		StringBuilder table = new StringBuilder();
		table.append("| Property | Type | Default | Description |\n|---|---|---|---|\n");
		rows(table, "sockeye.", SockeyeProperties.class);
		rows(table, "sockeye.listeners.<name>.", ListenerProperties.class);
		return table.toString().strip();
	}

	private static void rows(StringBuilder table, String prefix, Class<?> record) throws IOException {
		Map<String, String> docs = paramDocs(Files.readString(source(record)), record.getSimpleName());
		RecordComponent[] components = record.getRecordComponents();
		Parameter[] parameters = canonicalConstructor(record, components).getParameters();
		for (int i = 0; i < components.length; i++) {
			RecordComponent component = components[i];
			String name = kebab(component.getName());
			Class<?> type = component.getType();
			if (Map.class.isAssignableFrom(type)) {
				continue;
			}
			if (type.isRecord()) {
				rows(table, prefix + name + ".", type);
				continue;
			}
			DefaultValue defaultValue = parameters[i].getAnnotation(DefaultValue.class);
			String value = (defaultValue != null && defaultValue.value().length > 0) ? defaultValue.value()[0] : "";
			table.append("| `")
				.append(prefix)
				.append(name)
				.append("` | ")
				.append(typeName(type))
				.append(" | ")
				.append(value.isEmpty() ? "" : "`" + value + "`")
				.append(" | ")
				.append(docs.getOrDefault(component.getName(), "**undocumented**"))
				.append(" |\n");
		}
	}

	/**
	 * @return the source file that declares a record: its own, or its top-level class's
	 */
	private static Path source(Class<?> record) {
		Class<?> topLevel = record;
		while (topLevel.getEnclosingClass() != null) {
			topLevel = topLevel.getEnclosingClass();
		}
		return Path.of("src/main/java", topLevel.getName().replace('.', '/') + ".java");
	}

	private static Constructor<?> canonicalConstructor(Class<?> record, RecordComponent[] components) {
		Class<?>[] types = new Class<?>[components.length];
		for (int i = 0; i < components.length; i++) {
			types[i] = components[i].getType();
		}
		try {
			return record.getDeclaredConstructor(types);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String typeName(Class<?> type) {
		if (type.isEnum()) {
			StringBuilder values = new StringBuilder();
			for (Object constant : type.getEnumConstants()) {
				values.append(values.isEmpty() ? "" : ", ")
					.append(((Enum<?>) constant).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
			}
			return values.toString();
		}
		return switch (type.getSimpleName()) {
			case "Integer", "int" -> "int";
			case "DataSize" -> "size (e.g. `64KB`)";
			case "Duration" -> "duration (e.g. `30s`)";
			case "boolean", "Boolean" -> "boolean";
			case "List" -> "list";
			default -> "string";
		};
	}

	/**
	 * The {@code @param} lines of the Javadoc just above {@code record Name(}, joined
	 * when they wrap.
	 */
	static Map<String, String> paramDocs(String source, String recordName) {
		int declaration = source.indexOf("record " + recordName + "(");
		int javadocEnd = source.lastIndexOf("*/", declaration);
		int javadocStart = source.lastIndexOf("/**", javadocEnd);
		String javadoc = source.substring(javadocStart, javadocEnd).replaceAll("(?m)^\\s*\\*\\s?", "");
		Map<String, String> docs = new LinkedHashMap<>();
		Matcher matcher = Pattern.compile("@param (\\w+) ((?:(?!@param)[\\s\\S])*)").matcher(javadoc);
		while (matcher.find()) {
			docs.put(matcher.group(1),
					matcher.group(2)
						.replaceAll("\\s+", " ")
						.strip()
						.replace("{@code ", "`")
						.replace("}", "`")
						.replace("|", "\\|"));
		}
		return docs;
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
	}

}
