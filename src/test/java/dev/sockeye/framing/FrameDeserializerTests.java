package dev.sockeye.framing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

import dev.sockeye.framing.FramingException.Kind;

import static dev.sockeye.framing.Frames.bytes;
import static dev.sockeye.framing.Frames.concat;
import static dev.sockeye.framing.Frames.filled;
import static dev.sockeye.framing.Frames.framingError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.params.provider.EnumSource.Mode.EXCLUDE;

class FrameDeserializerTests {

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "RAW", "NONE" }, mode = EXCLUDE)
	void leavesTheNextFrameUnreadOnAPlainStream(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(100);
		byte[] first = codec.frame(bytes("first"));
		byte[] second = codec.frame(bytes("second"));
		ByteArrayInputStream in = new ByteArrayInputStream(concat(first, second));
		FrameDeserializer deserializer = new FrameDeserializer(codec);
		assertThat(deserializer.deserialize(in)).isEqualTo(bytes("first"));
		assertThat(in.available()).isEqualTo(second.length);
		assertThat(deserializer.deserialize(in)).isEqualTo(bytes("second"));
		assertThat(in.available()).isZero();
		assertThatExceptionOfType(SoftEndOfStreamException.class).isThrownBy(() -> deserializer.deserialize(in));
	}

	@ParameterizedTest
	@EnumSource(value = Framing.class, names = { "RAW", "NONE" }, mode = EXCLUDE)
	void readsFramesFromAFrameReaderInBulk(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(100);
		ByteArrayInputStream in = new ByteArrayInputStream(concat(codec.frame(bytes("a")), codec.frame(bytes("b"))));
		FrameReader reader = new FrameReader(in, codec.newBuffer());
		FrameDeserializer deserializer = new FrameDeserializer(codec);
		assertThat(deserializer.deserialize(reader)).isEqualTo(bytes("a"));
		assertThat(in.available()).isZero();
		assertThat(deserializer.deserialize(reader)).isEqualTo(bytes("b"));
		assertThatExceptionOfType(SoftEndOfStreamException.class).isThrownBy(() -> deserializer.deserialize(reader));
	}

	@Test
	void emptyStreamIsASoftEndOfStream() {
		FrameDeserializer deserializer = new FrameDeserializer(Framing.CRLF.codec(100));
		assertThatExceptionOfType(SoftEndOfStreamException.class)
			.isThrownBy(() -> deserializer.deserialize(InputStream.nullInputStream()));
	}

	@Test
	void partialFrameAtEndOfStreamIsDecodeError() {
		FrameDeserializer deserializer = new FrameDeserializer(Framing.CRLF.codec(100));
		assertThat(framingError(() -> deserializer.deserialize(new ByteArrayInputStream(bytes("no end")))).kind())
			.isEqualTo(Kind.DECODE);
	}

	@Test
	void oversizeFrameOnAPlainStreamStopsReadingAtTheLimit() {
		FrameCodec codec = Framing.LF.codec(100);
		ByteArrayInputStream in = new ByteArrayInputStream(filled(1000, 'x'));
		FrameDeserializer deserializer = new FrameDeserializer(codec);
		assertThat(framingError(() -> deserializer.deserialize(in)).kind()).isEqualTo(Kind.OVERSIZE);
		assertThat(in.available()).isEqualTo(1000 - codec.bufferLimit());
	}

	@Test
	void rawReadsTheWholePlainStream() throws IOException {
		FrameDeserializer deserializer = new FrameDeserializer(Framing.RAW.codec(100));
		assertThat(deserializer.deserialize(new ByteArrayInputStream(bytes("all\nof\nit"))))
			.isEqualTo(bytes("all\nof\nit"));
	}

}
