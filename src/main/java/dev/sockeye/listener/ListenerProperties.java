package dev.sockeye.listener;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import dev.sockeye.framing.Framing;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * One TCP listener.
 *
 * @param port TCP port to listen on; 0 picks a free port
 * @param address local address to bind to; all interfaces when unset
 * @param io I/O model: nio (selector, few threads) or blocking (a thread per connection, virtual where the JVM has them)
 * @param framing how the byte stream is split into messages
 * @param replyFraming how replies are framed; the request framing when unset
 * @param maxMessageSize largest message accepted or sent; a larger one closes the connection
 * @param backlog length of the queue of connections the kernel has accepted but Sockeye not yet
 * @param service the service that handles messages: echo, or the name of a bean
 * @param mode request-reply (a reply per message) or one-way (no replies)
 * @param errorReply reply sent when the service fails; the connection stays open
 * @param closeAfterReply close the connection after each reply, as one-shot servers do
 * @param workers worker threads for blocking services on an nio listener; 0 uses virtual threads where the JVM has them
 * and 64 platform threads otherwise
 * @param echo settings of the built-in echo service
 */
public record ListenerProperties(
		@NotNull @Min(0) @Max(65535) Integer port,
		String address,
		@DefaultValue("nio") @NotNull Io io,
		@DefaultValue("crlf") @NotNull Framing framing,
		Framing replyFraming,
		@DefaultValue("64KB") @NotNull DataSize maxMessageSize,
		@DefaultValue("4096") @Min(1) int backlog,
		@DefaultValue("echo") @NotBlank String service,
		@DefaultValue("request-reply") @NotNull Mode mode,
		@DefaultValue("ERROR") String errorReply,
		@DefaultValue("false") boolean closeAfterReply,
		@DefaultValue("0") @Min(0) int workers,
		@DefaultValue @Valid @NotNull Echo echo) {

	/** @return the framing of replies */
	public Framing effectiveReplyFraming() {
		return (this.replyFraming != null) ? this.replyFraming : this.framing;
	}

	static ListenerProperties withPort(int port) {
		return new ListenerProperties(port, null, Io.NIO, Framing.CRLF, null, DataSize.ofKilobytes(64), 4096, "echo",
				Mode.REQUEST_REPLY, "ERROR", false, 0, new Echo(""));
	}

	/**
	 * Settings of the built-in echo service.
	 *
	 * @param prefix text put before each echoed message, e.g. "Echo: "
	 */
	public record Echo(@DefaultValue("") String prefix) {
	}

	/** The I/O model of a listener. */
	public enum Io {

		/** A selector thread; services that block run on worker threads. */
		NIO,

		/** A thread per connection: virtual threads on Java 21 and later, platform threads before. */
		BLOCKING

	}

	/** Whether a listener replies. */
	public enum Mode {

		/** Each message gets the service's reply. */
		REQUEST_REPLY,

		/** Messages are handed to the service and nothing is sent back. */
		ONE_WAY

	}

}
