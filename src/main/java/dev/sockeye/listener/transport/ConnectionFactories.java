package dev.sockeye.listener.transport;

import java.util.concurrent.Executor;

import dev.sockeye.framing.FrameCodec;
import dev.sockeye.framing.FrameDeserializer;
import dev.sockeye.framing.FrameSerializer;
import dev.sockeye.listener.config.ListenerProperties.Io;
import dev.sockeye.service.AsyncServiceHandler;
import dev.sockeye.service.AsyncSockeyeService;
import dev.sockeye.service.SockeyeService;
import dev.sockeye.tls.ServerTls;
import dev.sockeye.framing.FramingException;
import dev.sockeye.listener.config.ListenerProperties;
import dev.sockeye.listener.connection.Admission;
import dev.sockeye.listener.connection.ConnectionErrors;
import dev.sockeye.listener.connection.ListenerConnections;

import org.springframework.integration.ip.tcp.connection.AbstractServerConnectionFactory;
import org.springframework.integration.ip.tcp.connection.DefaultTcpSocketSupport;
import org.springframework.integration.ip.tcp.connection.TcpNetServerConnectionFactory;

/**
 * Builds a listener's Spring Integration server connection factory with Sockeye's framed
 * connections, a real backlog, and threads chosen for its I/O model and service.
 */
final class ConnectionFactories {

	private ConnectionFactories() {
	}

	/**
	 * @return the text framed as a reply, or {@code null} for none (the validator has
	 * checked that it fits)
	 */
	private static byte[] framed(String property, String text, FrameCodec replyCodec) {
		if (text == null) {
			return null;
		}
		try {
			return replyCodec.frame(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		catch (dev.sockeye.framing.FramingException ex) {
			throw new IllegalStateException(property + " cannot be framed: " + ex.getMessage(), ex);
		}
	}

	static AbstractServerConnectionFactory create(String name, ListenerProperties properties, SockeyeService service,
			ListenerConnections connectionRegistry, Admission admission, WriteFlusher flusher, ServerTls tls) {
		int maxSize = (int) properties.maxMessageSize().toBytes();
		FrameCodec codec = properties.framing().codec(maxSize);
		FrameCodec replyCodec = properties.effectiveReplyFraming()
			.codec((int) properties.effectiveMaxReplySize().toBytes());
		String badInputReply = properties.badInputReply().isEmpty() ? null : properties.badInputReply();
		Greeting greeting = (properties.greeting() != null)
				? new Greeting(framed("greeting", properties.greeting(), replyCodec), properties.closeAfterGreeting())
				: null;
		FramedConnectionSupport connections = new FramedConnectionSupport(new ListenerWire(codec, replyCodec,
				new ConnectionErrors(name, connectionRegistry.metrics()), connectionRegistry, flusher,
				Math.max(256 * 1024, 4L * replyCodec.bufferLimit()),
				framed("bad-input-reply", badInputReply, replyCodec), greeting, tls, admission,
				properties.proxyProtocol(), asyncService(name, properties, service, connectionRegistry, codec)));
		int port = properties.port();
		AbstractServerConnectionFactory factory;
		if (properties.io() == Io.BLOCKING) {
			// behind a balancer, TLS starts after the PROXY protocol header, on the
			// connection's thread
			TcpNetServerConnectionFactory net = new AdmittingNetServerConnectionFactory(port, connections, admission,
					properties.proxied() ? null : tls);
			net.setTaskExecutor(Threads.perTask("sockeye-" + name + "-"));
			factory = net;
		}
		else {
			Executor workers = service.isBlocking()
					? Threads.workers("sockeye-" + name + "-worker-", properties.workers()) : null;
			factory = new AdmittingNioServerConnectionFactory(port, connections, admission,
					new ListenerExecutor("sockeye-" + name + "-io", workers));
		}
		factory.setBeanName("sockeye." + name + ".connectionFactory");
		factory.setBacklog(properties.backlog());
		if (properties.address() != null && !properties.address().isBlank()) {
			factory.setLocalAddress(properties.address());
		}
		factory.setLookupHost(false);
		// each reply is one write: Nagle's algorithm would only hold it back until the
		// client acknowledges the last one
		factory.setSoTcpNoDelay(true);
		// Spring Integration's default asks TLS sockets for host name checks, which
		// servers cannot do
		factory.setTcpSocketSupport(new DefaultTcpSocketSupport(false));
		factory.setSingleUse(properties.closeAfterReply() || codec.endsWithStream());
		factory.setMapper(new ConnectionMessageMapper());
		factory.setSerializer(new FrameSerializer(replyCodec));
		factory.setDeserializer(new FrameDeserializer(codec));
		return factory;
	}

	/**
	 * @return how an NIO listener calls its asynchronous service, or {@code null} when it
	 * has none
	 */
	private static ServicePipeline.Settings asyncService(String name, ListenerProperties properties,
			SockeyeService service, ListenerConnections connections, FrameCodec codec) {
		if (properties.io() != Io.NIO || !(service instanceof AsyncSockeyeService async)) {
			return null;
		}
		return new ServicePipeline.Settings(
				new AsyncServiceHandler(name, properties.service(), async, properties.errorReply(),
						properties.mode() == ListenerProperties.Mode.REQUEST_REPLY, connections.metrics()),
				properties.closeAfterReply() || codec.endsWithStream());
	}

}
