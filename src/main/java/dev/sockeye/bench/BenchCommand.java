package dev.sockeye.bench;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.sockeye.bench.BenchOptions.UsageException;
import dev.sockeye.bench.load.BenchWorker;
import dev.sockeye.bench.load.Coordinator;
import dev.sockeye.bench.load.LoadSettings;
import dev.sockeye.bench.load.Results;
import dev.sockeye.bench.wire.BenchFrames;
import dev.sockeye.tls.ClientTls;
import org.HdrHistogram.Histogram;

/**
 * {@code sockeye bench}, a load generator for request-reply TCP servers, in plain Java so
 * that it runs without a Spring context: its workers drive the connections, check every
 * reply byte for byte and record latencies; at the end it prints a table, and optionally
 * writes the same figures as JSON.
 * <p>
 * Exit codes: 0 when every reply was right and nothing failed, 1 on errors, mismatches or
 * lost connections, 2 on a usage error, 3 when no connection could be made.
 */
public final class BenchCommand {

	static final int OK = 0;

	static final int FAILED = 1;

	static final int USAGE = 2;

	static final int NO_CONNECTION = 3;

	private static final long SECOND = 1_000_000_000L;

	private BenchCommand() {
	}

	/**
	 * @param args the command's arguments
	 * @param out where results go
	 * @param err where errors go
	 * @return the exit code
	 */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		BenchOptions options;
		try {
			options = BenchOptions.parse(args);
		}
		catch (UsageException ex) {
			err.println("sockeye bench: " + ex.getMessage());
			err.print(BenchOptions.USAGE);
			err.flush();
			return USAGE;
		}
		if (options.help()) {
			out.print(BenchOptions.USAGE);
			out.flush();
			return OK;
		}
		try {
			return new Run(options, out, err, onTerminal()).execute();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			err.println("sockeye bench: interrupted");
			return FAILED;
		}
	}

	/**
	 * @return true when the command runs on a terminal: a console, and on Java 22 and
	 * later one that {@code isTerminal()} (there {@code System.console()} may return a
	 * console for redirected output too)
	 */
	static boolean onTerminal() {
		Console console = System.console();
		if (console == null) {
			return false;
		}
		try {
			return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return true;
		}
	}

	/** One run: start the workers, wait, report. */
	private static final class Run {

		private final BenchOptions options;

		private final PrintStream out;

		private final PrintStream err;

		private final boolean progress;

		Run(BenchOptions options, PrintStream out, PrintStream err, boolean progress) {
			this.options = options;
			this.out = out;
			this.err = err;
			this.progress = progress;
		}

		int execute() throws InterruptedException {
			BenchOptions o = this.options;
			InetSocketAddress address = new InetSocketAddress(o.host(), o.port());
			if (address.isUnresolved()) {
				this.err.println("sockeye bench: cannot connect to " + o.target() + ": unknown host " + o.host());
				return NO_CONNECTION;
			}
			ClientTls tls = null;
			if (o.tls() != null) {
				try {
					tls = ClientTls.fromPem(o.tls().ca(), o.tls().certificate(), o.tls().key());
				}
				catch (RuntimeException ex) {
					this.err.println("sockeye bench: cannot load the TLS certificates: " + causes(ex));
					return USAGE;
				}
			}
			BenchFrames frames = new BenchFrames(o.framing(), o.size(), o.expectPrefix());
			long warmup = o.warmup().toNanos();
			long duration = o.duration().toNanos();
			Coordinator coordinator = new Coordinator(o.threads());
			LoadSettings settings = new LoadSettings(o.host(), o.port(), o.target(), o.connections(), o.depth(),
					o.openLoop() ? o.rate() : 0, o.outstandingLimit(), o.connectTimeout().toNanos(),
					BenchReport.duration(o.connectTimeout().toNanos()), warmup, duration, o.reconnect(),
					o.proxyProtocol());
			List<BenchWorker> workers = new ArrayList<>();
			List<Thread> threads = new ArrayList<>();
			int firstId = 0;
			try {
				for (int t = 0; t < o.threads(); t++) {
					int count = o.connections() / o.threads() + ((t < o.connections() % o.threads()) ? 1 : 0);
					workers.add(new BenchWorker(coordinator, address, tls, frames, firstId, count, settings,
							this.progress));
					firstId += count;
				}
			}
			catch (IOException ex) {
				this.err.println("sockeye bench: cannot open a selector: " + ex.getMessage());
				return FAILED;
			}
			for (int t = 0; t < workers.size(); t++) {
				Thread thread = new Thread(workers.get(t), "sockeye-bench-" + (t + 1));
				thread.setDaemon(true);
				threads.add(thread);
				thread.start();
			}
			coordinator.awaitConnected();
			int connected = 0;
			for (BenchWorker worker : workers) {
				connected += worker.results().connected();
			}
			if (connected == 0) {
				coordinator.start(-1);
				join(threads);
				String cause = workers.stream()
					.map((w) -> w.results().firstError())
					.filter((e) -> e != null)
					.findFirst()
					.orElse("no connection");
				// a failed TLS handshake names the target already
				this.err.println("sockeye bench: "
						+ (cause.contains(o.target()) ? cause : "cannot connect to " + o.target() + ": " + cause));
				return NO_CONNECTION;
			}
			if (this.progress) {
				this.out.printf(Locale.ROOT, "connected %d of %d to %s; %s warm-up, then %s measured%n", connected,
						o.connections(), o.target(), BenchReport.duration(warmup), BenchReport.duration(duration));
			}
			long start = System.nanoTime();
			coordinator.start(start);
			watch(coordinator, workers, start, warmup);
			join(threads);
			BenchReport report = report(workers, start + warmup, duration);
			this.out.print(report.table());
			this.out.flush();
			int code = OK;
			if (o.json() != null) {
				try {
					Files.writeString(Path.of(o.json()), report.json(), StandardCharsets.UTF_8);
				}
				catch (IOException | RuntimeException ex) {
					this.err.println("sockeye bench: cannot write " + o.json() + ": " + BenchWorker.describe(ex));
					code = FAILED;
				}
			}
			String failure = report.failure();
			if (failure != null) {
				this.err.println("sockeye bench: failed: " + failure);
				code = FAILED;
			}
			return code;
		}

		/**
		 * Waits for the workers to finish, printing a progress line every second on a
		 * terminal.
		 */
		private void watch(Coordinator coordinator, List<BenchWorker> workers, long start, long warmup)
				throws InterruptedException {
			Histogram[] recycled = new Histogram[workers.size()];
			Histogram second = new Histogram(Results.HIGHEST_LATENCY, 3);
			long lastCompleted = 0;
			long lastTick = start;
			long tick = start + SECOND;
			for (;;) {
				long wait = tick - System.nanoTime();
				if (coordinator.awaitFinished(Math.max(wait, 0))) {
					return;
				}
				if (!this.progress) {
					tick += SECOND;
					continue;
				}
				long now = System.nanoTime();
				second.reset();
				long completed = 0;
				long errors = 0;
				long mismatches = 0;
				long lost = 0;
				long reconnects = 0;
				long requestsLost = 0;
				for (int i = 0; i < workers.size(); i++) {
					Results worker = workers.get(i).results();
					recycled[i] = worker.recent().getIntervalHistogram(recycled[i]);
					second.add(recycled[i]);
					completed += worker.publishedCompleted();
					errors += worker.publishedErrors();
					mismatches += worker.publishedMismatches();
					lost += worker.publishedLost();
					reconnects += worker.publishedReconnects();
					requestsLost += worker.publishedRequestsLost();
				}
				double rate = (completed - lastCompleted) * 1e9 / Math.max(now - lastTick, 1);
				String reconnecting = this.options.reconnect()
						? String.format(Locale.ROOT, "  reconnects %d  requests lost %d", reconnects, requestsLost)
						: "";
				this.out.printf(Locale.ROOT, "%6.1fs  %10.0f req/s  p99 %9s  errors %d  mismatches %d  lost %d%s%s%n",
						(now - start) / 1e9, rate, BenchReport.micros(second.getValueAtPercentile(99.0)) + " us",
						errors, mismatches, lost, reconnecting, (lastTick < start + warmup) ? "  (warm-up)" : "");
				this.out.flush();
				lastCompleted = completed;
				lastTick = now;
				tick += SECOND;
			}
		}

		private BenchReport report(List<BenchWorker> workers, long measureAt, long duration) {
			Histogram latency = new Histogram(Results.HIGHEST_LATENCY, 3);
			long requests = 0;
			long errors = 0;
			long skipped = 0;
			long unanswered = 0;
			long connectFailures = 0;
			long writeFailures = 0;
			long mismatches = 0;
			long lost = 0;
			long reconnects = 0;
			long reconnectFailures = 0;
			long resent = 0;
			long requestsLost = 0;
			String reconnectFailure = null;
			long finishedAt = measureAt;
			String firstError = null;
			String tls = null;
			String protocol = null;
			for (BenchWorker each : workers) {
				Results worker = each.results();
				if (protocol == null && worker.tlsProtocol() != null) {
					protocol = worker.tlsProtocol();
					tls = protocol + ", " + worker.tlsCipherSuite()
							+ (worker.tlsClientCertificate() ? ", client certificate sent" : "");
				}
				latency.add(worker.latency());
				requests += worker.requests();
				errors += worker.errors();
				skipped += worker.skipped();
				unanswered += worker.unanswered();
				connectFailures += worker.connectFailures();
				writeFailures += worker.writeFailures();
				mismatches += worker.mismatches();
				lost += worker.lost();
				reconnects += worker.reconnects();
				reconnectFailures += worker.reconnectFailures();
				resent += worker.resent();
				requestsLost += worker.requestsLost();
				if (reconnectFailure == null) {
					reconnectFailure = worker.reconnectFailure();
				}
				finishedAt = Math.max(finishedAt, worker.finishedAt());
				if (firstError == null) {
					firstError = worker.firstError();
				}
			}
			long measured = Math.max(0, Math.min(finishedAt, measureAt + duration) - measureAt);
			String errorDetail = BenchReport.errorDetail(connectFailures, writeFailures, skipped,
					this.options.outstandingLimit(), unanswered);
			return new BenchReport(this.options, measured, requests, latency, errors, errorDetail, mismatches, lost,
					firstError, tls, protocol,
					new BenchReport.Reconnects(reconnects, reconnectFailures, reconnectFailure, resent, requestsLost));
		}

		/**
		 * @return the messages of an exception and its causes, as one line
		 */
		private static String causes(Throwable ex) {
			StringBuilder line = new StringBuilder(BenchWorker.describe(ex));
			for (Throwable cause = ex.getCause(); cause != null
					&& cause != cause.getCause(); cause = cause.getCause()) {
				String message = BenchWorker.describe(cause);
				if (line.indexOf(message) < 0) {
					line.append(": ").append(message);
				}
			}
			return line.toString();
		}

		private static void join(List<Thread> threads) throws InterruptedException {
			for (Thread thread : threads) {
				thread.join();
			}
		}

	}

}
