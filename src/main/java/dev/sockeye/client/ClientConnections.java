package dev.sockeye.client;

import java.time.Duration;
import java.util.concurrent.Executor;

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
		TcpNetClientConnectionFactory factory = new TcpNetClientConnectionFactory(host, port);
		factory.setTcpNetConnectionSupport((socket, server, lookupHost, publisher,
				name) -> new FramedClientConnection(socket, publisher, name, codec, listener));
		factory.setSerializer(new FrameSerializer(codec));
		factory.setDeserializer(new FrameDeserializer(codec));
		factory.setConnectTimeout((int) Math.max(1, (connectTimeout.toMillis() + 999) / 1000));
		factory.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
		factory.setTaskExecutor(readers(host + ":" + port));
		factory.setLookupHost(false);
		factory.setSoTcpNoDelay(true);
		return factory;
	}

	private static Executor readers(String name) {
		if (Runtime.version().feature() >= 21) {
			return new VirtualThreadTaskExecutor("sockeye-upstream-" + name + "-");
		}
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("sockeye-upstream-" + name + "-");
		executor.setDaemon(true);
		return executor;
	}

}
