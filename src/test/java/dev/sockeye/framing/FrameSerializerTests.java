package dev.sockeye.framing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sockeye.framing.FramingException.Kind;

import static dev.sockeye.framing.Frames.bytes;
import static dev.sockeye.framing.Frames.framingError;
import static org.assertj.core.api.Assertions.assertThat;

class FrameSerializerTests {

	@ParameterizedTest
	@EnumSource(Framing.class)
	void writesExactlyTheFrameInOneWrite(Framing framing) throws IOException {
		FrameCodec codec = framing.codec(100);
		RecordingOutputStream out = new RecordingOutputStream();
		new FrameSerializer(codec).serialize(bytes("payload"), out);
		assertThat(out.writes).hasSize(1);
		assertThat(out.writes.get(0)).isEqualTo(codec.frame(bytes("payload")));
	}

	@Test
	void writesCrlfReplyWithLineEnd() throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		new FrameSerializer(Framing.CRLF.codec(100)).serialize(bytes("hello"), out);
		assertThat(out.toByteArray()).isEqualTo(bytes("hello\r\n"));
	}

	@ParameterizedTest
	@EnumSource(Framing.class)
	void rejectsOversizePayloadWithoutWritingAnything(Framing framing) {
		FrameCodec codec = framing.codec(100);
		RecordingOutputStream out = new RecordingOutputStream();
		FrameSerializer serializer = new FrameSerializer(codec);
		assertThat(framingError(() -> serializer.serialize(new byte[codec.maxPayload() + 1], out)).kind())
			.isEqualTo(Kind.OVERSIZE);
		assertThat(out.writes).isEmpty();
	}

	@Test
	void exposesItsCodec() {
		FrameCodec codec = Framing.LF.codec(100);
		assertThat(new FrameSerializer(codec).codec()).isSameAs(codec);
	}

	private static final class RecordingOutputStream extends OutputStream {

		private final List<byte[]> writes = new ArrayList<>();

		@Override
		public void write(int b) {
			this.writes.add(new byte[] { (byte) b });
		}

		@Override
		public void write(byte[] b, int off, int len) {
			this.writes.add(Arrays.copyOfRange(b, off, off + len));
		}

	}

}
