package dev.sockeye.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * The figures of a finished run, as a table for people and as JSON for scripts. Both
 * print the same rounded values: seconds to the millisecond, rates and latencies (in
 * microseconds) to one decimal.
 */
final class BenchReport {

	private final BenchOptions options;

	private final String seconds;

	private final long requests;

	private final String requestsPerSecond;

	private final String p50;

	private final String p90;

	private final String p99;

	private final String p999;

	private final String max;

	private final long errors;

	private final String errorDetail;

	private final long mismatches;

	private final long lost;

	private final String firstError;

	private final String tls;

	private final String tlsProtocol;

	private final Reconnects reconnects;

	/**
	 * @param tls the TLS of the connections for the table (protocol, cipher suite, client
	 * certificate), or null
	 * @param tlsProtocol the negotiated TLS protocol, or null
	 * @param reconnects what {@code --reconnect} did
	 */
	BenchReport(BenchOptions options, long measuredNanos, long requests, Histogram latency, long errors,
			String errorDetail, long mismatches, long lost, String firstError, String tls, String tlsProtocol,
			Reconnects reconnects) {
		this.options = options;
		this.seconds = String.format(Locale.ROOT, "%.3f", measuredNanos / 1e9);
		this.requests = requests;
		this.requestsPerSecond = String.format(Locale.ROOT, "%.1f",
				(measuredNanos > 0) ? requests * 1e9 / measuredNanos : 0.0);
		boolean any = latency.getTotalCount() > 0;
		this.p50 = micros(any ? latency.getValueAtPercentile(50.0) : 0);
		this.p90 = micros(any ? latency.getValueAtPercentile(90.0) : 0);
		this.p99 = micros(any ? latency.getValueAtPercentile(99.0) : 0);
		this.p999 = micros(any ? latency.getValueAtPercentile(99.9) : 0);
		this.max = micros(any ? latency.getMaxValue() : 0);
		this.errors = errors;
		this.errorDetail = errorDetail;
		this.mismatches = mismatches;
		this.lost = lost;
		this.firstError = firstError;
		this.tls = tls;
		this.tlsProtocol = tlsProtocol;
		this.reconnects = reconnects;
	}

	/**
	 * @return what the errors were, e.g. {@code 2 connect failures, 3 unanswered}, or an
	 * empty string
	 */
	static String errorDetail(long connectFailures, long writeFailures, long skipped, int outstandingLimit,
			long unanswered) {
		List<String> parts = new ArrayList<>();
		if (connectFailures > 0) {
			parts.add(connectFailures + ((connectFailures == 1) ? " connect failure" : " connect failures"));
		}
		if (writeFailures > 0) {
			parts.add(writeFailures + ((writeFailures == 1) ? " write failure" : " write failures"));
		}
		if (skipped > 0) {
			parts.add(skipped + ((skipped == 1) ? " send" : " sends") + " skipped with the server behind ("
					+ outstandingLimit + " outstanding or socket full)");
		}
		if (unanswered > 0) {
			parts.add(unanswered + " unanswered");
		}
		return String.join(", ", parts);
	}

	/**
	 * @return nanoseconds as microseconds with one decimal
	 */
	static String micros(long nanos) {
		return String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
	}

	/**
	 * @return nanoseconds as a short duration such as {@code 2s} or {@code 500ms}
	 */
	static String duration(long nanos) {
		if (nanos % 1_000_000_000L == 0) {
			return (nanos / 1_000_000_000L) + "s";
		}
		if (nanos % 1_000_000L == 0) {
			return (nanos / 1_000_000L) + "ms";
		}
		return String.format(Locale.ROOT, "%.3fms", nanos / 1e6);
	}

	private String rate() {
		return BigDecimal.valueOf(this.options.rate()).stripTrailingZeros().toPlainString();
	}

	private String mode() {
		return this.options.openLoop() ? "open loop at " + rate() + " req/s" : "closed loop";
	}

	/**
	 * @return the results table
	 */
	String table() {
		BenchOptions o = this.options;
		StringBuilder table = new StringBuilder();
		row(table, "target", o.target());
		row(table, "tls", (o.tls() == null) ? "off" : (this.tls != null) ? this.tls : "on");
		if (o.proxyProtocol() != 0) {
			row(table, "proxy protocol", "v" + o.proxyProtocol());
		}
		row(table, "connections", Integer.toString(o.connections()));
		row(table, "depth", o.openLoop() ? "-" : Integer.toString(o.depth()));
		row(table, "size", o.size() + " bytes");
		row(table, "framing", o.framing().configName());
		row(table, "mode", mode());
		row(table, "duration", this.seconds + " s measured, after " + duration(o.warmup().toNanos()) + " warm-up");
		row(table, "requests", Long.toString(this.requests));
		row(table, "throughput", this.requestsPerSecond + " req/s");
		row(table, "latency p50", this.p50 + " us");
		row(table, "latency p90", this.p90 + " us");
		row(table, "latency p99", this.p99 + " us");
		row(table, "latency p99.9", this.p999 + " us");
		row(table, "latency max", this.max + " us");
		row(table, "errors", this.errors + (this.errorDetail.isEmpty() ? "" : " (" + this.errorDetail + ")"));
		row(table, "mismatches", Long.toString(this.mismatches));
		row(table, "connections lost", Long.toString(this.lost));
		if (o.reconnect()) {
			Reconnects r = this.reconnects;
			row(table, "reconnects", r.count()
					+ ((r.failures() > 0) ? " (" + r.failures() + ((r.failures() == 1) ? " attempt" : " attempts")
							+ " failed, first: " + r.firstFailure() + ")" : ""));
			row(table, "requests resent", Long.toString(r.resent()));
			row(table, "requests lost", Long.toString(r.lost()));
		}
		return table.toString();
	}

	private static void row(StringBuilder table, String label, String value) {
		table.append(String.format(Locale.ROOT, "%-18s %s%n", label, value));
	}

	/**
	 * @return the figures of the table as one JSON object
	 */
	String json() {
		BenchOptions o = this.options;
		StringBuilder json = new StringBuilder(512);
		json.append("{\n");
		json.append("  \"target\": ").append(quote(o.target())).append(",\n");
		json.append("  \"tls\": ").append(o.tls() != null).append(",\n");
		json.append("  \"proxyProtocol\": ")
			.append((o.proxyProtocol() != 0) ? quote("v" + o.proxyProtocol()) : "null")
			.append(",\n");
		json.append("  \"tlsProtocol\": ")
			.append((this.tlsProtocol != null) ? quote(this.tlsProtocol) : "null")
			.append(",\n");
		json.append("  \"connections\": ").append(o.connections()).append(",\n");
		json.append("  \"depth\": ").append(o.openLoop() ? "null" : Integer.toString(o.depth())).append(",\n");
		json.append("  \"size\": ").append(o.size()).append(",\n");
		json.append("  \"framing\": ").append(quote(o.framing().configName())).append(",\n");
		json.append("  \"mode\": ").append(quote(o.openLoop() ? "open" : "closed")).append(",\n");
		json.append("  \"rate\": ").append(o.openLoop() ? rate() : "null").append(",\n");
		json.append("  \"durationSeconds\": ").append(this.seconds).append(",\n");
		json.append("  \"requests\": ").append(this.requests).append(",\n");
		json.append("  \"requestsPerSecond\": ").append(this.requestsPerSecond).append(",\n");
		json.append("  \"latencyMicros\": {");
		json.append("\"p50\": ").append(this.p50).append(", ");
		json.append("\"p90\": ").append(this.p90).append(", ");
		json.append("\"p99\": ").append(this.p99).append(", ");
		json.append("\"p999\": ").append(this.p999).append(", ");
		json.append("\"max\": ").append(this.max).append("},\n");
		json.append("  \"errors\": ").append(this.errors).append(",\n");
		json.append("  \"mismatches\": ").append(this.mismatches).append(",\n");
		json.append("  \"connectionsLost\": ").append(this.lost).append(",\n");
		json.append("  \"reconnect\": ").append(o.reconnect()).append(",\n");
		json.append("  \"reconnects\": ").append(this.reconnects.count()).append(",\n");
		json.append("  \"reconnectFailures\": ").append(this.reconnects.failures()).append(",\n");
		json.append("  \"requestsResent\": ").append(this.reconnects.resent()).append(",\n");
		json.append("  \"requestsLost\": ").append(this.reconnects.lost()).append("\n");
		json.append("}\n");
		return json.toString();
	}

	/**
	 * @return why the run failed, in one line, or null when it did not
	 */
	String failure() {
		List<String> reasons = new ArrayList<>();
		if (this.mismatches > 0) {
			reasons.add(this.mismatches + ((this.mismatches == 1) ? " reply" : " replies") + " did not match");
		}
		if (this.lost > 0) {
			reasons.add(this.lost + ((this.lost == 1) ? " connection" : " connections") + " lost");
		}
		long requestsLost = this.reconnects.lost();
		if (requestsLost > 0) {
			reasons.add(requestsLost + ((requestsLost == 1) ? " request" : " requests") + " lost");
		}
		if (this.errors > 0) {
			String what = this.errors + ((this.errors == 1) ? " error" : " errors");
			reasons.add(this.errorDetail.isEmpty() ? what : what + " (" + this.errorDetail + ")");
		}
		if (reasons.isEmpty()) {
			return null;
		}
		String line = String.join(", ", reasons);
		return (this.firstError != null) ? line + "; first: " + this.firstError : line;
	}

	/**
	 * What {@code --reconnect} did, all zero without it.
	 *
	 * @param count connections reopened after the server closed them
	 * @param failures reopens whose connect or handshake failed
	 * @param firstFailure why the first failed, or null
	 * @param resent requests in flight at a close, sent again on the new connection
	 * @param lost requests sent and never answered
	 */
	record Reconnects(long count, long failures, String firstFailure, long resent, long lost) {
	}

	private static String quote(String text) {
		StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
		for (int i = 0; i < text.length(); i++) {
			char ch = text.charAt(i);
			switch (ch) {
				case '"' -> quoted.append("\\\"");
				case '\\' -> quoted.append("\\\\");
				case '\n' -> quoted.append("\\n");
				case '\r' -> quoted.append("\\r");
				case '\t' -> quoted.append("\\t");
				default -> {
					if (ch < 0x20) {
						quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
					}
					else {
						quoted.append(ch);
					}
				}
			}
		}
		return quoted.append('"').toString();
	}

}
