package dev.sockeye.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.sockeye.proxy.ProxyHeader.Command;
import dev.sockeye.proxy.ProxyHeaders.Decoded;
import dev.sockeye.proxy.ProxyProtocolException.Kind;

import static dev.sockeye.proxy.ProxyHeaders.chunks;
import static dev.sockeye.proxy.ProxyHeaders.concat;
import static dev.sockeye.proxy.ProxyHeaders.readLoop;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the PROXY protocol decoder with Jazzer: arbitrary bytes, or encoded headers with
 * a byte changed, split at arbitrary points across reads, must decode as when read whole,
 * fail only with {@link ProxyProtocolException}, never take or wait for more than
 * {@link ProxyHeaderDecoder#maxLength()} bytes, and give back what the encoder wrote. The
 * build fuzzes it for {@code maxDuration} (its {@code fuzz} execution).
 */
class ProxyHeaderFuzzTests {

	private static final ProxyProtocol[] ACCEPTED = { ProxyProtocol.V1, ProxyProtocol.V2, ProxyProtocol.ANY };

	@FuzzTest(maxDuration = "20s")
	void decodingAgreesAcrossSplitsAndStaysWithinTheBound(FuzzedDataProvider data) throws Exception {
		ProxyProtocol accepted = data.pickValue(ACCEPTED);
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder(accepted);
		int[] splits = new int[data.consumeInt(0, 16)];
		for (int i = 0; i < splits.length; i++) {
			splits[i] = data.consumeInt(1, 64);
		}
		int kind = data.consumeInt(0, 3);
		InetSocketAddress source = (kind == 1 || kind == 2) ? address(data) : null;
		InetSocketAddress destination = (kind == 1 || kind == 2) ? address(data) : null;
		byte[] header = switch (kind) {
			case 1 -> ProxyHeaderEncoder.v1(source, destination);
			case 2 -> ProxyHeaderEncoder.v2(source, destination);
			case 3 -> ProxyHeaderEncoder.v2Local();
			default -> new byte[0];
		};
		boolean changed = header.length > 0 && data.consumeBoolean();
		if (changed) {
			header[data.consumeInt(0, header.length - 1)] = data.consumeByte();
		}
		byte[] input = concat(header, data.consumeRemainingAsBytes());

		Outcome whole = decodeWhole(decoder, input);
		Outcome split = decodeSplit(decoder, input, splits);
		assertThat(split).isEqualTo(whole);
		if (whole.header() != null) {
			assertThat(whole.header().length()).isLessThanOrEqualTo(decoder.maxLength());
			assertThat(whole.rest()).isEqualTo(Arrays.copyOfRange(input, whole.header().length(), input.length));
		}
		if (kind > 0 && !changed && accepts(accepted, header)) {
			ProxyHeader expected = (kind == 3) ? new ProxyHeader(Command.LOCAL, null, null, header.length)
					: new ProxyHeader(Command.PROXY, source, destination, header.length);
			assertThat(whole.header()).isEqualTo(expected);
		}
	}

	private static Outcome decodeWhole(ProxyHeaderDecoder decoder, byte[] input) {
		ByteBuffer buffer = ByteBuffer.wrap(input);
		try {
			ProxyHeader header = decoder.decode(buffer);
			if (header == null) {
				// a decoder never waits for more than its bound
				assertThat(input.length).isLessThan(decoder.maxLength());
				assertThat(buffer.position()).isZero();
				return new Outcome(null, null, null);
			}
			assertThat(buffer.position()).isEqualTo(header.length());
			return new Outcome(header, Arrays.copyOfRange(input, buffer.position(), input.length), null);
		}
		catch (ProxyProtocolException ex) {
			assertThat(buffer.position()).isZero();
			return new Outcome(null, null, ex.kind());
		}
	}

	private static Outcome decodeSplit(ProxyHeaderDecoder decoder, byte[] input, int[] splits) {
		try {
			Decoded decoded = readLoop(decoder, chunks(input, cycle(splits, input.length)));
			return (decoded != null) ? new Outcome(decoded.header(), decoded.rest(), null)
					: new Outcome(null, null, null);
		}
		catch (ProxyProtocolException ex) {
			return new Outcome(null, null, ex.kind());
		}
	}

	/** The split sizes repeated until they cover the input. */
	private static int[] cycle(int[] splits, int length) {
		if (splits.length == 0) {
			return new int[0];
		}
		int[] sizes = new int[length];
		for (int i = 0; i < length; i++) {
			sizes[i] = splits[i % splits.length];
		}
		return sizes;
	}

	private static boolean accepts(ProxyProtocol accepted, byte[] header) {
		return accepted == ProxyProtocol.ANY || (accepted == ProxyProtocol.V1) == (header[0] == 'P');
	}

	private static InetSocketAddress address(FuzzedDataProvider data) throws Exception {
		byte[] bytes = data.consumeBytes(data.consumeBoolean() ? 4 : 16);
		byte[] address = Arrays.copyOf(bytes, (bytes.length <= 4) ? 4 : 16);
		return new InetSocketAddress(InetAddress.getByAddress(address), data.consumeInt(0, 65535));
	}

	/** What decoding gave: a header and what followed it, a failure, or neither yet. */
	record Outcome(ProxyHeader header, byte[] rest, Kind failure) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Outcome outcome && Objects.equals(this.header, outcome.header)
					&& Arrays.equals(this.rest, outcome.rest) && this.failure == outcome.failure;
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.header, this.failure);
		}

		@Override
		public String toString() {
			return (this.failure != null) ? this.failure.name() : String.valueOf(this.header);
		}

	}

}
