package dev.sockeye.listener.config;

/**
 * A listener could not bind its port.
 */
public class ListenerBindException extends RuntimeException {

	private final String listener;

	private final String address;

	private final int port;

	public ListenerBindException(String listener, String address, int port, Throwable cause) {
		super("Sockeye listener '" + listener + "' could not bind " + address + ":" + port + ": " + cause.getMessage(),
				cause);
		this.listener = listener;
		this.address = address;
		this.port = port;
	}

	/**
	 * @return the listener's name
	 */
	public String listener() {
		return this.listener;
	}

	/**
	 * @return the address it tried to bind, {@code 0.0.0.0} for all
	 */
	public String address() {
		return this.address;
	}

	/**
	 * @return the port it tried to bind
	 */
	public int port() {
		return this.port;
	}

}
