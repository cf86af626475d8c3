package dev.sockeye.client;

/**
 * Told when a client connection opens and closes, for a gauge of open connections.
 */
public interface ClientConnectionListener {

	/** Does nothing. */
	ClientConnectionListener NONE = new ClientConnectionListener() {
	};

	default void opened() {
	}

	default void closed() {
	}

}
