package dev.sockeye.listener.transport;

import dev.sockeye.service.ServiceHandler;

import org.springframework.integration.ip.tcp.inbound.TcpInboundGateway;
import org.springframework.messaging.Message;

/**
 * A request-reply listener's inbound gateway: Spring Integration's, except that each
 * request goes straight to the flow's one handler on the reading thread. The default
 * sends it through the flow's channel with a temporary reply channel, which per request
 * copies every header twice, makes two message ids, records three timers and waits on a
 * latch, for a reply that the same thread produces anyway. Looking up the connection,
 * sending the reply and closing single-use connections stay the gateway's.
 */
final class ServiceGateway extends TcpInboundGateway {

	private final ServiceHandler handler;

	ServiceGateway(ServiceHandler handler) {
		this.handler = handler;
	}

	@Override
	protected Message<?> sendAndReceiveMessage(Object request) {
		return this.handler.answer((Message<?>) request);
	}

}
