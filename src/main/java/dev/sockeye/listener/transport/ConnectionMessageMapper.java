package dev.sockeye.listener.transport;

import java.util.HashMap;
import java.util.Map;

import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpMessageMapper;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;

/**
 * Builds each inbound message around headers computed once per connection and shared by
 * all its messages: the connection id (which the gateway needs to route the reply) and
 * the client's address and port (which services get as their {@code Peer}). Spring
 * Integration's mapper builds three header maps per message and asks the socket for its
 * local address each time; then its gateway copies every header twice more per request.
 */
final class ConnectionMessageMapper extends TcpMessageMapper {

	@Override
	public Message<?> toMessage(TcpConnection connection, Map<String, Object> headers) {
		Object payload = connection.getPayload();
		if (payload == null) {
			return null;
		}
		MessageHeaders connectionHeaders = (connection instanceof FramedConnection framed) ? framed.messageHeaders()
				: ConnectionCore.headersOf(connection);
		if (headers == null || headers.isEmpty()) {
			return new GenericMessage<>(payload, connectionHeaders);
		}
		Map<String, Object> merged = new HashMap<>(headers);
		merged.putAll(connectionHeaders);
		return new GenericMessage<>(payload, merged);
	}

}
