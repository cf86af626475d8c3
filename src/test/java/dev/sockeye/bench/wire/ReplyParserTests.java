package dev.sockeye.bench.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import dev.sockeye.framing.Framing;
import dev.sockeye.framing.FramingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReplyParser} fed as the bench's reads feed it, split at every offset, byte by
 * byte and several replies at a time, for every framing the bench supports. Replies are
 * built with Sockeye's own codecs, not with the parser's templates.
 */
class ReplyParserTests {

	private static final byte[] NO_PREFIX = new byte[0];

	private static final byte[] PREFIX = "Echo: ".getBytes(StandardCharsets.UTF_8);

	static Stream<Arguments> framingsAndSizes() {
		List<Arguments> arguments = new ArrayList<>();
		for (Framing framing : benchFramings()) {
			for (int size : new int[] { 1, 5, 40 }) {
				arguments.add(Arguments.of(framing, size));
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0}, {1} bytes")
	@MethodSource("framingsAndSizes")
	void aReplyFedByteByByteIsCountedOnceAndMatches(Framing framing, int size) {
		Parsing parsing = new Parsing(framing, size, NO_PREFIX);
		Connection c = parsing.connection(7);
		byte[] reply = reply(framing, size, NO_PREFIX, 7, 0);
		for (int i = 0; i < reply.length; i++) {
			assertThat(c.matches).isZero();
			parsing.read(c, new byte[] { reply[i] });
		}
		assertThat(c.matches).isOne();
		assertThat(c.mismatches).isZero();
	}

	@ParameterizedTest(name = "{0}, {1} bytes")
	@MethodSource("framingsAndSizes")
	void aReplySplitAtEveryOffsetIsCountedOnceAndMatches(Framing framing, int size) {
		byte[] reply = reply(framing, size, PREFIX, 3, 0);
		for (int split = 1; split < reply.length; split++) {
			Parsing parsing = new Parsing(framing, size, PREFIX);
			Connection c = parsing.connection(3);
			parsing.read(c, slice(reply, 0, split));
			assertThat(c.matches).as("after %d of %d bytes", split, reply.length).isZero();
			parsing.read(c, slice(reply, split, reply.length));
			assertThat(c.matches).as("split at %d", split).isOne();
			assertThat(c.mismatches).as("split at %d", split).isZero();
		}
	}

	@ParameterizedTest(name = "{0}, {1} bytes")
	@MethodSource("framingsAndSizes")
	void severalRepliesInOneReadAreEachCountedInOrder(Framing framing, int size) {
		Parsing parsing = new Parsing(framing, size, NO_PREFIX);
		Connection c = parsing.connection(1);
		parsing.read(c, replies(framing, size, NO_PREFIX, 1, 0, 5));
		assertThat(c.matches).isEqualTo(5);
		assertThat(c.mismatches).isZero();
		parsing.read(c, replies(framing, size, NO_PREFIX, 1, 5, 3));
		assertThat(c.matches).isEqualTo(8);
		assertThat(c.mismatches).isZero();
	}

	@ParameterizedTest(name = "{0}, {1} bytes")
	@MethodSource("framingsAndSizes")
	void repliesSplitAcrossTwoReadsAtEveryOffsetAreEachCountedOnce(Framing framing, int size) {
		byte[] stream = replies(framing, size, PREFIX, 2, 0, 3);
		for (int split = 0; split <= stream.length; split++) {
			Parsing parsing = new Parsing(framing, size, PREFIX);
			Connection c = parsing.connection(2);
			parsing.read(c, slice(stream, 0, split));
			parsing.read(c, slice(stream, split, stream.length));
			assertThat(c.matches).as("split at %d", split).isEqualTo(3);
			assertThat(c.mismatches).as("split at %d", split).isZero();
		}
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "LENGTH_HEADER_2", "LENGTH_HEADER_4" })
	void aPartialLengthHeaderWaitsForTheRestOfTheHeader(Framing framing) {
		Parsing parsing = new Parsing(framing, 40, NO_PREFIX);
		Connection c = parsing.connection(0);
		byte[] reply = reply(framing, 40, NO_PREFIX, 0, 0);
		int header = (framing == Framing.LENGTH_HEADER_2) ? 2 : 4;
		for (int i = 0; i < header; i++) {
			parsing.read(c, new byte[] { reply[i] });
			assertThat(c.matches + c.mismatches).isZero();
		}
		parsing.read(c, slice(reply, header, reply.length));
		assertThat(c.matches).isOne();
		assertThat(c.mismatches).isZero();
	}

	@ParameterizedTest
	@MethodSource("benchFramings")
	void twoConnectionsReadInTurnEachKeepTheirOwnPartialReply(Framing framing) {
		Parsing parsing = new Parsing(framing, 40, NO_PREFIX);
		Connection first = parsing.connection(1);
		Connection second = parsing.connection(2);
		byte[] one = replies(framing, 40, NO_PREFIX, 1, 0, 2);
		byte[] two = replies(framing, 40, NO_PREFIX, 2, 0, 2);
		int cut = one.length * 3 / 4;
		parsing.read(first, slice(one, 0, cut));
		parsing.read(second, slice(two, 0, cut));
		parsing.read(first, slice(one, cut, one.length));
		parsing.read(second, slice(two, cut, two.length));
		assertThat(first.matches).isEqualTo(2);
		assertThat(second.matches).isEqualTo(2);
		assertThat(first.mismatches + second.mismatches).isZero();
	}

	@ParameterizedTest
	@MethodSource("benchFramings")
	void aReplyThatDiffersIsOneMismatchAndTheNextStillMatches(Framing framing) {
		Parsing parsing = new Parsing(framing, 40, NO_PREFIX);
		byte[] wrong = reply(framing, 40, NO_PREFIX, 4, 0);
		wrong[wrong.length / 2] = (byte) 'Z';
		byte[] stream = concat(wrong, reply(framing, 40, NO_PREFIX, 4, 1), reply(framing, 40, NO_PREFIX, 4, 2));
		for (int split = 0; split <= stream.length; split++) {
			Connection c = parsing.connection(4);
			parsing.read(c, slice(stream, 0, split));
			parsing.read(c, slice(stream, split, stream.length));
			assertThat(c.mismatches).as("split at %d", split).isOne();
			assertThat(c.matches).as("split at %d", split).isEqualTo(2);
		}
	}

	@ParameterizedTest
	@MethodSource("benchFramings")
	void aReplyWithAnotherConnectionsTagIsAMismatch(Framing framing) {
		Parsing parsing = new Parsing(framing, 40, NO_PREFIX);
		Connection c = parsing.connection(5);
		parsing.read(c, reply(framing, 40, NO_PREFIX, 6, 0));
		assertThat(c.mismatches).isOne();
		assertThat(c.matches).isZero();
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 997, 65536, Integer.MAX_VALUE })
	void anOverlongDelimitedReplyIsOneMismatchAndTheRepliesAfterItStillMatch(int chunk) {
		for (Framing framing : List.of(Framing.CRLF, Framing.LF, Framing.NULL, Framing.STX_ETX)) {
			if (chunk == 1 && framing != Framing.LF) {
				continue;
			}
			Parsing parsing = new Parsing(framing, 40, NO_PREFIX);
			Connection c = parsing.connection(9);
			byte[] overlong = frame(framing, filler(70_000));
			byte[] stream = concat(overlong, replies(framing, 40, NO_PREFIX, 9, 1, 2));
			parsing.readInChunks(c, stream, chunk);
			assertThat(c.mismatches).as(framing.configName()).isOne();
			assertThat(c.matches).as(framing.configName()).isEqualTo(2);
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 997, 65536, Integer.MAX_VALUE })
	void anOverlongLengthHeaderReplyIsOneMismatchAndTheRepliesAfterItStillMatch(int chunk) {
		for (Framing framing : List.of(Framing.LENGTH_HEADER_2, Framing.LENGTH_HEADER_4)) {
			Parsing parsing = new Parsing(framing, 40, NO_PREFIX);
			Connection c = parsing.connection(9);
			int length = (framing == Framing.LENGTH_HEADER_2) ? 65_535 : 100_000;
			byte[] overlong = frame(framing, filler(length));
			byte[] stream = concat(overlong, replies(framing, 40, NO_PREFIX, 9, 1, 2));
			parsing.readInChunks(c, stream, chunk);
			assertThat(c.mismatches).as(framing.configName()).isOne();
			assertThat(c.matches).as(framing.configName()).isEqualTo(2);
		}
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "RAW", "NONE", "LENGTH_HEADER_1" }, mode = EnumSource.Mode.EXCLUDE)
	void aReplyLargerThanTheDefaultInputBufferIsCountedOnce(Framing framing) {
		int size = (framing == Framing.LENGTH_HEADER_2) ? 65_535 : 200_000;
		Parsing parsing = new Parsing(framing, size, NO_PREFIX);
		Connection c = parsing.connection(3);
		byte[] stream = replies(framing, size, NO_PREFIX, 3, 0, 3);
		parsing.readInChunks(c, stream, 8191);
		assertThat(c.matches).isEqualTo(3);
		assertThat(c.mismatches).isZero();
	}

	@Test
	void underCrlfFramingALineEndedByABareLfMatchesToo() {
		Parsing parsing = new Parsing(Framing.CRLF, 40, NO_PREFIX);
		Connection c = parsing.connection(1);
		parsing.read(c, reply(Framing.LF, 40, NO_PREFIX, 1, 0));
		assertThat(c.matches).isOne();
		assertThat(c.mismatches).isZero();
	}

	@Test
	void aReplyWithoutTheExpectedPrefixIsAMismatch() {
		Parsing parsing = new Parsing(Framing.LF, 40, PREFIX);
		Connection c = parsing.connection(1);
		parsing.read(c, reply(Framing.LF, 40, NO_PREFIX, 1, 0));
		parsing.read(c, reply(Framing.LF, 40, PREFIX, 1, 1));
		assertThat(c.mismatches).isOne();
		assertThat(c.matches).isOne();
	}

	static List<Framing> benchFramings() {
		List<Framing> framings = new ArrayList<>(List.of(Framing.values()));
		framings.remove(Framing.RAW);
		framings.remove(Framing.NONE);
		return framings;
	}

	/** The reply to a connection's request, framed by Sockeye's codec. */
	private static byte[] reply(Framing framing, int size, byte[] prefix, int connection, long sequence) {
		byte[] payload = BenchFrames.payload(size);
		String tag = String.format(Locale.ROOT, "%016x", BenchFrames.tag(connection, sequence));
		int digits = Math.min(BenchFrames.TAG_DIGITS, size);
		byte[] tail = tag.substring(BenchFrames.TAG_DIGITS - digits).getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(tail, 0, payload, 0, digits);
		return frame(framing, concat(prefix, payload));
	}

	private static byte[] replies(Framing framing, int size, byte[] prefix, int connection, long first, int count) {
		ByteArrayOutputStream stream = new ByteArrayOutputStream();
		for (long seq = first; seq < first + count; seq++) {
			stream.writeBytes(reply(framing, size, prefix, connection, seq));
		}
		return stream.toByteArray();
	}

	private static byte[] frame(Framing framing, byte[] payload) {
		try {
			return framing.codec(Integer.MAX_VALUE - 16).frame(payload);
		}
		catch (FramingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] filler(int length) {
		byte[] bytes = new byte[length];
		Arrays.fill(bytes, (byte) 'x');
		return bytes;
	}

	private static byte[] slice(byte[] bytes, int from, int to) {
		return Arrays.copyOfRange(bytes, from, to);
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream stream = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			stream.writeBytes(part);
		}
		return stream.toByteArray();
	}

	/** One worker's parser, with connections that expect their replies in order. */
	private static final class Parsing implements ReplyParser.Replies<Connection> {

		private final ReplyParser<Connection> parser;

		Parsing(Framing framing, int size, byte[] prefix) {
			this.parser = new ReplyParser<>(new BenchFrames(framing, size, prefix), this);
		}

		Connection connection(int id) {
			return new Connection(id);
		}

		/**
		 * One read of the connection, as the bench's: into the shared buffer, parsed
		 * whenever it is full, the rest kept with the connection.
		 */
		void read(Connection c, byte[] bytes) {
			ByteBuffer in = this.parser.resume(c);
			int at = 0;
			while (at < bytes.length) {
				int count = Math.min(in.remaining(), bytes.length - at);
				in.put(bytes, at, count);
				at += count;
				this.parser.parse(c, 0);
			}
			this.parser.suspend(c);
		}

		void readInChunks(Connection c, byte[] bytes, int chunk) {
			for (int at = 0; at < bytes.length; at += Math.min(chunk, bytes.length - at)) {
				read(c, slice(bytes, at, at + Math.min(chunk, bytes.length - at)));
			}
		}

		@Override
		public long expectedTag(Connection c) {
			return BenchFrames.tag(c.id, c.received);
		}

		@Override
		public void replied(Connection c, boolean match, long now) {
			c.received++;
			if (match) {
				c.matches++;
			}
			else {
				c.mismatches++;
			}
		}

	}

	private static final class Connection extends ReplyStream {

		final int id;

		long received;

		int matches;

		int mismatches;

		Connection(int id) {
			this.id = id;
		}

	}

}
