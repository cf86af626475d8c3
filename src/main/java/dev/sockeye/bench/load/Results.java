package dev.sockeye.bench.load;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What one worker counted and measured, apart from the I/O so that the command can sum
 * the workers once their threads have ended.
 */
public final class Results {

	/** Latencies above this (in ns) are recorded as this. */
	public static final long HIGHEST_LATENCY = TimeUnit.HOURS.toNanos(1);

	final Histogram latency = new Histogram(HIGHEST_LATENCY, 3);

	/**
	 * Every reply's latency, warm-up included, for the progress line; null when there is
	 * none.
	 */
	final SingleWriterRecorder recent;

	int connected;

	long requests;

	long mismatches;

	long errors;

	long skipped;

	long unanswered;

	long connectFailures;

	long writeFailures;

	long lost;

	/** Connections reopened after the server closed them ({@code --reconnect}). */
	long reconnects;

	/** Reopens whose connect or TLS handshake failed, each followed by a back-off. */
	long reconnectFailures;

	/** Why the first reopen failed, or null. */
	String reconnectFailure;

	/** Requests in flight at a close, sent again on the reopened connection. */
	long resent;

	/**
	 * Requests sent and never answered: in flight at a close in the middle of a reply, or
	 * at a second close after being resent, or when the run ended before a reopen.
	 */
	long requestsLost;

	String firstError;

	long finishedAt;

	/**
	 * The TLS protocol and cipher suite of the first handshake, and whether a client
	 * certificate was sent.
	 */
	String tlsProtocol;

	String tlsCipherSuite;

	boolean tlsClientCertificate;

	/** Replies to requests, warm-up and drain included. */
	long completed;

	private volatile long publishedCompleted;

	private volatile long publishedErrors;

	private volatile long publishedMismatches;

	private volatile long publishedLost;

	private volatile long publishedReconnects;

	private volatile long publishedRequestsLost;

	Results(boolean progress) {
		this.recent = progress ? new SingleWriterRecorder(HIGHEST_LATENCY, 3) : null;
	}

	void error(String message) {
		if (this.firstError == null) {
			this.firstError = message;
		}
	}

	/** Publishes the progress figures. */
	void publish() {
		this.publishedCompleted = this.completed;
		this.publishedErrors = this.errors;
		this.publishedMismatches = this.mismatches;
		this.publishedLost = this.lost;
		this.publishedReconnects = this.reconnects;
		this.publishedRequestsLost = this.requestsLost;
	}

	public Histogram latency() {
		return this.latency;
	}

	/**
	 * @return every reply's latency since the last call, for the progress line; null
	 * without one
	 */
	public SingleWriterRecorder recent() {
		return this.recent;
	}

	public int connected() {
		return this.connected;
	}

	public long requests() {
		return this.requests;
	}

	public long mismatches() {
		return this.mismatches;
	}

	public long errors() {
		return this.errors;
	}

	public long skipped() {
		return this.skipped;
	}

	public long unanswered() {
		return this.unanswered;
	}

	public long connectFailures() {
		return this.connectFailures;
	}

	public long writeFailures() {
		return this.writeFailures;
	}

	public long lost() {
		return this.lost;
	}

	public long reconnects() {
		return this.reconnects;
	}

	public long reconnectFailures() {
		return this.reconnectFailures;
	}

	public String reconnectFailure() {
		return this.reconnectFailure;
	}

	public long resent() {
		return this.resent;
	}

	public long requestsLost() {
		return this.requestsLost;
	}

	public String firstError() {
		return this.firstError;
	}

	public long finishedAt() {
		return this.finishedAt;
	}

	public String tlsProtocol() {
		return this.tlsProtocol;
	}

	public String tlsCipherSuite() {
		return this.tlsCipherSuite;
	}

	public boolean tlsClientCertificate() {
		return this.tlsClientCertificate;
	}

	// published while the worker runs, for the progress line

	public long publishedCompleted() {
		return this.publishedCompleted;
	}

	public long publishedErrors() {
		return this.publishedErrors;
	}

	public long publishedMismatches() {
		return this.publishedMismatches;
	}

	public long publishedLost() {
		return this.publishedLost;
	}

	public long publishedReconnects() {
		return this.publishedReconnects;
	}

	public long publishedRequestsLost() {
		return this.publishedRequestsLost;
	}

}
