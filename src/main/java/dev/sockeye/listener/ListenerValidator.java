package dev.sockeye.listener;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.sockeye.service.ServiceResolver;
import dev.sockeye.service.SockeyeService;

/**
 * Checks what the annotations on {@link ListenerProperties} cannot: settings that must agree across listeners, and
 * services that must exist. Collects every problem before failing, so one start shows them all.
 */
final class ListenerValidator {

	private final ServiceResolver services;

	ListenerValidator(ServiceResolver services) {
		this.services = services;
	}

	/**
	 * @param properties the configuration
	 * @return each listener's service, by listener name, in name order
	 * @throws ListenerConfigurationException listing every problem found
	 */
	Map<String, SockeyeService> validate(SockeyeProperties properties) {
		List<String> problems = new ArrayList<>();
		Map<String, SockeyeService> resolved = new TreeMap<>();
		Map<String, String> ports = new HashMap<>();
		new TreeMap<>(properties.listeners()).forEach((name, listener) -> {
			String prefix = "sockeye.listeners." + name + ".";
			if (listener.maxMessageSize().toBytes() <= 0) {
				problems.add(prefix + "max-message-size is " + listener.maxMessageSize()
						+ "; it must be greater than 0 (for example 64KB)");
			}
			else if (listener.maxMessageSize().toBytes() > Integer.MAX_VALUE - 16) {
				problems.add(prefix + "max-message-size is " + listener.maxMessageSize() + "; it must be below 2GB");
			}
			if (listener.port() != null && listener.port() != 0) {
				String key = Optional.ofNullable(listener.address()).orElse("*") + ":" + listener.port();
				String other = ports.putIfAbsent(key, name);
				if (other != null) {
					problems.add("listeners '" + other + "' and '" + name + "' both use port " + listener.port()
							+ "; give each listener its own " + prefix + "port");
				}
			}
			Optional<SockeyeService> service = this.services.resolve(listener.service(), listener.echo().prefix());
			if (service.isPresent()) {
				resolved.put(name, service.get());
			}
			else {
				problems.add(prefix + "service is '" + listener.service() + "', but there is no such service; use"
						+ " one of " + String.join(", ", this.services.candidates()) + ", or define a bean of type"
						+ " SockeyeService, Function<byte[], byte[]> or Function<String, String> with that name");
			}
		});
		if (!problems.isEmpty()) {
			throw new ListenerConfigurationException(problems);
		}
		return resolved;
	}

}
