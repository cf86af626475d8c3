package dev.sockeye.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sockeye.framing.Framing;
import dev.sockeye.framing.FramingException;

/**
 * The options of {@code sockeye bench}, parsed from {@code --key value} or
 * {@code --key=value} arguments.
 *
 * @param host the server's host name or address
 * @param port the server's port
 * @param connections how many connections to open
 * @param duration how long to measure, after the warm-up
 * @param warmup how long to run the load before measuring
 * @param size bytes per request payload
 * @param framing how requests and replies are framed
 * @param depth requests in flight per connection in a closed loop
 * @param rate total requests per second in an open loop, or 0 for a closed loop
 * @param expectPrefix what each reply carries before the echoed request
 * @param json where to write the results as JSON, or {@code null}
 * @param connectTimeout how long to wait for the connections
 * @param threads I/O threads, each with its own selector and share of the connections
 * @param tls how to connect with TLS, or {@code null} for plain TCP
 * @param reconnect true to reopen connections the server closes and carry on
 * @param proxyProtocol the PROXY protocol version each connection starts with (1 or 2),
 * or 0 for none
 * @param help true when only the usage was asked for
 */
record BenchOptions(String host, int port, int connections, Duration duration, Duration warmup, int size,
		Framing framing, int depth, double rate, byte[] expectPrefix, String json, Duration connectTimeout, int threads,
		Tls tls, boolean reconnect, int proxyProtocol, boolean help) {

	/**
	 * The most requests one connection may have outstanding, in an open loop and as a
	 * depth.
	 */
	static final int MAX_OUTSTANDING = 1024;

	/** Send times kept for all connections of an open loop, at most. */
	private static final int OPEN_LOOP_RING_BUDGET = 1024 * 1024;

	/** The largest request payload. */
	static final int MAX_SIZE = 1024 * 1024;

	static final String USAGE = """
			usage: sockeye bench [options]
			  --host H             server host (default 127.0.0.1)
			  --port P             server port (default 8888)
			  --connections N      connections to open (default 50)
			  --duration D         how long to measure, after the warm-up: 30s, 500ms, 2m (default 10s)
			  --warmup D           load before measuring, not counted (default 2s)
			  --size N             request payload bytes (default 32)
			  --framing F          crlf, lf, null, stx-etx, length-header-1, length-header-2, length-header-4
			                       (default crlf)
			  --depth K            closed loop: requests in flight per connection, 1 to 1024 (default 1)
			  --rate R             open loop: R requests per second in total, sent on schedule whatever the
			                       replies; latency counts from the intended send time; a send due while
			                       a connection has 1024 requests outstanding is skipped, as an error
			  --expect-prefix T    replies are T followed by the request (default: exact echo)
			  --json FILE          also write the results to FILE as JSON
			  --connect-timeout D  how long to wait for the connections (default 5s)
			  --threads N          I/O threads (default 1)
			  --tls                connect with TLS, trusting the JDK's certificate authorities; the server's
			                       certificate must name --host; handshakes count against --connect-timeout
			  --tls-ca FILE        PEM certificates that verify the server instead (implies --tls)
			  --tls-cert FILE      PEM client certificate chain for mutual TLS, with --tls-key (implies --tls)
			  --tls-key FILE       PEM private key of --tls-cert (implies --tls)
			  --reconnect          reopen a connection the server closes and carry on; requests in
			                       flight at a close at a reply boundary are resent once on the new
			                       connection, those never answered are lost
			  --proxy-protocol V   start each connection with a PROXY protocol header, v1 or v2, naming
			                       the connection's own addresses (before TLS)
			exit codes: 0 all replies correct, 1 errors, mismatches, lost connections or requests, 2 usage,
			            3 no connection could be made
			""";

	private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h|d)?");

	/**
	 * @param args the arguments after {@code bench}
	 * @return the options
	 * @throws UsageException when an option is unknown or a value is bad
	 */
	static BenchOptions parse(String[] args) throws UsageException {
		String host = "127.0.0.1";
		int port = 8888;
		int connections = 50;
		Duration duration = Duration.ofSeconds(10);
		Duration warmup = Duration.ofSeconds(2);
		int size = 32;
		Framing framing = Framing.CRLF;
		int depth = 1;
		double rate = 0;
		byte[] expectPrefix = new byte[0];
		String json = null;
		Duration connectTimeout = Duration.ofSeconds(5);
		int threads = 1;
		boolean tls = false;
		String tlsCa = null;
		String tlsCert = null;
		String tlsKey = null;
		boolean reconnect = false;
		int proxyProtocol = 0;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (arg.equals("--help") || arg.equals("-h")) {
				return new BenchOptions(host, port, connections, duration, warmup, size, framing, depth, rate,
						expectPrefix, json, connectTimeout, threads, null, false, 0, true);
			}
			if (arg.equals("--reconnect")) {
				reconnect = true;
				continue;
			}
			if (arg.startsWith("--reconnect=")) {
				throw new UsageException("--reconnect takes no value");
			}
			if (arg.equals("--tls")) {
				tls = true;
				continue;
			}
			if (arg.startsWith("--tls=")) {
				throw new UsageException("--tls takes no value");
			}
			if (!arg.startsWith("--") || arg.length() == 2) {
				throw new UsageException("unexpected argument '" + arg + "'");
			}
			String name;
			String value;
			int equals = arg.indexOf('=');
			if (equals > 0) {
				name = arg.substring(2, equals);
				value = arg.substring(equals + 1);
			}
			else {
				name = arg.substring(2);
				if (!isOption(name)) {
					throw new UsageException("unknown option '" + arg + "'");
				}
				if (i + 1 >= args.length) {
					throw new UsageException("option '" + arg + "' needs a value");
				}
				value = args[++i];
			}
			switch (name) {
				case "host" -> host = nonBlank(name, value);
				case "port" -> port = integer(name, value, 1, 65535);
				case "connections" -> connections = integer(name, value, 1, 1_000_000);
				case "duration" -> duration = duration(name, value, false);
				case "warmup" -> warmup = duration(name, value, true);
				case "size" -> size = integer(name, value, 1, MAX_SIZE);
				case "framing" -> framing = framing(value);
				case "depth" -> depth = integer(name, value, 1, MAX_OUTSTANDING);
				case "rate" -> rate = rate(value);
				case "expect-prefix" -> expectPrefix = value.getBytes(StandardCharsets.UTF_8);
				case "json" -> json = nonBlank(name, value);
				case "connect-timeout" -> connectTimeout = duration(name, value, false);
				case "threads" -> threads = integer(name, value, 1, 64);
				case "tls-ca" -> tlsCa = nonBlank(name, value);
				case "tls-cert" -> tlsCert = nonBlank(name, value);
				case "tls-key" -> tlsKey = nonBlank(name, value);
				case "proxy-protocol" -> proxyProtocol = proxyProtocol(value);
				default -> throw new UsageException("unknown option '--" + name + "'");
			}
		}
		if (threads > connections) {
			throw new UsageException("--threads " + threads + " is more than --connections " + connections);
		}
		if (rate > 0 && depth != 1) {
			throw new UsageException(
					"--depth is for the closed loop; with --rate the schedule decides what is in" + " flight");
		}
		if ((tlsCert == null) != (tlsKey == null)) {
			throw new UsageException("--tls-cert and --tls-key go together: a client certificate needs its key");
		}
		checkFits(framing, size, expectPrefix.length);
		Tls tlsOptions = (tls || tlsCa != null || tlsCert != null) ? new Tls(tlsCa, tlsCert, tlsKey) : null;
		return new BenchOptions(host, port, connections, duration, warmup, size, framing, depth, rate, expectPrefix,
				json, connectTimeout, threads, tlsOptions, reconnect, proxyProtocol, false);
	}

	/**
	 * @return how many requests one connection may have outstanding: the depth in a
	 * closed loop; in an open loop 1,024, or fewer with many connections (at least 16),
	 * so that the send times of all of them fit in 8 MiB
	 */
	int outstandingLimit() {
		if (!openLoop()) {
			return this.depth;
		}
		int share = Integer.highestOneBit(Math.max(1, OPEN_LOOP_RING_BUDGET / this.connections));
		return Math.max(16, Math.min(MAX_OUTSTANDING, share));
	}

	/**
	 * @return true for an open loop (with {@code --rate})
	 */
	boolean openLoop() {
		return this.rate > 0;
	}

	/**
	 * @return {@code host:port}
	 */
	String target() {
		return (this.host.indexOf(':') >= 0 ? "[" + this.host + "]" : this.host) + ":" + this.port;
	}

	private static boolean isOption(String name) {
		return switch (name) {
			case "host", "port", "connections", "duration", "warmup", "size", "framing", "depth", "rate",
					"expect-prefix", "json", "connect-timeout", "threads", "tls-ca", "tls-cert", "tls-key",
					"proxy-protocol" ->
				true;
			default -> false;
		};
	}

	private static String nonBlank(String name, String value) throws UsageException {
		if (value.isBlank()) {
			throw new UsageException("--" + name + " needs a value");
		}
		return value;
	}

	private static int integer(String name, String value, int min, int max) throws UsageException {
		try {
			int parsed = Integer.parseInt(value.trim().replace("_", ""));
			if (parsed < min || parsed > max) {
				throw new UsageException("--" + name + " must be between " + min + " and " + max + ", not " + value);
			}
			return parsed;
		}
		catch (NumberFormatException ex) {
			throw new UsageException("--" + name + " must be a whole number, not '" + value + "'");
		}
	}

	/**
	 * @return 1 or 2 for {@code v1} or {@code v2}
	 */
	static int proxyProtocol(String value) throws UsageException {
		return switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "v1" -> 1;
			case "v2" -> 2;
			default -> throw new UsageException("--proxy-protocol must be v1 or v2, not '" + value + "'");
		};
	}

	private static double rate(String value) throws UsageException {
		try {
			double parsed = Double.parseDouble(value.trim());
			if (!(parsed > 0) || parsed > 100_000_000 || Double.isInfinite(parsed)) {
				throw new UsageException("--rate must be a number of requests per second above 0, not " + value);
			}
			return parsed;
		}
		catch (NumberFormatException ex) {
			throw new UsageException("--rate must be a number of requests per second, not '" + value + "'");
		}
	}

	/**
	 * Parses {@code 30s}, {@code 500ms}, {@code 1.5s}, {@code 2m}; a bare number is
	 * seconds. ISO-8601 ({@code PT30S}) is accepted too.
	 */
	static Duration duration(String name, String value, boolean zeroAllowed) throws UsageException {
		String text = value.trim().toLowerCase(Locale.ROOT);
		Duration parsed = null;
		Matcher matcher = DURATION.matcher(text);
		if (matcher.matches()) {
			java.math.BigDecimal amount = new java.math.BigDecimal(matcher.group(1));
			String unit = (matcher.group(2) != null) ? matcher.group(2) : "s";
			long nanosPerUnit = switch (unit) {
				case "ns" -> 1L;
				case "us" -> 1_000L;
				case "ms" -> 1_000_000L;
				case "s" -> 1_000_000_000L;
				case "m" -> 60_000_000_000L;
				case "h" -> 3_600_000_000_000L;
				default -> 86_400_000_000_000L;
			};
			java.math.BigDecimal nanos = amount.multiply(java.math.BigDecimal.valueOf(nanosPerUnit));
			if (nanos.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE / 4)) < 0) {
				parsed = Duration.ofNanos(nanos.longValue());
			}
		}
		else if (text.startsWith("pt") || text.startsWith("p")) {
			try {
				parsed = Duration.parse(text.toUpperCase(Locale.ROOT));
			}
			catch (RuntimeException ex) {
				// reported below
			}
		}
		if (parsed == null || parsed.isNegative() || (!zeroAllowed && parsed.isZero())) {
			throw new UsageException("--" + name + " must be a duration such as 30s, 500ms or 2m"
					+ (zeroAllowed ? "" : " above zero") + ", not '" + value + "'");
		}
		return parsed;
	}

	static Framing framing(String value) throws UsageException {
		String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
		try {
			Framing framing = Framing.valueOf(name);
			if (framing == Framing.RAW || framing == Framing.NONE) {
				throw new UsageException("--framing " + value + " cannot delimit replies; use crlf, lf, null, stx-etx"
						+ " or length-header-1/2/4");
			}
			return framing;
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException("unknown framing '" + value + "'; use crlf, lf, null, stx-etx, length-header-1,"
					+ " length-header-2 or length-header-4");
		}
	}

	private static void checkFits(Framing framing, int size, int prefixLength) throws UsageException {
		try {
			framing.codec(Integer.MAX_VALUE - 16).frame(new byte[size]);
		}
		catch (FramingException ex) {
			throw new UsageException("--size " + size + " does not fit " + framing.configName() + " framing");
		}
		if (prefixLength + size > MAX_SIZE + 4096) {
			throw new UsageException("--expect-prefix is too long");
		}
	}

	/**
	 * TLS options, as {@code ClientTls.fromPem} takes them: resource locations, a plain
	 * path being a file.
	 *
	 * @param ca PEM certificates that verify the server, or {@code null} for the JDK's
	 * certificate authorities
	 * @param certificate the client's PEM certificate chain for mutual TLS, or
	 * {@code null}
	 * @param key the client's PEM private key, or {@code null}
	 */
	record Tls(String ca, String certificate, String key) {
	}

	/** A bad command line: one line for the user, then the usage. */
	static final class UsageException extends Exception {

		private static final long serialVersionUID = 1L;

		UsageException(String message) {
			super(message);
		}

	}

}
