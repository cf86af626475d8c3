package dev.sockeye.listener.transport;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

import dev.sockeye.listener.connection.ConnectionStats;
import dev.sockeye.listener.connection.ListenerConnections;
import dev.sockeye.listener.transport.ReplyQueue.Outcome;
import dev.sockeye.metrics.CloseReason;
import dev.sockeye.metrics.ListenerMetrics;
import dev.sockeye.support.FakeConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slow reader's replies: written as far as the socket takes them, the rest kept in
 * order and bounded, each reply counted once when its last byte is out.
 */
class ReplyQueueTests {

	private final ConnectionStats stats = new ListenerConnections(
			new ListenerMetrics(new SimpleMeterRegistry(), "t", () -> 0, () -> true), CloseReason.CLIENT)
		.opened(new FakeConnection());

	private final Socket socket = new Socket();

	private final ReplyQueue queue = new ReplyQueue(10, this.stats);

	@Test
	void aReplyTheSocketTakesWholeIsWrittenAndCounted() throws Exception {
		this.socket.room = 100;
		assertThat(this.queue.write(this.socket, bytes("hello\r\n"), true, false)).isEqualTo(Outcome.WRITTEN);
		assertThat(this.socket.text()).isEqualTo("hello\r\n");
		assertThat(this.stats.messagesSent()).isEqualTo(1);
		assertThat(this.queue.isEmpty()).isTrue();
	}

	@Test
	void whatTheSocketDoesNotTakeWaitsAndLaterRepliesQueueBehindIt() throws Exception {
		this.socket.room = 3;
		assertThat(this.queue.write(this.socket, bytes("abcdef"), true, false)).isEqualTo(Outcome.BLOCKED);
		assertThat(this.queue.write(this.socket, bytes("gh"), true, false)).isEqualTo(Outcome.QUEUED);
		assertThat(this.stats.messagesSent()).isZero();
		assertThat(this.queue.bytes()).isEqualTo(5);
		this.socket.room = 4;
		assertThat(this.queue.flush(this.socket)).isFalse();
		assertThat(this.stats.messagesSent()).isEqualTo(1);
		this.socket.room = 100;
		assertThat(this.queue.flush(this.socket)).isTrue();
		assertThat(this.socket.text()).isEqualTo("abcdefgh");
		assertThat(this.stats.messagesSent()).isEqualTo(2);
		assertThat(this.stats.bytesSent()).isEqualTo(8);
		assertThat(this.queue.bytes()).isZero();
	}

	@Test
	void aQueuedRestIsCopiedWhenTheCallerReusesItsBuffer() throws Exception {
		ByteBuffer reused = bytes("abcd");
		assertThat(this.queue.write(this.socket, reused, true, true)).isEqualTo(Outcome.BLOCKED);
		reused.clear().put("zzzz".getBytes(StandardCharsets.US_ASCII));
		this.socket.room = 100;
		this.queue.flush(this.socket);
		assertThat(this.socket.text()).isEqualTo("abcd");
	}

	@Test
	void passingTheBoundIsAnOverflow() throws Exception {
		assertThat(this.queue.write(this.socket, bytes("0123456789"), true, false)).isEqualTo(Outcome.BLOCKED);
		assertThat(this.queue.write(this.socket, bytes("x"), true, false)).isEqualTo(Outcome.OVERFLOW);
	}

	private static ByteBuffer bytes(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
	}

	/** A socket that takes at most {@code room} bytes until given more. */
	private static final class Socket implements WritableByteChannel {

		final ByteArrayOutputStream written = new ByteArrayOutputStream();

		int room;

		@Override
		public int write(ByteBuffer source) {
			int count = Math.min(this.room, source.remaining());
			byte[] taken = new byte[count];
			source.get(taken);
			this.written.writeBytes(taken);
			this.room -= count;
			return count;
		}

		String text() {
			return this.written.toString(StandardCharsets.US_ASCII);
		}

		@Override
		public boolean isOpen() {
			return true;
		}

		@Override
		public void close() {
		}

	}

}
