package dev.sockeye.listener.transport;

import java.io.IOException;
import java.util.function.Consumer;

import dev.sockeye.listener.connection.ConnectionErrors;
import dev.sockeye.listener.connection.ConnectionStats;
import dev.sockeye.metrics.CloseReason;

/**
 * When an NIO connection's greeting goes out (at once on plain TCP, after the TLS
 * handshake, after the PROXY protocol header) and, for a greeting that closes, that the
 * input after it is not served. Used on the connection's reading thread.
 */
final class NioGreeter {

	private final Greeting greeting;

	private final NioReplyWriter writer;

	private final ConnectionStats stats;

	private final ConnectionErrors errors;

	/** Closes the connection; true when it failed. */
	private final Consumer<Boolean> close;

	/** The TLS handshake has finished and the greeting is still to be sent. */
	private boolean due;

	/** The greeting closes the connection: input is not handed to the service. */
	private volatile boolean ignoreInput;

	/**
	 * @param greeting the listener's greeting, or {@code null} for none
	 */
	NioGreeter(Greeting greeting, NioReplyWriter writer, ConnectionStats stats, ConnectionErrors errors,
			Consumer<Boolean> close) {
		this.greeting = greeting;
		this.writer = writer;
		this.stats = stats;
		this.errors = errors;
		this.close = close;
	}

	/** The TLS handshake is done: the greeting goes out before the next reply. */
	void handshakeFinished() {
		this.due = this.greeting != null;
	}

	/** Sends the greeting if the handshake made it due. */
	void ifDue() {
		if (this.due) {
			this.due = false;
			send();
		}
	}

	/** Sends the greeting, if the listener has one. */
	void send() {
		if (this.greeting == null) {
			return;
		}
		if (this.greeting.thenClose()) {
			this.ignoreInput = true;
		}
		boolean flushed;
		try {
			flushed = this.writer.writeGreeting(this.greeting);
		}
		catch (IOException ex) {
			this.errors.io(this.stats, ex);
			this.close.accept(true);
			return;
		}
		if (this.greeting.thenClose() && flushed) {
			this.stats.closing(CloseReason.GREETING);
			this.close.accept(false);
		}
	}

	/**
	 * @return true once a closing greeting went out: what the client sends is not served
	 */
	boolean ignoresInput() {
		return this.ignoreInput;
	}

}
