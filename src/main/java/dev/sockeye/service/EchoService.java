package dev.sockeye.service;

import java.nio.charset.StandardCharsets;

/**
 * The built-in {@code echo} service: replies with the request, after an optional prefix.
 */
public final class EchoService implements SockeyeService {

	private final byte[] prefix;

	/**
	 * @param prefix text put before every reply (UTF-8), empty for a plain echo
	 */
	public EchoService(String prefix) {
		this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public byte[] handle(byte[] request, Peer peer) {
		if (this.prefix.length == 0) {
			return request;
		}
		byte[] reply = new byte[this.prefix.length + request.length];
		System.arraycopy(this.prefix, 0, reply, 0, this.prefix.length);
		System.arraycopy(request, 0, reply, this.prefix.length, request.length);
		return reply;
	}

	@Override
	public boolean isBlocking() {
		return false;
	}

}
