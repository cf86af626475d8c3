package dev.sockeye.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ssl.SslBundles;

/**
 * The server side of a TLS listener: a server-mode engine or socket for each accepted
 * connection, from the current version of the listener's SSL bundle. When the bundle
 * reloads (a PEM or JKS bundle with {@code reload-on-update}), new connections get the
 * new certificate; open connections keep theirs.
 */
public final class ServerTls {

	private static final Log logger = LogFactory.getLog(ServerTls.class);

	private final String bundle;

	private final ClientAuth clientAuth;

	private volatile TlsMaterial material;

	private ServerTls(String bundle, ClientAuth clientAuth, TlsMaterial material) {
		this.bundle = bundle;
		this.clientAuth = clientAuth;
		this.material = material;
	}

	/**
	 * @param listener the listener's name, for log lines
	 * @param bundles the application's SSL bundles
	 * @param bundle the name of the listener's bundle
	 * @param clientAuth whether clients are asked for a certificate
	 * @return the listener's TLS, following the bundle's updates
	 * @throws org.springframework.boot.ssl.NoSuchSslBundleException when there is no such
	 * bundle
	 */
	public static ServerTls of(String listener, SslBundles bundles, String bundle, ClientAuth clientAuth) {
		ServerTls tls = new ServerTls(bundle, clientAuth, TlsMaterial.of(bundles.getBundle(bundle)));
		bundles.addBundleUpdateHandler(bundle, (updated) -> {
			tls.material = TlsMaterial.of(updated);
			logger.info("Listener '" + listener + "': SSL bundle '" + bundle
					+ "' reloaded; new connections use its new material");
		});
		return tls;
	}

	/**
	 * @return the name of the SSL bundle
	 */
	public String bundle() {
		return this.bundle;
	}

	/**
	 * @param peerHost the client's address
	 * @param peerPort the client's port
	 * @return a server-mode engine whose handshake has begun (it waits for the client's
	 * hello)
	 * @throws IOException when the handshake cannot begin
	 */
	public SSLEngine newEngine(String peerHost, int peerPort) throws IOException {
		TlsMaterial current = this.material;
		SSLEngine engine = current.context().createSSLEngine(peerHost, peerPort);
		engine.setUseClientMode(false);
		engine.setSSLParameters(parameters(current, engine.getSSLParameters()));
		engine.beginHandshake();
		return engine;
	}

	/**
	 * Layers TLS over an accepted socket; the handshake happens on the socket's first
	 * read.
	 * @param accepted the accepted plain socket
	 * @return a server-mode TLS socket that closes {@code accepted} when closed
	 * @throws IOException when the socket cannot be layered
	 */
	public SSLSocket layer(Socket accepted) throws IOException {
		return layer(accepted, null);
	}

	/**
	 * Layers TLS over an accepted socket whose first bytes were read already (after a
	 * PROXY protocol header).
	 * @param accepted the accepted plain socket
	 * @param consumed the bytes read from it that belong to TLS, or {@code null}
	 * @return a server-mode TLS socket that closes {@code accepted} when closed
	 * @throws IOException when the socket cannot be layered
	 */
	public SSLSocket layer(Socket accepted, InputStream consumed) throws IOException {
		TlsMaterial current = this.material;
		SSLSocket socket = (SSLSocket) current.context().getSocketFactory().createSocket(accepted, consumed, true);
		socket.setUseClientMode(false);
		socket.setSSLParameters(parameters(current, socket.getSSLParameters()));
		return socket;
	}

	private SSLParameters parameters(TlsMaterial current, SSLParameters parameters) {
		current.configure(parameters);
		switch (this.clientAuth) {
			case NEED -> parameters.setNeedClientAuth(true);
			case WANT -> parameters.setWantClientAuth(true);
			case NONE -> {
				parameters.setNeedClientAuth(false);
				parameters.setWantClientAuth(false);
			}
		}
		return parameters;
	}

}
