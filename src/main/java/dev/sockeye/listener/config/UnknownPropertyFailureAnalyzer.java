package dev.sockeye.listener.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * A key under {@code sockeye.} that no property of {@link SockeyeProperties} takes, most
 * likely a typo: names each one, where it came from, and the property it was probably
 * meant to be. Runs before Spring Boot's own analyzer of unbound properties, which names
 * them without a suggestion; keys outside {@code sockeye.} are left to it.
 */
final class UnknownPropertyFailureAnalyzer extends AbstractFailureAnalyzer<UnboundConfigurationPropertiesException>
		implements Ordered {

	private static final String PREFIX = "sockeye";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnboundConfigurationPropertiesException cause) {
		List<ConfigurationProperty> unknown = cause.getUnboundProperties()
			.stream()
			.filter((property) -> property.getName().toString().startsWith(PREFIX + "."))
			.toList();
		if (unknown.isEmpty()) {
			return null;
		}
		StringBuilder description = new StringBuilder(
				(unknown.size() == 1) ? "Sockeye does not know this property, so it would have no effect:"
						: "Sockeye does not know these properties, so they would have no effect:");
		for (ConfigurationProperty property : unknown) {
			description.append(System.lineSeparator()).append("  - ").append(property.getName());
			if (property.getOrigin() != null) {
				description.append(" (from ").append(property.getOrigin()).append(')');
			}
			suggest(property.getName())
				.ifPresent((suggestion) -> description.append(": did you mean ").append(suggestion).append('?'));
		}
		return new FailureAnalysis(description.toString(),
				"Correct the property's name (docs/configuration.md in Sockeye's repository"
						+ " lists every Sockeye property), or remove it.",
				cause);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/**
	 * Follows the name down the properties records to the first element that is not a
	 * property there, and replaces it by the closest property of that record.
	 * @param name an unbound name under {@code sockeye.}
	 * @return the name it was probably meant to be, if one is close enough
	 */
	static Optional<String> suggest(ConfigurationPropertyName name) {
		Type type = SockeyeProperties.class;
		StringBuilder path = new StringBuilder(PREFIX);
		int count = name.getNumberOfElements();
		int i = 1;
		while (i < count && type instanceof Class<?> record && record.isRecord()) {
			String element = name.getElement(i, Form.DASHED);
			RecordComponent match = null;
			List<String> candidates = new ArrayList<>();
			for (RecordComponent component : record.getRecordComponents()) {
				String kebab = kebab(component.getName());
				candidates.add(kebab);
				if (uniform(kebab).equals(name.getElement(i, Form.UNIFORM))) {
					match = component;
				}
			}
			if (match == null) {
				String closest = closest(element, candidates);
				if (closest == null) {
					return Optional.empty();
				}
				path.append('.').append(closest);
				for (int rest = i + 1; rest < count; rest++) {
					path.append(name.isNumericIndex(rest) ? "[" + name.getElement(rest, Form.ORIGINAL) + "]"
							: "." + name.getElement(rest, Form.DASHED));
				}
				return Optional.of(path.toString());
			}
			path.append('.').append(element);
			type = match.getGenericType();
			i++;
			if (type instanceof ParameterizedType map && map.getRawType() == Map.class && i < count) {
				// a map's key (a listener's name) is the user's own: keep it and go on
				// with the value's properties
				path.append('.').append(name.getElement(i, Form.ORIGINAL));
				type = map.getActualTypeArguments()[1];
				i++;
			}
		}
		return Optional.empty();
	}

	private static String closest(String element, List<String> candidates) {
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (String candidate : candidates) {
			int distance = distance(element, candidate);
			if (distance < bestDistance) {
				best = candidate;
				bestDistance = distance;
			}
		}
		// a typo or two, more in a long name; anything further off is not worth guessing
		// at
		return (bestDistance <= Math.max(2, element.length() / 4)) ? best : null;
	}

	/**
	 * Edit distance with adjacent transpositions (optimal string alignment), so "bundel"
	 * is one edit from "bundle".
	 */
	static int distance(String a, String b) {
		int[][] d = new int[a.length() + 1][b.length() + 1];
		for (int i = 0; i <= a.length(); i++) {
			d[i][0] = i;
		}
		for (int j = 0; j <= b.length(); j++) {
			d[0][j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			for (int j = 1; j <= b.length(); j++) {
				int cost = (a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1;
				d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
				if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
					d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
				}
			}
		}
		return d[a.length()][b.length()];
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	private static String uniform(String kebab) {
		return kebab.replace("-", "");
	}

}
