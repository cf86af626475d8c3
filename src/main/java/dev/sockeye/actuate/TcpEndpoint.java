package dev.sockeye.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.sockeye.listener.ConnectionInfo;
import dev.sockeye.listener.Listener;
import dev.sockeye.listener.Listeners;
import dev.sockeye.listener.config.ListenerProperties;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * {@code /actuator/tcp}: the listeners and their connections. {@code GET /actuator/tcp}
 * lists the listeners, {@code GET /actuator/tcp/{listener}} lists a listener's open
 * connections, and {@code DELETE /actuator/tcp/{listener}/{connectionId}} closes one
 * (counted with close reason {@code admin}). Read-only unless
 * {@code management.endpoint.tcp.access=unrestricted}: closing connections is not for
 * anyone who reaches the management port.
 */
@WebEndpoint(id = "tcp", defaultAccess = Access.READ_ONLY)
public class TcpEndpoint {

	private static final int DEFAULT_PAGE_SIZE = 100;

	private static final int MAX_PAGE_SIZE = 1000;

	private final Listeners listeners;

	TcpEndpoint(Listeners listeners) {
		this.listeners = listeners;
	}

	@ReadOperation
	public ListenersDescriptor listeners() {
		return new ListenersDescriptor(
				this.listeners.listeners().values().stream().map(TcpEndpoint::describe).toList());
	}

	/**
	 * A listener's open connections, all of them or one page.
	 * @param listener the listener's name
	 * @param sort the order: opened (the default, oldest first), client, idle (longest
	 * idle first), received, sent, messages (most first)
	 * @param page the page, from 0; every connection when unset
	 * @param size connections per page (1 to 1,000; 100 when unset)
	 * @return the connections, with how many there are in all
	 */
	@ReadOperation
	public WebEndpointResponse<ConnectionsDescriptor> connections(@Selector String listener, @Nullable String sort,
			@Nullable Integer page, @Nullable Integer size) {
		Listener found = this.listeners.listeners().get(listener);
		Comparator<ConnectionInfo> order = ConnectionOrder.of(sort);
		if (found == null || order == null || (page != null && page < 0)
				|| (size != null && (size < 1 || size > MAX_PAGE_SIZE))) {
			return new WebEndpointResponse<>(
					(found == null) ? WebEndpointResponse.STATUS_NOT_FOUND : WebEndpointResponse.STATUS_BAD_REQUEST);
		}
		List<ConnectionInfo> all = new ArrayList<>(found.connections());
		all.sort(order);
		List<ConnectionInfo> shown = all;
		if (page != null) {
			int pageSize = (size != null) ? size : DEFAULT_PAGE_SIZE;
			int from = (int) Math.min((long) page * pageSize, all.size());
			shown = all.subList(from, Math.min(from + pageSize, all.size()));
		}
		return new WebEndpointResponse<>(
				new ConnectionsDescriptor(listener, all.size(), shown.stream().map(ConnectionDescriptor::of).toList()));
	}

	@DeleteOperation
	public WebEndpointResponse<Map<String, String>> close(@Selector String listener, @Selector String connectionId) {
		Listener found = this.listeners.listeners().get(listener);
		if (found == null || !found.closeConnection(connectionId)) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return new WebEndpointResponse<>(Map.of("listener", listener, "closed", connectionId));
	}

	private static ListenerDescriptor describe(Listener listener) {
		ListenerProperties properties = listener.properties();
		return new ListenerDescriptor(listener.name(), shownPort(listener), lower(properties.io()),
				properties.framing().configName(), properties.service(), lower(properties.mode()),
				lower(listener.state()), listener.activeConnections(), listener.failure());
	}

	/**
	 * @return the port operators see: the bound one, the configured one when not
	 * listening
	 */
	static int shownPort(Listener listener) {
		return listener.isListening() ? listener.port() : listener.properties().port();
	}

	/**
	 * @return an enum as configuration and the actuator spell it: {@code request-reply}
	 */
	static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * @param listeners every configured listener
	 */
	public record ListenersDescriptor(List<ListenerDescriptor> listeners) {
	}

	/**
	 * One listener.
	 *
	 * @param name its name
	 * @param port the bound port (the configured one when not listening)
	 * @param io nio or blocking
	 * @param framing its framing
	 * @param service its service
	 * @param mode request-reply or one-way
	 * @param state starting, listening, failed or stopped
	 * @param activeConnections open connections
	 * @param error why it failed, if it did
	 */
	public record ListenerDescriptor(String name, int port, String io, String framing, String service, String mode,
			String state, int activeConnections, String error) {
	}

	/**
	 * @param listener the listener's name
	 * @param total how many connections are open
	 * @param connections its open connections (one page of them when a page was asked
	 * for)
	 */
	public record ConnectionsDescriptor(String listener, int total, List<ConnectionDescriptor> connections) {
	}

	/**
	 * One open connection.
	 *
	 * @param id its id, as in log lines; use it to close the connection
	 * @param remoteAddress the client's address
	 * @param remotePort the client's port
	 * @param openedAt when it was accepted
	 * @param bytesReceived bytes read, framing included
	 * @param bytesSent bytes written, framing included
	 * @param messagesReceived messages received
	 * @param messagesSent messages sent
	 * @param lastActivity when a byte last moved either way
	 */
	public record ConnectionDescriptor(String id, String remoteAddress, int remotePort, Instant openedAt,
			long bytesReceived, long bytesSent, long messagesReceived, long messagesSent, Instant lastActivity) {

		static ConnectionDescriptor of(ConnectionInfo info) {
			return new ConnectionDescriptor(info.id(), info.remoteAddress(), info.remotePort(), info.openedAt(),
					info.bytesReceived(), info.bytesSent(), info.messagesReceived(), info.messagesSent(),
					info.lastActivity());
		}

	}

}
