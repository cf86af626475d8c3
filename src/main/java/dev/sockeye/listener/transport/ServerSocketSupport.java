package dev.sockeye.listener.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;

import org.springframework.integration.ip.tcp.connection.DefaultTcpSocketSupport;

/**
 * Socket options of a listener's sockets. Host name checks are off (Spring Integration's
 * default asks TLS sockets for them, which servers cannot do); a listener with several
 * event loops binds each one's server socket with {@code SO_REUSEPORT}, so that the
 * kernel spreads new connections across them.
 */
final class ServerSocketSupport extends DefaultTcpSocketSupport {

	private static final boolean REUSE_PORT_AVAILABLE = probeReusePort();

	private final boolean reusePort;

	ServerSocketSupport(boolean reusePort) {
		super(false);
		this.reusePort = reusePort;
	}

	/**
	 * @return whether this platform lets several sockets share a port with
	 * {@code SO_REUSEPORT} (Linux and macOS do, Windows does not)
	 */
	static boolean reusePortAvailable() {
		return REUSE_PORT_AVAILABLE;
	}

	private static boolean probeReusePort() {
		try (ServerSocket socket = new ServerSocket()) {
			return socket.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void postProcessServerSocket(ServerSocket serverSocket) {
		super.postProcessServerSocket(serverSocket);
		if (this.reusePort) {
			try {
				serverSocket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not share the port with SO_REUSEPORT", ex);
			}
		}
	}

}
