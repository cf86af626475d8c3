package dev.sockeye.service;

import java.io.Serial;
import java.util.Map;

import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;

/**
 * Message headers without an id or a timestamp, built once and shared by every message
 * that carries them. A {@link GenericMessage} keeps {@link MessageHeaders} as they are,
 * where it would copy any other map and add a fresh id and timestamp. Spring
 * Integration's gateway still gives each request its own id when it copies it for the
 * flow; a one-way listener's messages reach its service without one.
 */
public final class FixedHeaders extends MessageHeaders {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * No headers at all: what a service's reply carries (the gateway adds what it needs).
	 */
	public static final FixedHeaders NONE = new FixedHeaders(Map.of());

	/**
	 * @param headers the headers, copied once
	 */
	public FixedHeaders(Map<String, Object> headers) {
		super(headers, ID_VALUE_NONE, -1L);
	}

}
