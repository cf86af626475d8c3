package dev.sockeye.framing;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class FrameBufferTests {

	@Test
	void startsEmptyAtInitialCapacity() {
		FrameBuffer buffer = new FrameBuffer(100_000);
		assertThat(buffer.capacity()).isEqualTo(FrameBuffer.INITIAL_CAPACITY);
		assertThat(buffer.readable()).isZero();
		assertThat(buffer.start()).isZero();
		assertThat(buffer.end()).isZero();
		assertThat(buffer.scanned()).isZero();
		assertThat(buffer.hasRoom()).isTrue();
	}

	@Test
	void initialCapacityIsCappedAtTheLimit() {
		assertThat(new FrameBuffer(100).capacity()).isEqualTo(100);
		assertThat(new FrameBuffer(100, 4096).capacity()).isEqualTo(100);
		assertThat(new FrameBuffer(100_000, 4096).capacity()).isEqualTo(4096);
		assertThat(new FrameBuffer(0).capacity()).isEqualTo(1);
	}

	@Test
	void writableViewIsTheFreeSpaceOverTheBackingArray() {
		FrameBuffer buffer = new FrameBuffer(100_000);
		ByteBuffer view = buffer.writableView();
		assertThat(view.position()).isZero();
		assertThat(view.limit()).isEqualTo(512);
		view.put(new byte[] { 1, 2, 3 });
		buffer.written(3);
		view = buffer.writableView();
		assertThat(view.position()).isEqualTo(3);
		assertThat(view.remaining()).isEqualTo(509);
		assertThat(view.array()).isSameAs(buffer.array());
		assertThat(Arrays.copyOfRange(buffer.array(), buffer.start(), buffer.end())).containsExactly(1, 2, 3);
	}

	@Test
	void growsOnlyWhenFull() {
		FrameBuffer buffer = new FrameBuffer(100_000);
		write(buffer, 511, 0);
		assertThat(buffer.writableView().remaining()).isEqualTo(1);
		assertThat(buffer.capacity()).isEqualTo(512);
		write(buffer, 1, 511);
		ByteBuffer view = buffer.writableView();
		assertThat(buffer.capacity()).isEqualTo(1024);
		assertThat(view.position()).isEqualTo(512);
		assertThat(view.remaining()).isEqualTo(512);
		assertContents(buffer, 0, 512);
	}

	@Test
	void growsByDoublingUpToTheLimitAndNoFurther() {
		FrameBuffer buffer = new FrameBuffer(1500);
		write(buffer, 512, 0);
		assertThat(buffer.makeRoom()).isEqualTo(512);
		assertThat(buffer.capacity()).isEqualTo(1024);
		write(buffer, 512, 512);
		assertThat(buffer.makeRoom()).isEqualTo(476);
		assertThat(buffer.capacity()).isEqualTo(1500);
		write(buffer, 476, 1024);
		assertThat(buffer.hasRoom()).isFalse();
		assertThatIllegalStateException().isThrownBy(buffer::writableView);
		assertThat(buffer.capacity()).isEqualTo(1500);
		assertContents(buffer, 0, 1500);
	}

	@Test
	void compactsInsteadOfGrowingWhenBytesInFrontWereConsumed() {
		FrameBuffer buffer = new FrameBuffer(100_000);
		write(buffer, 512, 0);
		buffer.skip(100);
		assertThat(buffer.start()).isEqualTo(100);
		ByteBuffer view = buffer.writableView();
		assertThat(buffer.capacity()).isEqualTo(512);
		assertThat(buffer.start()).isZero();
		assertThat(buffer.end()).isEqualTo(412);
		assertThat(view.position()).isEqualTo(412);
		assertThat(view.remaining()).isEqualTo(100);
		assertContents(buffer, 100, 412);
	}

	@Test
	void compactingKeepsHowFarTheCodecScanned() {
		FrameBuffer buffer = new FrameBuffer(100_000);
		write(buffer, 512, 0);
		buffer.skip(100);
		buffer.scanned(412);
		buffer.writableView();
		assertThat(buffer.start()).isZero();
		assertThat(buffer.scanned()).isEqualTo(412);
	}

	@Test
	void takingAFrameForgetsWhatWasScanned() {
		FrameBuffer buffer = new FrameBuffer(100_000);
		write(buffer, 20, 0);
		buffer.scanned(20);
		buffer.take(0, 5, 5);
		assertThat(buffer.scanned()).isZero();
	}

	@Test
	void doesNotCompactWhileThereIsFreeSpaceAtTheEnd() {
		FrameBuffer buffer = new FrameBuffer(100_000);
		write(buffer, 200, 0);
		buffer.skip(50);
		buffer.writableView();
		assertThat(buffer.start()).isEqualTo(50);
		assertThat(buffer.end()).isEqualTo(200);
	}

	@Test
	void takeReturnsACopyOfThePayloadAndDropsTheWholeFrame() {
		FrameBuffer buffer = new FrameBuffer(100_000);
		write(buffer, 10, 0);
		byte[] payload = buffer.take(1, 3, 5);
		assertThat(payload).containsExactly(1, 2, 3);
		assertThat(buffer.start()).isEqualTo(5);
		assertThat(buffer.readable()).isEqualTo(5);
		buffer.array()[2] = 99;
		assertThat(payload).containsExactly(1, 2, 3);
	}

	@Test
	void drainedBufferStartsAgainAtTheFront() {
		FrameBuffer buffer = new FrameBuffer(100_000);
		write(buffer, 300, 0);
		buffer.take(0, 300, 300);
		assertThat(buffer.start()).isZero();
		assertThat(buffer.end()).isZero();
		assertThat(buffer.capacity()).isEqualTo(512);
		assertThat(buffer.writableView().remaining()).isEqualTo(512);
	}

	@Test
	void shrinksBackToInitialCapacityAfterALargeFrameIsDrained() {
		FrameBuffer buffer = new FrameBuffer(1 << 20);
		write(buffer, 64 * 1024, 0);
		assertThat(buffer.capacity()).isEqualTo(64 * 1024);
		byte[] frame = buffer.take(0, 64 * 1024, 64 * 1024);
		assertThat(frame).hasSize(64 * 1024);
		assertThat(buffer.capacity()).isEqualTo(FrameBuffer.INITIAL_CAPACITY);
		assertThat(buffer.readable()).isZero();
		assertThat(buffer.writableView().remaining()).isEqualTo(FrameBuffer.INITIAL_CAPACITY);
	}

	@Test
	void shrinksBackToACustomInitialCapacity() {
		FrameBuffer buffer = new FrameBuffer(1 << 20, 4096);
		write(buffer, 100_000, 0);
		buffer.skip(100_000);
		assertThat(buffer.capacity()).isEqualTo(4096);
	}

	@Test
	void keepsItsCapacityWhileBytesOfTheNextFrameRemain() {
		FrameBuffer buffer = new FrameBuffer(1 << 20);
		write(buffer, 64 * 1024, 0);
		buffer.take(0, 60_000, 60_000);
		assertThat(buffer.capacity()).isEqualTo(64 * 1024);
		assertContents(buffer, 60_000, 64 * 1024 - 60_000);
		buffer.skip(buffer.readable());
		assertThat(buffer.capacity()).isEqualTo(FrameBuffer.INITIAL_CAPACITY);
	}

	/**
	 * Writes {@code count} bytes whose values are their positions in the stream, starting
	 * at {@code first}.
	 */
	private static void write(FrameBuffer buffer, int count, int first) {
		int done = 0;
		while (done < count) {
			ByteBuffer view = buffer.writableView();
			int n = Math.min(view.remaining(), count - done);
			for (int i = 0; i < n; i++) {
				view.put((byte) (first + done + i));
			}
			buffer.written(n);
			done += n;
		}
	}

	/**
	 * Asserts that the unframed bytes are stream positions {@code first} to
	 * {@code first + count}.
	 */
	private static void assertContents(FrameBuffer buffer, int first, int count) {
		assertThat(buffer.readable()).isEqualTo(count);
		byte[] expected = new byte[count];
		for (int i = 0; i < count; i++) {
			expected[i] = (byte) (first + i);
		}
		assertThat(Arrays.copyOfRange(buffer.array(), buffer.start(), buffer.end())).isEqualTo(expected);
	}

}
