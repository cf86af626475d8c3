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
import org.springframework.integration.ip.tcp.connection.TcpNetServerConnectionFactory;

/**
 * Builds a listener's Spring Integration server connection factories, one per event loop,
 * with Sockeye's framed connections, a real backlog, and threads chosen for its I/O model
 * and service. The loops share everything but their selector thread and the connections
 * they hold.
 */
final class ConnectionFactories {

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

	private final String name;

	private final ListenerProperties properties;

	private final FrameCodec codec;

	private final FrameCodec replyCodec;

	private final ListenerWire wire;

	private final Admission admission;

	private final ServerTls tls;

	/** Where an nio listener's blocking service runs, shared by its loops; or null. */
	private final Executor workers;

	private final int loops;

	/**
	 * @param loops how many factories will share the port: more than one binds each with
	 * SO_REUSEPORT
	 */
	ConnectionFactories(String name, ListenerProperties properties, SockeyeService service,
			ListenerConnections connectionRegistry, Admission admission, WriteFlusher flusher, ServerTls tls,
			int loops) {
		this.name = name;
		this.properties = properties;
		this.admission = admission;
		this.tls = tls;
		this.loops = loops;
		int maxSize = (int) properties.maxMessageSize().toBytes();
		this.codec = properties.framing().codec(maxSize);
		this.replyCodec = properties.effectiveReplyFraming().codec((int) properties.effectiveMaxReplySize().toBytes());
		String badInputReply = properties.badInputReply().isEmpty() ? null : properties.badInputReply();
		Greeting greeting = (properties.greeting() != null) ? new Greeting(
				framed("greeting", properties.greeting(), this.replyCodec), properties.closeAfterGreeting()) : null;
		this.wire = new ListenerWire(this.codec, this.replyCodec,
				new ConnectionErrors(name, connectionRegistry.metrics()), connectionRegistry, flusher,
				Math.max(256 * 1024, 4L * this.replyCodec.bufferLimit()),
				framed("bad-input-reply", badInputReply, this.replyCodec), greeting, tls, admission,
				properties.proxyProtocol(), asyncService(name, properties, service, connectionRegistry, this.codec));
		this.workers = (properties.io() == Io.NIO && service.isBlocking())
				? Threads.workers("sockeye-" + name + "-worker-", properties.workers()) : null;
	}

	/**
	 * @param loop which of the listener's loops, from 0
	 * @param port the port to bind: the configured one for the first loop, the one it
	 * bound for the others
	 * @return the loop's connection factory, not started
	 */
	AbstractServerConnectionFactory create(int loop, int port) {
		ListenerProperties properties = this.properties;
		FramedConnectionSupport connections = new FramedConnectionSupport(this.wire);
		AbstractServerConnectionFactory factory;
		if (properties.io() == Io.BLOCKING) {
			// behind a balancer, TLS starts after the PROXY protocol header, on the
			// connection's thread
			TcpNetServerConnectionFactory net = new AdmittingNetServerConnectionFactory(port, connections,
					this.admission, properties.proxied() ? null : this.tls);
			net.setTaskExecutor(Threads.perTask("sockeye-" + this.name + "-"));
			factory = net;
		}
		else {
			String thread = "sockeye-" + this.name + "-io" + ((this.loops > 1) ? "-" + (loop + 1) : "");
			factory = new AdmittingNioServerConnectionFactory(port, connections, this.admission,
					new ListenerExecutor(thread, this.workers));
		}
		factory.setBeanName("sockeye." + this.name + ".connectionFactory" + ((loop > 0) ? "-" + (loop + 1) : ""));
		factory.setBacklog(properties.backlog());
		if (properties.address() != null && !properties.address().isBlank()) {
			factory.setLocalAddress(properties.address());
		}
		factory.setLookupHost(false);
		// each reply is one write: Nagle's algorithm would only hold it back until the
		// client acknowledges the last one
		factory.setSoTcpNoDelay(true);
		factory.setTcpSocketSupport(new ServerSocketSupport(this.loops > 1));
		factory.setSingleUse(properties.closeAfterReply() || this.codec.endsWithStream());
		factory.setMapper(new ConnectionMessageMapper());
		factory.setSerializer(new FrameSerializer(this.replyCodec));
		factory.setDeserializer(new FrameDeserializer(this.codec));
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
