package dev.sockeye.listener.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import dev.sockeye.tls.ServerTls;
import dev.sockeye.listener.connection.Admission;

import org.springframework.integration.ip.tcp.connection.TcpConnectionSupport;
import org.springframework.integration.ip.tcp.connection.TcpNetServerConnectionFactory;

/**
 * A blocking server connection factory whose server socket asks {@link Admission} about
 * each accepted socket: a refused socket is closed inside {@code accept()}, so Spring
 * Integration never sees it. On a TLS listener an admitted socket is layered with TLS
 * there, from the bundle's current material; its handshake runs on the connection's
 * thread.
 */
final class AdmittingNetServerConnectionFactory extends TcpNetServerConnectionFactory {

	private final Admission admission;

	private final ServerTls tls;

	private final FramedConnectionSupport connections;

	AdmittingNetServerConnectionFactory(int port, FramedConnectionSupport connections, Admission admission,
			ServerTls tls) {
		super(port);
		this.connections = connections;
		this.admission = admission;
		this.tls = tls;
		setTcpNetConnectionSupport(connections);
	}

	/** Stops accepting: closes the server socket, keeping every open connection. */
	void stopAccepting() {
		setListening(false);
		ServerSocket server = getServerSocket();
		if (server != null) {
			try {
				server.close();
			}
			catch (IOException ex) {
				// closing
			}
		}
	}

	/**
	 * Drops the connections closed since the last accept from Spring Integration's
	 * connection map, one by one, instead of its walk of every connection after each
	 * accept (see {@link FramedConnectionSupport#forgetClosed}).
	 */
	@Override
	protected void harvestClosedConnections() {
		this.connections.forgetClosed((closed) -> closeConnection(closed.getConnectionId()));
	}

	/**
	 * Drops at once a connection that closed before Spring Integration knew of it: its
	 * turn to be dropped is past.
	 */
	@Override
	protected void addConnection(TcpConnectionSupport connection) {
		super.addConnection(connection);
		if (!connection.isOpen()) {
			closeConnection(connection.getConnectionId());
		}
	}

	@Override
	protected ServerSocket createServerSocket(int port, int backlog, InetAddress whichNic) throws IOException {
		ServerSocket server = new AdmittingServerSocket(this.admission, this.tls);
		server.setReuseAddress(true);
		server.bind(new InetSocketAddress(whichNic, port), backlog);
		return server;
	}

	private static final class AdmittingServerSocket extends ServerSocket {

		private final Admission admission;

		private final ServerTls tls;

		AdmittingServerSocket(Admission admission, ServerTls tls) throws IOException {
			this.admission = admission;
			this.tls = tls;
		}

		@Override
		public Socket accept() throws IOException {
			while (true) {
				Socket socket = super.accept();
				if (this.admission.admit(socket.getInetAddress())) {
					if (this.tls == null) {
						return socket;
					}
					try {
						return this.tls.layer(socket);
					}
					catch (IOException ex) {
						this.admission.release(socket.getInetAddress().getHostAddress());
					}
				}
				try {
					socket.close();
				}
				catch (IOException ex) {
					// closing a refused socket
				}
			}
		}

	}

}
