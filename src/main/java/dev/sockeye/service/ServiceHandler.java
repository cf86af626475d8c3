package dev.sockeye.service;

import java.util.function.Consumer;

import dev.sockeye.metrics.ListenerMetrics;

import org.springframework.integration.handler.AbstractReplyProducingMessageHandler;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;

/**
 * The end of a listener's flow: calls the listener's {@link SockeyeService} with the
 * message and the peer. A service that throws does not break the connection: the failure
 * is logged once with the connection id and the client gets the listener's error reply.
 */
public final class ServiceHandler extends AbstractReplyProducingMessageHandler {

	private final SockeyeService service;

	private final ServiceCalls calls;

	private final Consumer<String> closeConnection;

	/**
	 * @param listener the listener's name
	 * @param serviceName the service's name, for log lines
	 * @param service the service
	 * @param errorReply what the client gets when the service fails
	 * @param replies whether the flow sends replies (request-reply) or not (one-way)
	 * @param metrics the listener's meters, for service time and failures
	 * @param closeConnection closes a connection by id, for services that ask for it
	 */
	public ServiceHandler(String listener, String serviceName, SockeyeService service, String errorReply,
			boolean replies, ListenerMetrics metrics, Consumer<String> closeConnection) {
		this.service = service;
		this.calls = new ServiceCalls(listener, serviceName, errorReply, replies, metrics);
		this.closeConnection = closeConnection;
		setRequiresReply(false);
		// a reply carries its payload only: copying the request's headers into every
		// reply is wasted work
		setNotPropagatedHeaders("*");
	}

	@Override
	protected Object handleRequestMessage(Message<?> message) {
		return answer(message);
	}

	/**
	 * Calls the service on the calling thread, for a gateway that hands requests over
	 * directly rather than through the flow's channel.
	 * @param message the request
	 * @return the reply, or {@code null} for none
	 */
	public Message<?> answer(Message<?> message) {
		MessageHeaders headers = message.getHeaders();
		Peer peer = new Peer(this.calls.listener(), (String) headers.get(IpHeaders.CONNECTION_ID),
				(String) headers.get(IpHeaders.IP_ADDRESS), remotePort(headers));
		byte[] reply;
		long start = System.nanoTime();
		try {
			reply = this.calls.succeeded(this.service.handle((byte[]) message.getPayload(), peer),
					System.nanoTime() - start);
		}
		catch (Exception ex) {
			if (this.calls.failed(ex, peer.connectionId(), System.nanoTime() - start)) {
				this.closeConnection.accept(peer.connectionId());
				return null;
			}
			reply = this.calls.errorReply();
		}
		if (reply == null) {
			return null;
		}
		// a message as the reply: Spring Integration sends it as it is, with no builder
		// and no header copy
		return new GenericMessage<>(reply, FixedHeaders.NONE);
	}

	private static int remotePort(MessageHeaders headers) {
		Object port = headers.get(IpHeaders.REMOTE_PORT);
		return (port instanceof Integer value) ? value : -1;
	}

}
