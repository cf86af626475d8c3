package dev.sockeye.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import dev.sockeye.framing.FrameCodec;
import dev.sockeye.framing.FrameReader;
import dev.sockeye.framing.FramingException;
import dev.sockeye.proxy.ProxyHeaderEncoder;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;

/**
 * A client connection for Sockeye's outbound gateways: reads replies in bulk through a
 * {@link FrameReader} and writes each request as one framed array.
 */
final class FramedClientConnection extends TcpNetConnection {

	private final Socket socket;

	private final FrameCodec codec;

	private final ClientConnectionListener listener;

	private final Lock sendLock = new ReentrantLock();

	private FrameReader reader;

	private OutputStream out;

	private volatile boolean closed;

	/** Whether anything was sent: a PROXY protocol header goes only before the first. */
	private boolean sent;

	FramedClientConnection(Socket socket, ApplicationEventPublisher publisher, String factoryName, FrameCodec codec,
			ClientConnectionListener listener) {
		super(socket, false, false, publisher, factoryName);
		this.socket = socket;
		this.codec = codec;
		this.listener = listener;
		listener.opened();
	}

	@Override
	protected InputStream inputStream() throws IOException {
		if (this.reader == null) {
			this.reader = new FrameReader(this.socket.getInputStream(), this.codec.newBuffer());
		}
		return this.reader;
	}

	/**
	 * Runs what the last reply deferred ({@link AfterReply}) before waiting for the next:
	 * by now Spring Integration has handed that reply on and released the connection.
	 */
	@Override
	public Object getPayload() {
		AfterReply.end();
		try {
			return super.getPayload();
		}
		finally {
			// a reply, or a failure that the connection hands on as an error message
			AfterReply.begin();
		}
	}

	@Override
	public void run() {
		try {
			super.run();
		}
		finally {
			AfterReply.end();
		}
	}

	@Override
	protected boolean handleReadException(Exception exception) {
		Throwable cause = (exception instanceof UncheckedIOException) ? exception.getCause() : exception;
		if (cause instanceof SoftEndOfStreamException || cause instanceof EOFException) {
			// Spring Integration treats an orderly close as no error, so a gateway
			// waiting for a reply would wait
			// for its timeout; tell it the server closed the connection
			closeConnection(true);
			sendExceptionToListener(new EOFException("Connection closed by the server"));
			return true;
		}
		return super.handleReadException(exception);
	}

	@Override
	public void send(Message<?> message) {
		byte[] frame;
		try {
			Object payload = message.getPayload();
			frame = this.codec.frame((payload instanceof byte[] bytes) ? bytes
					: payload.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		catch (FramingException ex) {
			throw new MessagingException(message, "Request cannot be framed: " + ex.getMessage(), ex);
		}
		this.sendLock.lock();
		try {
			if (this.out == null) {
				this.out = this.socket.getOutputStream();
			}
			if (!this.sent) {
				this.sent = true;
				byte[] header = proxyHeader(message);
				if (header != null) {
					this.out.write(header);
				}
			}
			this.out.write(frame);
		}
		catch (IOException ex) {
			closeConnection(true);
			throw new MessagingException(message, "Send failed", ex);
		}
		finally {
			this.sendLock.unlock();
		}
	}

	/**
	 * @return the PROXY protocol header the request asks for, naming its client, or null
	 */
	private byte[] proxyHeader(Message<?> message) {
		InetSocketAddress source = message.getHeaders().get(ClientConnections.PROXY_SOURCE, InetSocketAddress.class);
		if (source == null) {
			return null;
		}
		InetSocketAddress destination = (InetSocketAddress) this.socket.getRemoteSocketAddress();
		Integer version = message.getHeaders().get(ClientConnections.PROXY_VERSION, Integer.class);
		return (version != null && version == 1) ? ProxyHeaderEncoder.v1(source, destination)
				: ProxyHeaderEncoder.v2(source, destination);
	}

	@Override
	public void close() {
		super.close();
		if (!this.closed) {
			this.closed = true;
			this.listener.closed();
		}
	}

}
