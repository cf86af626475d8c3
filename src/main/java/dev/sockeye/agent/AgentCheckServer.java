package dev.sockeye.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.sockeye.listener.Listeners;
import dev.sockeye.listener.config.SockeyeProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Answers HAProxy's {@code agent-check} on its own port: each connection gets one line
 * ({@link AgentReply}) and is closed, as the HAProxy manual specifies. One thread accepts
 * and answers; an answer is a few bytes to a new socket, so it never waits on a client.
 * It stops after the listeners, so that the balancer reads {@code drain} for the whole
 * drain, which {@code sockeye.drain-delay} gives it time to see before the listeners
 * close.
 */
final class AgentCheckServer implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(AgentCheckServer.class);

	private final SockeyeProperties.Agent properties;

	private final Listeners listeners;

	private final ApplicationAvailability availability;

	private final ConfigurableEnvironment environment;

	private volatile ServerSocket server;

	private volatile Thread thread;

	AgentCheckServer(SockeyeProperties.Agent properties, Listeners listeners, ApplicationAvailability availability,
			ConfigurableEnvironment environment) {
		this.properties = properties;
		this.listeners = listeners;
		this.availability = availability;
		this.environment = environment;
	}

	@Override
	public void start() {
		try {
			ServerSocket socket = new ServerSocket();
			socket.setReuseAddress(true);
			InetSocketAddress address = (this.properties.address() != null)
					? new InetSocketAddress(this.properties.address(), this.properties.port())
					: new InetSocketAddress(this.properties.port());
			socket.bind(address, 64);
			this.server = socket;
		}
		catch (IOException ex) {
			throw new AgentBindException(this.properties.port(),
					(this.properties.address() != null) ? this.properties.address() : "*", ex);
		}
		this.environment.getPropertySources()
			.addFirst(new MapPropertySource("sockeye.agent.bound", Map.of("local.sockeye.agent.port", port())));
		Thread accepting = new Thread(this::serve, "sockeye-agent");
		accepting.setDaemon(true);
		this.thread = accepting;
		accepting.start();
		logger.info("Sockeye agent-check listening on " + this.server.getLocalSocketAddress());
	}

	private void serve() {
		ServerSocket socket = this.server;
		while (!socket.isClosed()) {
			try (Socket client = socket.accept()) {
				client.setSoLinger(true, 1);
				client.getOutputStream().write(reply().getBytes(StandardCharsets.US_ASCII));
			}
			catch (IOException ex) {
				if (!socket.isClosed() && logger.isDebugEnabled()) {
					logger.debug("Agent-check connection failed: " + ex);
				}
			}
		}
	}

	private String reply() {
		boolean refusing = this.availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC;
		return AgentReply.of(refusing, this.listeners.listeners().values());
	}

	/**
	 * @return the port the agent listens on
	 */
	int port() {
		return this.server.getLocalPort();
	}

	@Override
	public void stop() {
		ServerSocket socket = this.server;
		if (socket == null) {
			return;
		}
		this.server = null;
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closing
		}
		Thread accepting = this.thread;
		if (accepting != null) {
			try {
				accepting.join(1000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

	@Override
	public int getPhase() {
		// below the listeners' (DEFAULT_PHASE - 1024): starts before them, answering
		// down until they listen, and stops after them, answering drain while they drain
		return SmartLifecycle.DEFAULT_PHASE - 1536;
	}

}
