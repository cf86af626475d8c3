package dev.sockeye.listener.config;

import java.util.List;

/**
 * Listener configuration that Sockeye cannot run: every problem found, each naming the
 * property to change.
 */
public class ListenerConfigurationException extends RuntimeException {

	private final List<String> problems;

	ListenerConfigurationException(List<String> problems) {
		super("Invalid Sockeye listener configuration: " + String.join("; ", problems));
		this.problems = List.copyOf(problems);
	}

	/**
	 * @return the problems, one sentence each
	 */
	public List<String> problems() {
		return this.problems;
	}

}
