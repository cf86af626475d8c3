package dev.sockeye.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Function;

import dev.sockeye.framing.FrameCodec;
import dev.sockeye.framing.FrameDeserializer;
import dev.sockeye.framing.FrameSerializer;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.integration.ip.tcp.connection.TcpNetClientConnectionFactory;

/**
 * Spring Integration client connection factories with Sockeye's framing, for the
 * {@code client} command and the {@code relay} service.
 */
public final class ClientConnections {

	/**
	 * Header of a request whose connection starts with a PROXY protocol header naming
	 * this client ({@code InetSocketAddress}): written before the request when it is the
	 * connection's first.
	 */
	public static final String PROXY_SOURCE = "sockeye_proxySource";

	/** Header with the PROXY protocol version (1 or 2) for {@link #PROXY_SOURCE}. */
	public static final String PROXY_VERSION = "sockeye_proxyVersion";

	private ClientConnections() {
	}

	/**
	 * @param host the server's host
	 * @param port the server's port
	 * @param codec frames requests and replies
	 * @param connectTimeout how long to wait for a connection (whole seconds, at least 1)
	 * @param readTimeout the socket read timeout
	 * @param listener told when connections open and close
	 * @return a factory; the caller gives it a bean name and starts it
	 */
	public static TcpNetClientConnectionFactory create(String host, int port, FrameCodec codec, Duration connectTimeout,
			Duration readTimeout, ClientConnectionListener listener) {
		return create(host, port, codec, connectTimeout, readTimeout, listener, null);
	}

	/**
	 * Like
	 * {@link #create(String, int, FrameCodec, Duration, Duration, ClientConnectionListener)},
	 * with bytes written first on every new connection, such as a PROXY protocol header
	 * (on plain sockets: a TLS socket would encrypt them).
	 * @param preamble the bytes for a connected socket, or null for none
	 * @return a factory; the caller gives it a bean name and starts it
	 */
	public static TcpNetClientConnectionFactory create(String host, int port, FrameCodec codec, Duration connectTimeout,
			Duration readTimeout, ClientConnectionListener listener, Function<Socket, byte[]> preamble) {
		TcpNetClientConnectionFactory factory = new TcpNetClientConnectionFactory(host, port);
		factory.setTcpNetConnectionSupport((socket, server, lookupHost, publisher, name) -> {
			if (preamble != null) {
				try {
					socket.getOutputStream().write(preamble.apply(socket));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
			return new FramedClientConnection(socket, publisher, name, codec, listener);
		});
		factory.setSerializer(new FrameSerializer(codec));
		factory.setDeserializer(new FrameDeserializer(codec));
		factory.setConnectTimeout((int) Math.max(1, (connectTimeout.toMillis() + 999) / 1000));
		factory.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
		factory.setTaskExecutor(readers(host + ":" + port));
		factory.setLookupHost(false);
		factory.setSoTcpNoDelay(true);
		return factory;
	}

	/**
	 * @param name the server, as host:port
	 * @return threads that open connections to it (a thread per task), so that a connect
	 * never holds up a listener's I/O thread
	 */
	public static Executor connectors(String name) {
		return threads("sockeye-connect-" + name + "-");
	}

	private static Executor readers(String name) {
		return threads("sockeye-upstream-" + name + "-");
	}

	private static Executor threads(String prefix) {
		if (Runtime.version().feature() >= 21) {
			return new VirtualThreadTaskExecutor(prefix);
		}
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor(prefix);
		executor.setDaemon(true);
		return executor;
	}

}
