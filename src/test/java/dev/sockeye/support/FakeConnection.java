package dev.sockeye.support;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.sockeye.listener.connection.ConnectionHandle;

/**
 * A connection with no socket, for connection policies under test: it records whether it
 * was closed or reset and tells the test once when it closes.
 */
public final class FakeConnection implements ConnectionHandle {

	private static final AtomicInteger ids = new AtomicInteger();

	private final String id = "c" + ids.incrementAndGet();

	private final Consumer<FakeConnection> onClose;

	private boolean closed;

	private boolean aborted;

	/** A connection whose close nobody hears of. */
	public FakeConnection() {
		this((connection) -> {
		});
	}

	/**
	 * @param onClose told once, on the first close
	 */
	public FakeConnection(Consumer<FakeConnection> onClose) {
		this.onClose = onClose;
	}

	public boolean closed() {
		return this.closed;
	}

	public boolean aborted() {
		return this.aborted;
	}

	@Override
	public String getConnectionId() {
		return this.id;
	}

	@Override
	public String getHostAddress() {
		return "127.0.0.1";
	}

	@Override
	public int getPort() {
		return 40000;
	}

	@Override
	public boolean isOpen() {
		return !this.closed;
	}

	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			this.onClose.accept(this);
		}
	}

	@Override
	public void abort() {
		this.aborted = true;
		close();
	}

}
