package dev.sockeye.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * TLS test clients from the PEM files in {@code src/test/resources/tls} (see its
 * {@code generate.sh}): a client that trusts the test CA, with or without a client
 * certificate.
 */
public final class TlsClients {

	/** The test CA, which signed the servers' and the trusted client's certificates. */
	public static final String CA = "classpath:tls/ca.crt";

	private TlsClients() {
	}

	/**
	 * @param certificate the client's certificate ("client" or "rogue-client"), or null
	 * for none
	 * @return a context that trusts the test CA and presents that certificate
	 */
	public static SSLContext context(String certificate) {
		PemSslStoreDetails keys = (certificate != null) ? new PemSslStoreDetails(null,
				"classpath:tls/" + certificate + ".crt", "classpath:tls/" + certificate + ".key") : null;
		return SslBundle.of(new PemSslStoreBundle(keys, PemSslStoreDetails.forCertificates(CA))).createSslContext();
	}

	/**
	 * Connects to {@code localhost:port} and completes the handshake, checking the
	 * server's name.
	 * @throws UncheckedIOException when the connection or the handshake fails
	 */
	public static TcpClient connect(int port, SSLContext context) {
		return connect(port, context, null);
	}

	/**
	 * @return the subject of the certificate the server at {@code localhost:port}
	 * presents now
	 */
	public static String serverSubject(int port) {
		try (SSLSocket socket = (SSLSocket) context(null).getSocketFactory().createSocket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			socket.startHandshake();
			return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
				.getSubjectX500Principal()
				.getName();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * As {@link #connect(int, SSLContext)}, offering only {@code protocols} when given.
	 */
	public static TcpClient connect(int port, SSLContext context, String[] protocols) {
		try {
			Socket plain = new Socket();
			plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
			SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", port, true);
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			if (protocols != null) {
				parameters.setProtocols(protocols);
			}
			socket.setSSLParameters(parameters);
			TcpClient client = TcpClient.over(socket);
			socket.startHandshake();
			return client;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
