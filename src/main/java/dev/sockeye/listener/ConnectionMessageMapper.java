package dev.sockeye.listener;

import java.util.HashMap;
import java.util.Map;

import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.tcp.connection.SocketInfo;
import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpMessageMapper;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;

/**
 * Builds each inbound message with the standard {@link IpHeaders} in one step, from headers computed once per
 * connection. Spring Integration's mapper builds three header maps per message and asks the socket for its local
 * address each time.
 */
final class ConnectionMessageMapper extends TcpMessageMapper {

	@Override
	public Message<?> toMessage(TcpConnection connection, Map<String, Object> headers) {
		Object payload = connection.getPayload();
		if (payload == null) {
			return null;
		}
		Map<String, Object> connectionHeaders = (connection instanceof FramedConnection framed)
				? framed.messageHeaders() : headersOf(connection);
		if (headers == null || headers.isEmpty()) {
			return new GenericMessage<>(payload, connectionHeaders);
		}
		Map<String, Object> merged = new HashMap<>(headers);
		merged.putAll(connectionHeaders);
		return new GenericMessage<>(payload, merged);
	}

	/**
	 * @param connection a connection
	 * @return the standard headers of messages from it (host name, IP address, remote port, connection id and local
	 * address)
	 */
	static Map<String, Object> headersOf(TcpConnection connection) {
		Map<String, Object> headers = new HashMap<>(8);
		headers.put(IpHeaders.HOSTNAME, connection.getHostName());
		headers.put(IpHeaders.IP_ADDRESS, connection.getHostAddress());
		headers.put(IpHeaders.REMOTE_PORT, connection.getPort());
		headers.put(IpHeaders.CONNECTION_ID, connection.getConnectionId());
		SocketInfo socketInfo = connection.getSocketInfo();
		if (socketInfo != null) {
			headers.put(IpHeaders.LOCAL_ADDRESS, socketInfo.getLocalAddress());
		}
		return Map.copyOf(headers);
	}

}
