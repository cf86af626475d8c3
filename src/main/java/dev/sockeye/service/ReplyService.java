package dev.sockeye.service;

import java.nio.charset.StandardCharsets;

/**
 * The built-in {@code reply} service: answers every message with the same configured
 * bytes, as the seeds' servers that send {@code Response} or {@code Hello, Client!}
 * whatever they read.
 */
public final class ReplyService implements SockeyeService {

	private final byte[] reply;

	/**
	 * @param text the reply (UTF-8), sent as given for every message
	 */
	public ReplyService(String text) {
		this.reply = text.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public byte[] handle(byte[] request, Peer peer) {
		// the listener frames and writes the array without changing it, so one array
		// serves every reply
		return this.reply;
	}

	@Override
	public boolean isBlocking() {
		return false;
	}

}
