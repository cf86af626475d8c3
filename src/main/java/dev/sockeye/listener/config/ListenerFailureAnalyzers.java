package dev.sockeye.listener.config;

import java.net.BindException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Startup failures of listeners, said plainly: what is wrong and what to do.
 */
final class ListenerFailureAnalyzers {

	private ListenerFailureAnalyzers() {
	}

	/** A port that cannot be bound, usually because another process has it. */
	static final class Bind extends AbstractFailureAnalyzer<ListenerBindException> {

		@Override
		protected FailureAnalysis analyze(Throwable rootFailure, ListenerBindException cause) {
			String property = "sockeye.listeners." + cause.listener() + ".port";
			boolean inUse = cause.getCause() instanceof BindException
					&& String.valueOf(cause.getCause().getMessage()).contains("in use");
			String description = inUse
					? "Sockeye listener '" + cause.listener() + "' failed to start. Port " + cause.port() + " on "
							+ cause.address() + " is already in use."
					: "Sockeye listener '" + cause.listener() + "' failed to bind " + cause.address() + ":"
							+ cause.port() + ": " + cause.getCause().getMessage();
			String action = inUse
					? "Identify and stop the process that is listening on port " + cause.port() + " (for example with"
							+ " 'ss -ltnp sport = :" + cause.port() + "'), or set " + property
							+ " to another port (0 picks a free one)."
					: "Check that the address can be bound on this machine and that the port is allowed (ports below"
							+ " 1024 need privileges), or change " + property + " and sockeye.listeners."
							+ cause.listener() + ".address.";
			return new FailureAnalysis(description, action, cause);
		}

	}

	/**
	 * Listener settings that contradict each other or name something that does not exist.
	 */
	static final class Configuration extends AbstractFailureAnalyzer<ListenerConfigurationException> {

		@Override
		protected FailureAnalysis analyze(Throwable rootFailure, ListenerConfigurationException cause) {
			StringBuilder description = new StringBuilder("Sockeye's listener configuration is invalid:");
			cause.problems()
				.forEach((problem) -> description.append(System.lineSeparator()).append("  - ").append(problem));
			return new FailureAnalysis(description.toString(),
					"Update the sockeye.listeners.* properties in your configuration (application.yml, profile files,"
							+ " or SOCKEYE_LISTENERS_* environment variables) as described above.",
					cause);
		}

	}

}
