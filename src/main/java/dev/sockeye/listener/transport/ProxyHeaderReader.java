package dev.sockeye.listener.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

import dev.sockeye.proxy.ProxyHeader;
import dev.sockeye.proxy.ProxyHeaderDecoder;
import dev.sockeye.proxy.ProxyProtocol;
import dev.sockeye.proxy.ProxyProtocolException;

/**
 * Collects a connection's PROXY protocol header, which comes before anything else (TLS
 * included). Its buffer is as large as the longest header the decoder accepts, and is let
 * go once the header is read; what came after the header in the same reads is handed on.
 */
final class ProxyHeaderReader {

	private final ProxyHeaderDecoder decoder;

	private final ByteBuffer buffer;

	ProxyHeaderReader(ProxyProtocol accepted) {
		this.decoder = new ProxyHeaderDecoder(accepted);
		this.buffer = ByteBuffer.allocate(this.decoder.maxLength());
	}

	/**
	 * Reads what a non-blocking channel has, up to the longest header.
	 * @return the bytes read, or -1 at the end of the stream
	 */
	int fill(ReadableByteChannel channel) throws IOException {
		return channel.read(this.buffer);
	}

	/**
	 * Reads what a blocking stream has, up to the longest header; waits for one byte.
	 * @return the bytes read, or -1 at the end of the stream
	 */
	int fill(InputStream in) throws IOException {
		int read = in.read(this.buffer.array(), this.buffer.position(), this.buffer.remaining());
		if (read > 0) {
			this.buffer.position(this.buffer.position() + read);
		}
		return read;
	}

	/**
	 * @return the header once all of it has been read, else null
	 * @throws ProxyProtocolException as soon as the bytes cannot be a header
	 */
	ProxyHeader decode() throws ProxyProtocolException {
		this.buffer.flip();
		try {
			return this.decoder.decode(this.buffer);
		}
		finally {
			// what follows a decoded header stays between position and limit for rest()
			if (this.buffer.position() == 0) {
				this.buffer.position(this.buffer.limit()).limit(this.buffer.capacity());
			}
		}
	}

	/**
	 * @return what came after the header, once {@link #decode} returned it
	 */
	ByteBuffer rest() {
		return this.buffer;
	}

}
