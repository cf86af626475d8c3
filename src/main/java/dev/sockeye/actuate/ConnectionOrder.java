package dev.sockeye.actuate;

import java.util.Comparator;
import java.util.Locale;

import dev.sockeye.listener.ConnectionInfo;
import org.jspecify.annotations.Nullable;

/**
 * The orders in which {@code GET /actuator/tcp/{listener}?sort=} lists connections; ties
 * are broken by connection id, so that pages do not overlap.
 */
enum ConnectionOrder {

	OPENED(Comparator.comparing(ConnectionInfo::openedAt)),

	CLIENT(Comparator.comparing(ConnectionInfo::remoteAddress, Comparator.nullsFirst(Comparator.naturalOrder()))
		.thenComparingInt(ConnectionInfo::remotePort)),

	IDLE(Comparator.comparing(ConnectionInfo::lastActivity)),

	RECEIVED(Comparator.comparingLong(ConnectionInfo::bytesReceived).reversed()),

	SENT(Comparator.comparingLong(ConnectionInfo::bytesSent).reversed()),

	MESSAGES(Comparator.comparingLong((ConnectionInfo info) -> info.messagesReceived() + info.messagesSent())
		.reversed());

	private final Comparator<ConnectionInfo> comparator;

	ConnectionOrder(Comparator<ConnectionInfo> comparator) {
		this.comparator = comparator.thenComparing(ConnectionInfo::id);
	}

	/**
	 * @param name an order's name, or null for the default (oldest first)
	 * @return its comparator, or null when there is no such order
	 */
	static @Nullable Comparator<ConnectionInfo> of(@Nullable String name) {
		if (name == null || name.isEmpty()) {
			return OPENED.comparator;
		}
		for (ConnectionOrder order : values()) {
			if (order.name().equals(name.toUpperCase(Locale.ROOT))) {
				return order.comparator;
			}
		}
		return null;
	}

}
