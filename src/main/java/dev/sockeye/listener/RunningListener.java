package dev.sockeye.listener;

import org.springframework.integration.dsl.context.IntegrationFlowContext.IntegrationFlowRegistration;
import org.springframework.integration.ip.tcp.connection.AbstractServerConnectionFactory;

/**
 * A listener that has been started: its settings, its connection factory and its registered flow.
 *
 * @param name the listener's name
 * @param properties its settings
 * @param factory its Spring Integration server connection factory
 * @param registration its flow's registration
 */
public record RunningListener(String name, ListenerProperties properties, AbstractServerConnectionFactory factory,
		IntegrationFlowRegistration registration) {

	/** @return the bound port, or -1 when not listening */
	public int port() {
		return this.factory.isListening() ? this.factory.getPort() : -1;
	}

	/** @return true while the listener accepts connections */
	public boolean isListening() {
		return this.factory.isListening();
	}

}
