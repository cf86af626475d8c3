package dev.sockeye.listener.transport;

import java.nio.charset.StandardCharsets;

import org.springframework.messaging.Message;

/** The bytes of an outgoing message. */
final class Replies {

	private Replies() {
	}

	static byte[] bytes(Message<?> message) {
		Object payload = message.getPayload();
		if (payload instanceof byte[] bytes) {
			return bytes;
		}
		if (payload instanceof String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		throw new IllegalArgumentException("Cannot send a payload of type " + payload.getClass().getName());
	}

}
