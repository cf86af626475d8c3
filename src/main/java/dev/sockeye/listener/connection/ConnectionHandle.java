package dev.sockeye.listener.connection;

/**
 * What the connection policies need of a transport's connection: who it is, whether it is
 * open, and two ways to close it. The method names are those of Spring Integration's
 * {@code TcpConnection}, so its subclasses implement them as they are.
 */
public interface ConnectionHandle {

	/**
	 * @return the connection id, as in log lines
	 */
	String getConnectionId();

	/**
	 * @return the client's IP address
	 */
	String getHostAddress();

	/**
	 * @return the client's port
	 */
	int getPort();

	/**
	 * @return whether it is still open
	 */
	boolean isOpen();

	/** Closes it, letting the kernel finish sending what was written. */
	void close();

	/**
	 * Closes with a reset (SO_LINGER 0): replies the client never read are dropped at
	 * once instead of holding kernel memory and the socket until the kernel gives up on
	 * them.
	 */
	void abort();

}
