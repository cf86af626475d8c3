package dev.sockeye.listener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import dev.sockeye.framing.FrameBuffer;
import dev.sockeye.framing.FramingException;
import dev.sockeye.metrics.CloseReason;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpListener;
import org.springframework.integration.ip.tcp.connection.TcpNioConnection;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;

/**
 * An NIO connection that frames its input where it reads it. Spring Integration's own NIO connection copies every
 * read into a pipe and frames it on a second thread, a byte per lock; this one reads into the connection's
 * {@link FrameBuffer}, decodes every complete frame and passes each to the listener on the reading thread, in order.
 * Replies are framed into one array and written without blocking; what a slow reader's socket does not take is
 * queued (bounded) and finished by the listener's {@link WriteFlusher}.
 */
final class FramedNioConnection extends TcpNioConnection implements FramedConnection {

	private final SocketChannel channel;

	private final ListenerWire wire;

	private final ConnectionStats stats;

	private final Lock sendLock = new ReentrantLock();

	private final Deque<ByteBuffer> queued = new ArrayDeque<>();

	private long queuedBytes;

	private FrameBuffer buffer;

	private byte[] payload;

	FramedNioConnection(SocketChannel channel, boolean server, boolean lookupHost,
			ApplicationEventPublisher publisher, String factoryName, ListenerWire wire) {
		super(channel, server, lookupHost, publisher, factoryName);
		this.channel = channel;
		this.wire = wire;
		this.stats = wire.connections().opened(this);
	}

	/** Publishes the connection's open event, as Spring Integration's own accept does. */
	void publishOpened() {
		publishConnectionOpenEvent();
	}

	@Override
	public void readPacket() {
		FrameBuffer input = this.buffer;
		if (input == null) {
			input = this.wire.newBuffer();
			this.buffer = input;
		}
		try {
			if (!input.hasRoom()) {
				throw new FramingException(FramingException.Kind.OVERSIZE, "Input buffer full");
			}
			ByteBuffer room = input.writableView();
			int read = this.channel.read(room);
			if (read > 0) {
				input.written(read);
				this.stats.received(read);
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
				}
			}
			else if (read < 0) {
				byte[] last = this.wire.codec().decodeAtEndOfStream(input);
				if (last != null) {
					dispatch(last);
				}
				this.stats.closing(CloseReason.CLIENT);
				closeConnection(false);
			}
		}
		catch (FramingException ex) {
			this.wire.errors().framing(this, this.stats, ex);
			byte[] reply = this.wire.badInputReply();
			if (reply != null) {
				try {
					// best effort, never blocking: the connection is closed right after
					this.channel.write(ByteBuffer.wrap(reply));
				}
				catch (IOException writeFailed) {
					// the client is gone already
				}
			}
			closeConnection(true);
		}
		catch (IOException ex) {
			this.wire.errors().io(this, this.stats, ex);
			closeConnection(true);
		}
	}

	private void dispatch(byte[] frame) {
		this.stats.messageReceived();
		this.payload = frame;
		Message<?> message = getMapper().toMessage(this);
		this.payload = null;
		TcpListener listener = getListener();
		if (message != null && listener != null) {
			try {
				listener.onMessage(message);
			}
			catch (RuntimeException ex) {
				this.wire.errors().dispatch(this, ex);
			}
		}
	}

	@Override
	public Object getPayload() {
		return this.payload;
	}

	@Override
	public void run() {
		// frames are decoded in readPacket(); Spring Integration's assembler thread is not used
	}

	@Override
	public void send(Message<?> message) {
		byte[] frame = this.wire.replyFrame(this, message);
		this.sendLock.lock();
		try {
			if (this.queued.isEmpty()) {
				ByteBuffer buffer = ByteBuffer.wrap(frame);
				int written = this.channel.write(buffer);
				if (written > 0) {
					this.stats.sentBytes(written);
				}
				if (!buffer.hasRemaining()) {
					this.stats.messageSent();
					return;
				}
				queue(buffer);
				this.stats.writeBlocked();
				this.wire.flusher().flushLater(this);
			}
			else {
				queue(ByteBuffer.wrap(frame));
			}
		}
		catch (IOException ex) {
			if (this.stats.closeReason(null) != null) {
				// closed on purpose (timeout, admin, shutdown) while the reply was being written: nothing to report
				return;
			}
			this.wire.errors().io(this, this.stats, ex);
			closeConnection(true);
			throw new MessagingException(message, "Send failed", ex);
		}
		finally {
			this.sendLock.unlock();
		}
	}

	private void queue(ByteBuffer buffer) {
		this.queued.add(buffer);
		this.queuedBytes += buffer.remaining();
		if (this.queuedBytes > this.wire.maxQueuedBytes()) {
			this.wire.errors().slowReader(this, this.stats, this.queuedBytes);
			close();
		}
	}

	/**
	 * Writes queued replies as far as the socket takes them; called by the {@link WriteFlusher} when it is writable.
	 * @return true when nothing is left queued (or the connection is closed)
	 */
	boolean flushQueued() {
		this.sendLock.lock();
		try {
			ByteBuffer buffer;
			while ((buffer = this.queued.peek()) != null) {
				int written = this.channel.write(buffer);
				if (written > 0) {
					this.stats.sentBytes(written);
					this.queuedBytes -= written;
				}
				if (buffer.hasRemaining()) {
					return false;
				}
				this.queued.poll();
				this.stats.messageSent();
			}
			this.stats.writeDrained();
			return true;
		}
		catch (IOException ex) {
			this.wire.errors().io(this, this.stats, ex);
			closeConnection(true);
			return true;
		}
		finally {
			this.sendLock.unlock();
		}
	}

	SocketChannel channel() {
		return this.channel;
	}

	@Override
	public void close() {
		super.close();
		this.wire.connections().closed(this.stats);
	}

	@Override
	public Map<String, Object> messageHeaders() {
		return this.stats.messageHeaders();
	}

}
