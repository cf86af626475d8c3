package dev.sockeye.framing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.sockeye.framing.Frames.bytes;
import static dev.sockeye.framing.Frames.concat;
import static dev.sockeye.framing.Frames.decodeChunks;
import static dev.sockeye.framing.Frames.decodeStream;
import static dev.sockeye.framing.Frames.hex;
import static dev.sockeye.framing.Frames.oneByteChunks;
import static dev.sockeye.framing.Frames.randomBytes;
import static dev.sockeye.framing.Frames.randomChunks;
import static dev.sockeye.framing.Frames.readAll;
import static dev.sockeye.framing.Frames.splitAt;
import static dev.sockeye.framing.Frames.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.params.provider.EnumSource.Mode.EXCLUDE;
import static org.junit.jupiter.params.provider.EnumSource.Mode.INCLUDE;

/**
 * Properties every framing must have: what is framed decodes back, however the stream is
 * cut into reads. {@code raw} and {@code none} carry no frame boundaries and have their
 * own versions of the properties.
 */
class FramingTests {

	/**
	 * Above {@link FrameBuffer#INITIAL_CAPACITY}, so that a max-size frame makes the
	 * buffer grow.
	 */
	private static final int MAX = 700;

	private static final long SEED = 20240601L;

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "RAW", "NONE" }, mode = EXCLUDE)
	void roundTripsEveryPayloadIncludingEmptyAndMaxSize(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		for (byte[] payload : payloads(framing, codec)) {
			FrameBuffer buffer = codec.newBuffer();
			List<byte[]> decoded = decodeChunks(codec, buffer, List.of(codec.frame(payload)));
			assertThat(hex(decoded)).containsExactly(hex(payload));
			assertThat(buffer.readable()).isZero();
			assertThat(codec.decodeAtEndOfStream(buffer)).isNull();
		}
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "RAW", "NONE" }, mode = EXCLUDE)
	void decodesStreamSplitInTwoAtEveryPossiblePoint(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		List<byte[]> payloads = payloads(framing, codec);
		byte[] data = stream(codec, payloads);
		for (int point = 0; point <= data.length; point++) {
			assertThat(hex(decodeStream(codec, splitAt(data, point)))).as("split at %d", point)
				.containsExactlyElementsOf(hex(payloads));
		}
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "RAW", "NONE" }, mode = EXCLUDE)
	void decodesStreamSplitAtEveryByteBoundary(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		List<byte[]> payloads = payloads(framing, codec);
		byte[] data = stream(codec, payloads);
		assertThat(hex(decodeStream(codec, oneByteChunks(data)))).containsExactlyElementsOf(hex(payloads));
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "RAW", "NONE" }, mode = EXCLUDE)
	void decodesStreamSplitIntoRandomChunks(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		List<byte[]> payloads = payloads(framing, codec);
		byte[] data = stream(codec, payloads);
		Random random = new Random(SEED);
		for (int round = 0; round < 300; round++) {
			int maxChunk = 1 + random.nextInt(round % 3 == 0 ? 8 : 1200);
			assertThat(hex(decodeStream(codec, randomChunks(data, random, maxChunk)))).as("round %d", round)
				.containsExactlyElementsOf(hex(payloads));
		}
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "RAW", "NONE" }, mode = EXCLUDE)
	void decodesSeveralFramesInOneChunk(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		List<byte[]> payloads = List.of(bytes("one"), bytes(""), bytes("three"), bytes("4"));
		FrameBuffer buffer = codec.newBuffer();
		assertThat(Frames.feed(codec, buffer, stream(codec, payloads))).isEqualTo(bytes("one"));
		assertThat(codec.decode(buffer)).isEqualTo(bytes(""));
		assertThat(codec.decode(buffer)).isEqualTo(bytes("three"));
		assertThat(codec.decode(buffer)).isEqualTo(bytes("4"));
		assertThat(codec.decode(buffer)).isNull();
		assertThat(buffer.readable()).isZero();
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "RAW", "NONE" }, mode = EXCLUDE)
	void readsFramesThroughFrameReaderFromRandomSmallChunks(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		List<byte[]> payloads = payloads(framing, codec);
		byte[] data = stream(codec, payloads);
		Random random = new Random(SEED);
		for (int round = 0; round < 100; round++) {
			Frames.ChunkedInputStream in = new Frames.ChunkedInputStream(data, random, 1 + random.nextInt(16));
			assertThat(hex(readAll(codec, in))).as("round %d", round).containsExactlyElementsOf(hex(payloads));
			assertThat(in.position()).isEqualTo(data.length);
		}
	}

	@Test
	void rawTreatsWholeStreamAsOneMessageHoweverItIsSplit() throws IOException {
		FrameCodec codec = Framing.RAW.codec(MAX);
		byte[] data = randomBytes(new Random(SEED), MAX, -1);
		for (int point = 0; point <= data.length; point++) {
			assertThat(hex(decodeStream(codec, splitAt(data, point)))).containsExactly(hex(data));
		}
		assertThat(hex(decodeStream(codec, oneByteChunks(data)))).containsExactly(hex(data));
		Random random = new Random(SEED);
		for (int round = 0; round < 50; round++) {
			assertThat(hex(decodeStream(codec, randomChunks(data, random, 1 + random.nextInt(100)))))
				.containsExactly(hex(data));
			assertThat(hex(readAll(codec, new Frames.ChunkedInputStream(data, random, 1 + random.nextInt(16)))))
				.containsExactly(hex(data));
		}
	}

	@Test
	void noneDeliversEveryByteInOrderHoweverItIsSplit() throws IOException {
		FrameCodec codec = Framing.NONE.codec(MAX);
		byte[] data = randomBytes(new Random(SEED), 3 * MAX + 5, -1);
		Random random = new Random(SEED);
		for (int round = 0; round < 100; round++) {
			List<byte[]> chunks = randomChunks(data, random, 1 + random.nextInt(1000));
			List<byte[]> messages = decodeStream(codec, chunks);
			assertThat(hex(concat(messages))).isEqualTo(hex(data));
			assertThat(messages).allSatisfy((message) -> assertThat(message.length).isBetween(1, MAX));
			List<byte[]> read = readAll(codec, new Frames.ChunkedInputStream(data, random, 1 + random.nextInt(16)));
			assertThat(hex(concat(read))).isEqualTo(hex(data));
		}
	}

	@ParameterizedTest
	@CsvSource({ "CRLF, 1000, 1002", "LF, 1000, 1001", "NULL, 1000, 1001", "STX_ETX, 1000, 1002",
			"LENGTH_HEADER_1, 255, 256", "LENGTH_HEADER_2, 1000, 1002", "LENGTH_HEADER_4, 1000, 1004",
			"RAW, 1000, 1001", "NONE, 1000, 1000" })
	void codecAcceptsMaxPayloadAndBuffersOnlyItsFramingOverhead(Framing framing, int maxPayload, int bufferLimit) {
		FrameCodec codec = framing.codec(1000);
		assertThat(codec.maxPayload()).isEqualTo(maxPayload);
		assertThat(codec.bufferLimit()).isEqualTo(bufferLimit);
	}

	@ParameterizedTest
	@EnumSource(Framing.class)
	void onlyRawEndsWithTheStream(Framing framing) {
		assertThat(framing.codec(10).endsWithStream()).isEqualTo(framing == Framing.RAW);
	}

	@ParameterizedTest
	@CsvSource({ "CRLF, crlf", "LF, lf", "NULL, null", "STX_ETX, stx-etx", "LENGTH_HEADER_1, length-header-1",
			"LENGTH_HEADER_2, length-header-2", "LENGTH_HEADER_4, length-header-4", "RAW, raw", "NONE, none" })
	void configNameIsLowerCaseWithDashes(Framing framing, String configName) {
		assertThat(framing.configName()).isEqualTo(configName);
	}

	@ParameterizedTest
	@EnumSource(Framing.class)
	void framingPayloadOneByteOverMaxIsOversize(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		assertThat(codec.frame(new byte[codec.maxPayload()])).hasSizeGreaterThanOrEqualTo(codec.maxPayload());
		assertThat(Frames.framingError(() -> codec.frame(new byte[codec.maxPayload() + 1])).kind())
			.isEqualTo(FramingException.Kind.OVERSIZE);
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "RAW", "NONE" }, mode = INCLUDE)
	void unframedRepliesAreWrittenAsTheyAre(Framing framing) throws IOException {
		byte[] payload = bytes("as\nis\0\r\n");
		assertThat(framing.codec(MAX).frame(payload)).isEqualTo(payload);
	}

	/**
	 * Payloads that the framing can carry: empty, short, with a CR in the middle and at
	 * the end, random bytes, and one of the codec's maximum size.
	 */
	@ParameterizedTest
	@EnumSource(Framing.class)
	void framesIntoABufferTheBytesItFramesIntoAnArray(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		for (byte[] payload : payloads(framing, codec)) {
			byte[] frame = codec.frame(payload);
			ByteBuffer buffer = ByteBuffer.allocateDirect(MAX + 8).position(3);
			assertThat(codec.frame(payload, buffer)).isTrue();
			byte[] written = new byte[buffer.position() - 3];
			buffer.get(3, written);
			assertThat(hex(written)).isEqualTo(hex(frame));
		}
	}

	@ParameterizedTest
	@EnumSource(Framing.class)
	void framesIntoABufferOnlyAWholeFrame(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(MAX);
		byte[] payload = bytes("twelve bytes");
		int frameLength = codec.frame(payload).length;
		ByteBuffer tooSmall = ByteBuffer.allocate(frameLength - 1);
		assertThat(codec.frame(payload, tooSmall)).isFalse();
		assertThat(tooSmall.position()).isZero();
		ByteBuffer exact = ByteBuffer.allocate(frameLength);
		assertThat(codec.frame(payload, exact)).isTrue();
		assertThat(exact.hasRemaining()).isFalse();
	}

	@ParameterizedTest
	@EnumSource(Framing.class)
	void refusesToFrameIntoABufferAPayloadOverTheLimit(Framing framing) {
		FrameCodec codec = framing.codec(MAX);
		ByteBuffer buffer = ByteBuffer.allocate(4 * MAX);
		assertThatExceptionOfType(FramingException.class)
			.isThrownBy(() -> codec.frame(new byte[codec.maxPayload() + 1], buffer));
		assertThat(buffer.position()).isZero();
	}

	private static List<byte[]> payloads(Framing framing, FrameCodec codec) {
		int forbidden = switch (framing) {
			case CRLF, LF -> '\n';
			case NULL -> 0;
			case STX_ETX -> 0x03;
			default -> -1;
		};
		Random random = new Random(SEED);
		List<byte[]> payloads = new ArrayList<>();
		payloads.add(bytes(""));
		payloads.add(bytes("a"));
		payloads.add(bytes("carriage\rreturn"));
		payloads.add(bytes("ends with CR\r"));
		payloads.add(bytes(""));
		payloads.add(randomBytes(random, 100, forbidden));
		payloads.add(randomBytes(random, codec.maxPayload(), forbidden));
		payloads.add(bytes("\u0002starts with STX"));
		payloads.add(randomBytes(random, 37, forbidden));
		return payloads;
	}

}
