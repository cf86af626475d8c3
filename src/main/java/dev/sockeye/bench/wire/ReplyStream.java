package dev.sockeye.bench.wire;

/**
 * What the reply parser keeps of one connection between reads, so that a reply split
 * across reads is still taken whole and once.
 */
public abstract class ReplyStream {

	/** The start of a reply that has not fully arrived. */
	byte[] carry;

	int carried;

	/** How many carried bytes are known to hold no terminator. */
	int scanned;

	/** True while the rest of an over-long reply is being thrown away. */
	boolean skipping;

	/** Bytes of an over-long length-header reply still to be thrown away. */
	long skipRemaining;

	protected ReplyStream() {
	}

	/**
	 * @return true when part of a reply has arrived and the rest has not
	 */
	public final boolean partialReply() {
		return this.carried > 0 || this.skipping;
	}

	/** Forgets a partial reply, when the connection it came on is gone. */
	public final void forgetPartialReply() {
		this.carried = 0;
		this.scanned = 0;
		this.skipping = false;
		this.skipRemaining = 0;
	}

}
