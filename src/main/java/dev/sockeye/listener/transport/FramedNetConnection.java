package dev.sockeye.listener.transport;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import dev.sockeye.framing.FrameReader;
import dev.sockeye.framing.FramingException;
import dev.sockeye.listener.connection.ConnectionStats;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.proxy.ProxyHeader;
import dev.sockeye.proxy.ProxyProtocolException;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;

/**
 * A blocking connection that reads in bulk through a {@link FrameReader} (Spring
 * Integration's own reads the socket a byte per system call for delimited framings) and
 * writes each reply as one array, without the send buffer as large as the socket's that
 * Spring Integration allocates per connection.
 */
final class FramedNetConnection extends TcpNetConnection implements FramedConnection {

	/** The accepted socket, or once a PROXY protocol header is read, TLS over it. */
	private volatile Socket socket;

	/** What came after a PROXY protocol header on plain TCP, read before the socket. */
	private InputStream early;

	private final ConnectionCore core;

	private final ListenerWire wire;

	private final ConnectionStats stats;

	private final Lock sendLock = new ReentrantLock();

	private FrameReader reader;

	private OutputStream out;

	/** The factory's support that made it, which drops it from its maps once closed. */
	private final FramedConnectionSupport loop;

	FramedNetConnection(Socket socket, boolean server, boolean lookupHost, ApplicationEventPublisher publisher,
			String factoryName, ListenerWire wire, FramedConnectionSupport loop) {
		super(socket, server, lookupHost, publisher, factoryName);
		this.socket = socket;
		this.loop = loop;
		this.core = new ConnectionCore(this, wire);
		this.wire = wire;
		this.stats = this.core.stats();
		if (socket instanceof SSLSocket) {
			this.stats.handshakeStarted();
		}
	}

	@Override
	protected InputStream inputStream() throws IOException {
		if (this.reader == null) {
			InputStream in = new CountingInputStream(this.socket.getInputStream(), this.stats);
			if (this.early != null) {
				in = new SequenceInputStream(this.early, in);
				this.early = null;
			}
			this.reader = new FrameReader(in, this.wire.newBuffer());
		}
		return this.reader;
	}

	@Override
	public Object getPayload() {
		// back to reading: the previous request, if any, has its reply
		this.stats.busy(false);
		if (this.reader == null) {
			if (this.core.proxyHeader() != null) {
				readProxyHeader();
			}
			if (this.socket instanceof SSLSocket tls) {
				handshake(tls);
			}
			greet();
		}
		Object payload = super.getPayload();
		this.stats.busy(true);
		this.stats.messageReceived();
		this.stats.partialFrame(this.reader.buffered() > 0, true);
		return payload;
	}

	/**
	 * Reads the PROXY protocol header that comes before anything else, TLS included; the
	 * timeout sweeper closes a connection whose header is late.
	 */
	private void readProxyHeader() {
		try {
			ProxyHeaderReader reader = this.core.proxyHeader();
			InputStream raw = this.socket.getInputStream();
			ProxyHeader header;
			while ((header = reader.decode()) == null) {
				int read = reader.fill(raw);
				if (read < 0) {
					this.stats.closing(CloseReason.CLIENT);
					throw new SoftEndOfStreamException("Closed before its PROXY protocol header");
				}
				this.stats.received(read);
			}
			ByteBuffer rest = this.core.proxyHeaderRead(header, this.socket.getInetAddress());
			if (rest == null) {
				throw new SoftEndOfStreamException("Client refused");
			}
			InputStream early = new ByteArrayInputStream(rest.array(), rest.position(), rest.remaining());
			if (this.wire.tls() != null) {
				this.socket = this.wire.tls().layer(this.socket, early);
			}
			else {
				this.early = early;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Sends the listener's greeting, if it has one, before the first read; ends the
	 * connection there when the listener closes after its greeting.
	 */
	private void greet() {
		Greeting greeting = this.wire.greeting();
		if (greeting == null) {
			return;
		}
		try {
			write(greeting.frame());
		}
		catch (IOException ex) {
			this.wire.errors().io(this.stats, ex);
			throw new SoftEndOfStreamException("Greeting failed");
		}
		if (greeting.thenClose()) {
			this.stats.closing(CloseReason.GREETING);
			throw new SoftEndOfStreamException("Closed after the greeting");
		}
	}

	/**
	 * On this connection's own thread; the timeout sweeper closes a handshake that
	 * stalls.
	 */
	private void handshake(SSLSocket tls) {
		try {
			tls.startHandshake();
			this.stats.handshakeFinished();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	protected boolean handleReadException(Exception exception) {
		Throwable cause = (exception instanceof UncheckedIOException) ? exception.getCause() : exception;
		if (cause instanceof FramingException framing) {
			byte[] reply = this.core.badInput(framing);
			if (reply != null) {
				try {
					this.socket.setSoTimeout(1000);
					this.socket.getOutputStream().write(reply);
				}
				catch (IOException writeFailed) {
					// the client is gone already
				}
			}
			closeConnection(true);
			return true;
		}
		if (cause instanceof ProxyProtocolException proxy) {
			this.wire.errors().proxyProtocol(this.stats, proxy);
			closeConnection(true);
			return true;
		}
		if (cause instanceof SSLException tls) {
			this.wire.errors().tls(this.stats, tls);
		}
		else if (cause instanceof SoftEndOfStreamException || cause instanceof EOFException) {
			this.stats.closing(CloseReason.CLIENT);
		}
		else if (cause instanceof IOException io) {
			this.wire.errors().io(this.stats, io);
		}
		return super.handleReadException(exception);
	}

	@Override
	public void send(Message<?> message) {
		byte[] frame = this.core.replyFrame(message);
		try {
			write(frame);
		}
		catch (IOException ex) {
			this.core.sendFailed(message, ex, () -> closeConnection(true));
		}
	}

	/**
	 * Writes one whole frame; the write timeout closes the connection when the client
	 * does not take it.
	 */
	private void write(byte[] frame) throws IOException {
		this.sendLock.lock();
		try {
			if (this.out == null) {
				this.out = this.socket.getOutputStream();
			}
			this.stats.writeBlocked();
			this.out.write(frame);
			this.stats.writeDrained();
			this.stats.sent(frame.length);
		}
		finally {
			this.sendLock.unlock();
		}
	}

	/** Behind a balancer, the client its PROXY protocol header named. */
	@Override
	public String getHostAddress() {
		return ConnectionCore.hostAddress(this.core, super.getHostAddress());
	}

	@Override
	public int getPort() {
		return ConnectionCore.port(this.core, super.getPort());
	}

	/** The session of TLS layered after a PROXY protocol header too. */
	@Override
	public SSLSession getSslSession() {
		return (this.socket instanceof SSLSocket tls) ? tls.getSession() : null;
	}

	@Override
	public MessageHeaders messageHeaders() {
		return this.core.messageHeaders();
	}

	@Override
	public void abort() {
		ConnectionCore.abort(this.socket, this::close);
	}

	@Override
	public void close() {
		super.close();
		if (this.wire.connections().closed(this.stats)) {
			this.loop.closed(this);
		}
	}

	/** Counts the bytes read from the socket, framing included, as they arrive. */
	private static final class CountingInputStream extends FilterInputStream {

		private final ConnectionStats stats;

		CountingInputStream(InputStream in, ConnectionStats stats) {
			super(in);
			this.stats = stats;
		}

		@Override
		public int read() throws IOException {
			int b = super.read();
			if (b >= 0) {
				this.stats.received(1);
			}
			return b;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			int n = this.in.read(b, off, len);
			if (n > 0) {
				this.stats.received(n);
				this.stats.partialFrame(true, false);
			}
			return n;
		}

	}

}
