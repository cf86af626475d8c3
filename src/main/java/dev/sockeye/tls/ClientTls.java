package dev.sockeye.tls;

import java.net.Socket;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.integration.ip.tcp.connection.TcpNetClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpSocketFactorySupport;
import org.springframework.integration.ip.tcp.connection.TcpSocketSupport;

/**
 * The client side of TLS, for the {@code client} and {@code bench} commands and the
 * relay's upstreams: sockets or engines from an SSL bundle's current material (its trust
 * material verifies the server, its key, if any, is presented for mutual TLS), with the
 * server's host name checked against its certificate.
 */
public final class ClientTls {

	private volatile TlsMaterial material;

	private ClientTls(TlsMaterial material) {
		this.material = material;
	}

	/**
	 * @param bundle an SSL bundle
	 * @return TLS from that bundle, fixed
	 */
	public static ClientTls of(SslBundle bundle) {
		return new ClientTls(TlsMaterial.of(bundle));
	}

	/**
	 * @param bundles the application's SSL bundles
	 * @param bundle the name of one
	 * @return TLS from that bundle, following its updates
	 */
	public static ClientTls of(SslBundles bundles, String bundle) {
		ClientTls tls = of(bundles.getBundle(bundle));
		bundles.addBundleUpdateHandler(bundle, (updated) -> tls.material = TlsMaterial.of(updated));
		return tls;
	}

	/**
	 * A bundle from PEM files, as {@code spring.ssl.bundle.pem.<name>} would make it: for
	 * command-line options.
	 * @param trustedCertificates PEM certificates that verify the server; the JDK's
	 * trusted authorities when null
	 * @param certificate the client's PEM certificate chain for mutual TLS, or null
	 * @param privateKey the client's PEM private key, or null
	 * @return TLS from those files
	 */
	public static ClientTls fromPem(String trustedCertificates, String certificate, String privateKey) {
		if (trustedCertificates == null && certificate == null) {
			return of(SslBundle.systemDefault());
		}
		PemSslStoreDetails keys = (certificate != null) ? new PemSslStoreDetails(null, certificate, privateKey) : null;
		PemSslStoreDetails trust = (trustedCertificates != null)
				? PemSslStoreDetails.forCertificates(trustedCertificates) : null;
		return of(SslBundle.of(new PemSslStoreBundle(keys, trust)));
	}

	/**
	 * Makes a Spring Integration client connection factory connect with TLS.
	 * @param factory the factory, not yet started
	 */
	public void apply(TcpNetClientConnectionFactory factory) {
		factory.setTcpSocketFactorySupport(new TcpSocketFactorySupport() {

			@Override
			public ServerSocketFactory getServerSocketFactory() {
				throw new UnsupportedOperationException("client TLS only");
			}

			@Override
			public SocketFactory getSocketFactory() {
				return ClientTls.this.material.context().getSocketFactory();
			}

		});
		factory.setTcpSocketSupport(new TcpSocketSupport() {

			@Override
			public void postProcessServerSocket(java.net.ServerSocket serverSocket) {
			}

			@Override
			public void postProcessSocket(Socket socket) {
				if (socket instanceof SSLSocket tls) {
					tls.setSSLParameters(parameters(tls.getSSLParameters()));
					try {
						// here, on the connecting thread and within the read timeout, so
						// that a failure is this
						// connection's failure; left to the first read or write, Spring
						// Integration's reader thread
						// and the sender would race to report it
						tls.startHandshake();
					}
					catch (java.io.IOException ex) {
						throw new java.io.UncheckedIOException(ex);
					}
				}
			}

		});
	}

	/**
	 * @param host the server's host name, checked against its certificate
	 * @param port the server's port
	 * @return a client-mode engine, its handshake begun
	 * @throws javax.net.ssl.SSLException when the handshake cannot begin
	 */
	public SSLEngine newEngine(String host, int port) throws javax.net.ssl.SSLException {
		SSLEngine engine = this.material.context().createSSLEngine(host, port);
		engine.setUseClientMode(true);
		engine.setSSLParameters(parameters(engine.getSSLParameters()));
		engine.beginHandshake();
		return engine;
	}

	private SSLParameters parameters(SSLParameters parameters) {
		this.material.configure(parameters);
		parameters.setEndpointIdentificationAlgorithm("HTTPS");
		return parameters;
	}

}
