package dev.sockeye.bench.load;

/**
 * What the workers need of the command line, so that the engine does not depend on how
 * options are parsed.
 *
 * @param host the server's host name, for TLS
 * @param port the server's port, for TLS
 * @param target {@code host:port}, for messages
 * @param connections connections of the whole run
 * @param depth requests in flight per connection in a closed loop
 * @param rate requests per second of the whole run in an open loop, 0 for a closed loop
 * @param outstandingLimit the most requests one connection may have outstanding
 * @param connectTimeoutNanos how long to wait for the connections
 * @param connectTimeoutText the connect timeout, as messages show it
 * @param warmupNanos load before measuring
 * @param durationNanos how long to measure
 * @param reconnect true to reopen the connections the server closes
 * @param proxyProtocol the PROXY protocol version each connection starts with, 0 for none
 */
public record LoadSettings(String host, int port, String target, int connections, int depth, double rate,
		int outstandingLimit, long connectTimeoutNanos, String connectTimeoutText, long warmupNanos, long durationNanos,
		boolean reconnect, int proxyProtocol) {
}
