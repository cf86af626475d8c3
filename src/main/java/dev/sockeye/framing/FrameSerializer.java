package dev.sockeye.framing;

import java.io.IOException;
import java.io.OutputStream;

import org.springframework.core.serializer.Serializer;

/**
 * Spring Integration's view of a {@link FrameCodec} for writing: one frame per message,
 * in one write.
 */
public final class FrameSerializer implements Serializer<byte[]> {

	private final FrameCodec codec;

	public FrameSerializer(FrameCodec codec) {
		this.codec = codec;
	}

	/**
	 * @return the codec that frames each message
	 */
	public FrameCodec codec() {
		return this.codec;
	}

	@Override
	public void serialize(byte[] payload, OutputStream outputStream) throws IOException {
		this.codec.encode(payload, outputStream);
	}

}
