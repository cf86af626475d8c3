package dev.sockeye.listener;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import org.springframework.integration.ip.tcp.connection.TcpNetServerConnectionFactory;

/**
 * A blocking server connection factory whose server socket asks {@link Admission} about each accepted socket: a
 * refused socket is closed inside {@code accept()}, so Spring Integration never sees it.
 */
final class AdmittingNetServerConnectionFactory extends TcpNetServerConnectionFactory {

	private final Admission admission;

	AdmittingNetServerConnectionFactory(int port, FramedConnectionSupport connections, Admission admission) {
		super(port);
		this.admission = admission;
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

	@Override
	protected ServerSocket createServerSocket(int port, int backlog, InetAddress whichNic) throws IOException {
		ServerSocket server = new AdmittingServerSocket(this.admission);
		server.setReuseAddress(true);
		server.bind(new InetSocketAddress(whichNic, port), backlog);
		return server;
	}

	private static final class AdmittingServerSocket extends ServerSocket {

		private final Admission admission;

		AdmittingServerSocket(Admission admission) throws IOException {
			this.admission = admission;
		}

		@Override
		public Socket accept() throws IOException {
			while (true) {
				Socket socket = super.accept();
				if (this.admission.admit(socket.getInetAddress())) {
					return socket;
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
