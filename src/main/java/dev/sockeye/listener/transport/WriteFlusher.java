package dev.sockeye.listener.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Finishes the replies of an NIO listener that a client is too slow to take. A reply is
 * written straight to the socket; whatever does not fit is queued on the connection and
 * this thread, with a selector of its own, writes it when the socket is writable again.
 * So no I/O thread ever blocks on a slow reader, and the queue is bounded per connection
 * (see {@link NioReplyWriter}).
 */
final class WriteFlusher implements Runnable {

	private static final Log logger = LogFactory.getLog(WriteFlusher.class);

	private final Selector selector;

	private final Queue<NioReplyWriter> waiting = new ConcurrentLinkedQueue<>();

	private final Thread thread;

	private volatile boolean running = true;

	WriteFlusher(String listener) {
		try {
			this.selector = Selector.open();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.thread = new Thread(this, "sockeye-" + listener + "-writer");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * @param writer a connection's writer with queued replies, to be written when its
	 * socket is writable
	 */
	void flushLater(NioReplyWriter writer) {
		this.waiting.add(writer);
		this.selector.wakeup();
	}

	/**
	 * Makes the thread look at its keys now: a closed connection's socket is released
	 * once they are.
	 */
	void wakeup() {
		this.selector.wakeup();
	}

	@Override
	public void run() {
		while (this.running) {
			try {
				this.selector.select(1000);
				NioReplyWriter writer;
				while ((writer = this.waiting.poll()) != null) {
					try {
						writer.channel().register(this.selector, SelectionKey.OP_WRITE, writer);
					}
					catch (ClosedChannelException ex) {
						// closed while waiting
					}
				}
				this.selector.selectedKeys().removeIf((key) -> {
					NioReplyWriter ready = (NioReplyWriter) key.attachment();
					if (!key.isValid() || ready.flushQueued()) {
						key.cancel();
					}
					return true;
				});
			}
			catch (IOException | RuntimeException ex) {
				if (this.running) {
					logger.warn("Reply writer failed: " + ex.getMessage());
				}
			}
		}
	}

	void stop() {
		this.running = false;
		this.selector.wakeup();
		try {
			this.thread.join(1000);
			this.selector.close();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			// closing
		}
	}

}
