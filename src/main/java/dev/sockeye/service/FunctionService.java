package dev.sockeye.service;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Adapts a user's {@code Function} bean to a {@link SockeyeService}.
 */
final class FunctionService {

	private FunctionService() {
	}

	static SockeyeService ofBytes(Function<byte[], byte[]> function) {
		return (request, peer) -> function.apply(request);
	}

	static SockeyeService ofStrings(Function<String, String> function) {
		return (request, peer) -> {
			String reply = function.apply(new String(request, StandardCharsets.UTF_8));
			return (reply != null) ? reply.getBytes(StandardCharsets.UTF_8) : null;
		};
	}

}
