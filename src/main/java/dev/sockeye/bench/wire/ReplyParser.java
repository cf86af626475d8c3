package dev.sockeye.bench.wire;

import java.nio.ByteBuffer;

/**
 * Finds and checks the replies in what one thread reads from its connections, so that
 * every reply is counted once however the reads split it.
 *
 * @param <C> the connections, each carrying its partial reply between reads
 */
public final class ReplyParser<C extends ReplyStream> {

	private final BenchFrames frames;

	private final Replies<C> replies;

	/**
	 * The expected reply frame, with the tag of the reply being checked written in;
	 * position 0, limit its length.
	 */
	private final ByteBuffer expected;

	private final int replyFrame;

	/**
	 * Every read lands here, so that it stays in cache; a partial reply is carried by its
	 * connection.
	 */
	private final ByteBuffer in;

	/**
	 * @param frames the run's frames
	 * @param replies what the replies are told to
	 */
	public ReplyParser(BenchFrames frames, Replies<C> replies) {
		this.frames = frames;
		this.replies = replies;
		this.replyFrame = frames.reply.length;
		this.expected = ByteBuffer.allocateDirect(this.replyFrame);
		this.expected.put(frames.reply).clear();
		// room for many replies per read, and always for two whole ones
		this.in = ByteBuffer.allocateDirect(Math.max(64 * 1024, 2 * this.replyFrame + 16));
	}

	/**
	 * Starts reading a connection: the shared input buffer, cleared, then holding what
	 * the connection carried from its last read.
	 * @param c the connection
	 * @return the input buffer to read into, then {@link #parse}
	 */
	public ByteBuffer resume(C c) {
		ByteBuffer in = this.in;
		in.clear();
		if (c.carried > 0) {
			in.put(c.carry, 0, c.carried);
			c.carried = 0;
		}
		return in;
	}

	/**
	 * @return the shared input buffer, as {@link #resume} left it or {@link #parse}
	 * compacted it
	 */
	public ByteBuffer input() {
		return this.in;
	}

	/**
	 * Ends reading a connection: keeps the start of a reply that has not fully arrived
	 * with the connection until the rest arrives.
	 * @param c the connection
	 */
	public void suspend(C c) {
		ByteBuffer in = this.in;
		int left = in.position();
		if (left > 0) {
			if (c.carry == null || c.carry.length < left) {
				c.carry = new byte[Math.max(left, Math.min(2 * this.replyFrame, in.capacity()))];
			}
			in.flip();
			in.get(c.carry, 0, left);
			c.carried = left;
		}
	}

	/**
	 * Takes every complete reply from the shared input buffer, which holds this
	 * connection's bytes from 0 to its position, and leaves what is left of them (the
	 * start of a reply) at its start.
	 * @param c the connection
	 * @param now when the bytes arrived (System.nanoTime)
	 */
	public void parse(C c, long now) {
		ByteBuffer in = this.in;
		int capacity = in.capacity();
		int end = in.position();
		int pos = 0;
		int frame = this.replyFrame;
		while (pos < end) {
			if (c.skipping) {
				pos = skip(c, pos, end);
				continue;
			}
			if (end - pos >= frame) {
				// the usual case: a whole reply, compared in one go with what it should
				// be
				this.frames.putTag(this.expected, this.frames.replyTag, this.replies.expectedTag(c));
				in.limit(pos + frame).position(pos);
				boolean equal = in.mismatch(this.expected) < 0;
				in.limit(capacity);
				if (equal) {
					replied(c, true, now);
					pos += frame;
					continue;
				}
			}
			int next = this.frames.delimited() ? delimitedFrame(c, pos, end, now) : lengthFrame(c, pos, end, now);
			if (next < 0) {
				break;
			}
			pos = next;
		}
		if (pos >= end) {
			in.clear();
		}
		else if (pos > 0) {
			in.limit(end).position(pos);
			in.compact();
		}
		else {
			in.limit(capacity).position(end);
		}
	}

	/**
	 * @return where the next frame starts, or -1 when this one is not complete
	 */
	private int delimitedFrame(C c, int pos, int end, long now) {
		ByteBuffer in = this.in;
		byte terminator = this.frames.terminator;
		int i = pos + c.scanned;
		while (i < end && in.get(i) != terminator) {
			i++;
		}
		if (i == end) {
			if (pos == 0 && end == in.capacity()) {
				// longer than any right reply can be: a mismatch, thrown away up to its
				// terminator
				replied(c, false, now);
				c.skipping = true;
				return end;
			}
			c.scanned = end - pos;
			return -1;
		}
		int from = pos;
		if (this.frames.startByte() && in.get(from) == BenchFrames.STX) {
			from++;
		}
		int to = i;
		if (this.frames.stripsCr() && to > from && in.get(to - 1) == BenchFrames.cr()) {
			to--;
		}
		replied(c, payloadMatches(c, from, to), now);
		return i + 1;
	}

	/**
	 * @return where the next frame starts, or -1 when this one is not complete
	 */
	private int lengthFrame(C c, int pos, int end, long now) {
		ByteBuffer in = this.in;
		int header = this.frames.lengthHeader;
		if (end - pos < header) {
			return -1;
		}
		long length = 0;
		for (int i = 0; i < header; i++) {
			length = (length << 8) | (in.get(pos + i) & 0xff);
		}
		long total = header + length;
		if (total > in.capacity()) {
			replied(c, false, now);
			c.skipping = true;
			c.skipRemaining = total - (end - pos);
			return end;
		}
		if (end - pos < total) {
			return -1;
		}
		replied(c, payloadMatches(c, pos + header, (int) (pos + total)), now);
		return (int) (pos + total);
	}

	private int skip(C c, int pos, int end) {
		if (this.frames.delimited()) {
			ByteBuffer in = this.in;
			byte terminator = this.frames.terminator;
			for (int i = pos; i < end; i++) {
				if (in.get(i) == terminator) {
					c.skipping = false;
					return i + 1;
				}
			}
			return end;
		}
		long take = Math.min(c.skipRemaining, end - pos);
		c.skipRemaining -= take;
		if (c.skipRemaining == 0) {
			c.skipping = false;
		}
		return (int) (pos + take);
	}

	private boolean payloadMatches(C c, int from, int to) {
		if (to - from != this.frames.replyPayload) {
			return false;
		}
		ByteBuffer in = this.in;
		ByteBuffer expected = this.expected;
		int head = this.frames.head;
		this.frames.putTag(expected, this.frames.replyTag, this.replies.expectedTag(c));
		in.limit(to).position(from);
		expected.limit(head + this.frames.replyPayload).position(head);
		boolean equal = in.mismatch(expected) < 0;
		in.limit(in.capacity());
		expected.limit(this.replyFrame).position(0);
		return equal;
	}

	private void replied(C c, boolean match, long now) {
		c.scanned = 0;
		this.replies.replied(c, match, now);
	}

	/**
	 * What the parser tells about each reply it finds.
	 *
	 * @param <C> the connections
	 */
	public interface Replies<C> {

		/**
		 * @param connection the connection
		 * @return the tag of the reply expected next on the connection
		 */
		long expectedTag(C connection);

		/**
		 * @param connection the connection
		 * @param match true when the reply is the one expected next
		 * @param now when it arrived (System.nanoTime)
		 */
		void replied(C connection, boolean match, long now);

	}

}
