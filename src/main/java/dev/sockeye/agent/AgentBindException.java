package dev.sockeye.agent;

/**
 * The agent-check port could not be bound; {@link AgentBindFailureAnalyzer} says what to
 * do.
 */
class AgentBindException extends RuntimeException {

	private final int port;

	private final String address;

	AgentBindException(int port, String address, Throwable cause) {
		super("Could not bind the agent-check port " + address + ":" + port + " (sockeye.agent.port): "
				+ cause.getMessage(), cause);
		this.port = port;
		this.address = address;
	}

	int port() {
		return this.port;
	}

	String address() {
		return this.address;
	}

}
