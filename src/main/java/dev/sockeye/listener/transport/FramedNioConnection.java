package dev.sockeye.listener.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import dev.sockeye.framing.FrameBuffer;
import dev.sockeye.framing.FramingException;
import dev.sockeye.listener.connection.ConnectionStats;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.proxy.ProxyHeader;
import dev.sockeye.proxy.ProxyProtocolException;
import dev.sockeye.tls.NonBlockingTls;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpListener;
import org.springframework.integration.ip.tcp.connection.TcpNioConnection;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;

/**
 * An NIO connection that frames its input where it reads it. Spring Integration's own NIO
 * connection copies every read into a pipe and frames it on a second thread, a byte per
 * lock; this one reads (through its loop's direct buffer) into the connection's
 * {@link FrameBuffer}, decodes every complete frame and passes each to the listener on
 * the reading thread, in order. Replies are framed into the loop's direct buffer on the
 * loop's thread, into one array on others, and written without blocking by its
 * {@link NioReplyWriter}. On a TLS listener the same happens to the decrypted bytes and
 * the encrypted replies, through {@link NonBlockingTls}.
 */
final class FramedNioConnection extends TcpNioConnection implements FramedConnection {

	private final SocketChannel channel;

	private final ConnectionCore core;

	private final ListenerWire wire;

	private final ConnectionStats stats;

	private final AtomicBoolean closeStarted = new AtomicBoolean();

	private final NioReplyWriter writer;

	private final NonBlockingTls tls;

	/**
	 * Requests on their way to an async service, set when registered; null for others.
	 */
	private ServicePipeline pipeline;

	private final NioGreeter greeter;

	private volatile SelectionKey key;

	private FrameBuffer buffer;

	private byte[] payload;

	/** The loop that made it, which drops it from its maps once closed. */
	private final FramedConnectionSupport loop;

	FramedNioConnection(SocketChannel channel, boolean server, boolean lookupHost, ApplicationEventPublisher publisher,
			String factoryName, ListenerWire wire, FramedConnectionSupport loop) {
		super(channel, server, lookupHost, publisher, factoryName);
		this.channel = channel;
		this.loop = loop;
		this.core = new ConnectionCore(this, wire);
		this.wire = wire;
		this.stats = this.core.stats();
		Lock writeLock = new ReentrantLock();
		this.tls = (wire.tls() != null) ? tls(wire, writeLock) : null;
		this.writer = new NioReplyWriter(this, channel, wire, this.stats, writeLock, this.tls);
		this.greeter = new NioGreeter(wire.greeting(), this.writer, this.stats, wire.errors(), this::closeConnection);
	}

	private NonBlockingTls tls(ListenerWire wire, Lock writeLock) {
		this.stats.handshakeStarted();
		try {
			return new NonBlockingTls(wire.tls().newEngine(getHostAddress(), getPort()), writeLock,
					this::handshakeFinished);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/**
	 * @param key the connection's key with the listener's selector
	 */
	void registered(SelectionKey key) {
		this.key = key;
		this.pipeline = ServicePipeline.of(this, key, this.stats, this.wire);
	}

	/** Publishes the connection's open event, as Spring Integration's own accept does. */
	void publishOpened() {
		publishConnectionOpenEvent();
	}

	/**
	 * Sends the listener's greeting, if it has one, once the connection is set up: right
	 * away on plain TCP, after the handshake on TLS, after the PROXY protocol header
	 * behind a balancer. Called by the selector thread once the connection is registered.
	 */
	void greet() {
		if (this.tls == null && this.core.proxyHeader() == null) {
			this.greeter.send();
		}
	}

	private void handshakeFinished() {
		this.stats.handshakeFinished();
		this.greeter.handshakeFinished();
	}

	@Override
	public void readPacket() {
		FrameBuffer input = this.buffer;
		if (input == null) {
			input = this.wire.newBuffer();
			this.buffer = input;
		}
		try {
			if (this.core.proxyHeader() != null && !readProxyHeader()) {
				return;
			}
			int read;
			if (this.tls != null) {
				read = this.tls.read(this.channel, this::decrypted, this.writer::writeOrQueueCopy);
				this.greeter.ifDue();
				if (read > 0) {
					this.stats.received(read);
					if (this.tls.hasPartialRecord() && !this.tls.isHandshaking()) {
						// a record sent a byte at a time is a slowloris too
						this.stats.partialFrame(true, false);
					}
				}
			}
			else {
				if (!input.hasRoom()) {
					throw new FramingException(FramingException.Kind.OVERSIZE, "Input buffer full");
				}
				read = readInto(input);
				if (read > 0) {
					this.stats.received(read);
					decodeAll(input);
				}
			}
			if (read < 0) {
				byte[] last = this.wire.codec().decodeAtEndOfStream(input);
				if (last != null) {
					dispatch(last);
				}
				if (this.pipeline == null || !this.pipeline.closeWhenAnswered()) {
					this.stats.closing(CloseReason.CLIENT);
					closeConnection(false);
				}
			}
		}
		catch (FramingException ex) {
			byte[] reply = this.core.badInput(ex);
			if (reply != null) {
				this.writer.writeBeforeClose(reply);
			}
			closeConnection(true);
		}
		catch (javax.net.ssl.SSLException ex) {
			this.wire.errors().tls(this.stats, ex);
			closeConnection(true);
		}
		catch (ProxyProtocolException ex) {
			this.wire.errors().proxyProtocol(this.stats, ex);
			closeConnection(true);
		}
		catch (IOException ex) {
			this.wire.errors().io(this.stats, ex);
			closeConnection(true);
		}
	}

	/**
	 * Reads what the socket has, as far as the frame buffer has room, through the loop's
	 * direct buffer when on its thread.
	 * @return the bytes read into {@code input}, or -1 at the end of the stream
	 */
	private int readInto(FrameBuffer input) throws IOException {
		ByteBuffer room = input.writableView();
		ByteBuffer direct = this.loop.ioBuffer();
		int read;
		if (direct == null) {
			read = this.channel.read(room);
		}
		else {
			direct.limit(Math.min(direct.capacity(), room.remaining()));
			read = this.channel.read(direct);
			if (read > 0) {
				room.put(direct.flip());
			}
		}
		if (read > 0) {
			input.written(read);
		}
		return read;
	}

	/**
	 * Reads the PROXY protocol header that comes before anything else; hands what came
	 * after it to TLS or the framing.
	 * @return true when the header is read and the connection goes on to read its client
	 */
	private boolean readProxyHeader() throws IOException, FramingException {
		ProxyHeaderReader reader = this.core.proxyHeader();
		int read = reader.fill(this.channel);
		if (read > 0) {
			this.stats.received(read);
		}
		ProxyHeader header = reader.decode();
		if (header == null) {
			if (read < 0) {
				this.stats.closing(CloseReason.CLIENT);
				closeConnection(false);
			}
			return false;
		}
		ByteBuffer rest = this.core.proxyHeaderRead(header, this.channel.socket().getInetAddress());
		if (rest == null) {
			closeConnection(false);
			return false;
		}
		if (this.tls != null) {
			this.tls.unread(rest);
			return true;
		}
		this.greeter.send();
		if (rest.hasRemaining() && isOpen()) {
			decrypted(rest);
		}
		return isOpen();
	}

	/**
	 * Takes decrypted bytes (or on plain TCP, those that came with the PROXY protocol
	 * header) into the frame buffer, decoding as it fills.
	 */
	private void decrypted(ByteBuffer plain) throws FramingException {
		this.greeter.ifDue();
		FrameBuffer input = this.buffer;
		while (plain.hasRemaining()) {
			if (!input.hasRoom()) {
				throw new FramingException(FramingException.Kind.OVERSIZE, "Input buffer full");
			}
			ByteBuffer room = input.writableView();
			int count = Math.min(room.remaining(), plain.remaining());
			room.put(room.position(), plain, plain.position(), count);
			plain.position(plain.position() + count);
			input.written(count);
			decodeAll(input);
		}
	}

	private void decodeAll(FrameBuffer input) throws FramingException {
		byte[] frame;
		boolean completed = false;
		this.stats.busy(true);
		try {
			while (isOpen() && (frame = this.wire.codec().decode(input)) != null) {
				completed = true;
				dispatch(frame);
			}
		}
		finally {
			this.stats.partialFrame(input.readable() > 0, completed);
			this.stats.busy(false);
			if (this.pipeline != null) {
				this.pipeline.afterRead();
			}
		}
	}

	private void dispatch(byte[] frame) {
		if (this.greeter.ignoresInput()) {
			return;
		}
		this.stats.messageReceived();
		if (this.pipeline != null) {
			this.pipeline.offer(frame);
			return;
		}
		this.payload = frame;
		Message<?> message = getMapper().toMessage(this);
		this.payload = null;
		TcpListener listener = getListener();
		if (message != null && listener != null) {
			try {
				listener.onMessage(message);
			}
			catch (RuntimeException ex) {
				this.wire.errors().dispatch(getConnectionId(), ex);
			}
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

	@Override
	public Object getPayload() {
		return this.payload;
	}

	@Override
	public void run() {
		// frames are decoded in readPacket(); Spring Integration's assembler thread is
		// not used
	}

	@Override
	public void send(Message<?> message) {
		try {
			// on the loop's thread, the reply is framed straight into its direct buffer
			// when it fits
			byte[] reply = Replies.bytes(message);
			ByteBuffer direct = (this.tls == null) ? this.loop.ioBuffer() : null;
			if (direct != null && this.core.replyFrame(message, reply, direct)) {
				this.writer.write(direct.flip());
			}
			else {
				this.writer.write(this.core.replyFrame(message, reply));
			}
		}
		catch (IOException ex) {
			this.core.sendFailed(message, ex, () -> closeConnection(true));
		}
	}

	/**
	 * The writer closes the connection when a write fails or a closing greeting is out.
	 */
	void closeAfterWrite(boolean failed) {
		closeConnection(failed);
	}

	SocketChannel channel() {
		return this.channel;
	}

	@Override
	public void close() {
		if (this.closeStarted.getAndSet(true)) {
			// closed already: Spring Integration closes again as it drops the connection
			// from its map
			return;
		}
		if (this.tls != null && isOpen()) {
			this.writer.closeTls();
		}
		super.close();
		// a registered non-blocking channel keeps its socket open until its selectors
		// deregister it: wake them, so
		// that a close from another thread (a timeout, the endpoint, a drain) takes
		// effect now, not at the next I/O
		SelectionKey registered = this.key;
		if (registered != null) {
			registered.selector().wakeup();
		}
		if (this.writer.hasQueued()) {
			this.wire.flusher().wakeup();
		}
		if (this.wire.connections().closed(this.stats)) {
			this.loop.closed(this);
		}
	}

	@Override
	public void abort() {
		ConnectionCore.abort(this.channel.socket(), this::close);
	}

	@Override
	public javax.net.ssl.SSLSession getSslSession() {
		return (this.tls != null) ? this.tls.engine().getSession() : null;
	}

	@Override
	public MessageHeaders messageHeaders() {
		return this.core.messageHeaders();
	}

}
