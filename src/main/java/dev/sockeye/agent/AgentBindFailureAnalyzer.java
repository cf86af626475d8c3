package dev.sockeye.agent;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says what happened when the agent-check port cannot be bound, and what to do. */
class AgentBindFailureAnalyzer extends AbstractFailureAnalyzer<AgentBindException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, AgentBindException cause) {
		return new FailureAnalysis(
				"Sockeye's HAProxy agent-check could not listen on " + cause.address() + ":" + cause.port() + ": "
						+ cause.getCause().getMessage(),
				"Stop the process that holds port " + cause.port() + " (for example 'ss -ltnp sport = :" + cause.port()
						+ "'), or set sockeye.agent.port to another port (0 picks a free one) and"
						+ " agent-port on the balancer to match; remove sockeye.agent.port to run without the agent.",
				cause);
	}

}
