package dev.sockeye.relay;

/**
 * An exchange with one upstream failed.
 */
final class UpstreamException extends Exception {

	private final Upstream upstream;

	private final Upstream.Failure failure;

	UpstreamException(Upstream upstream, Upstream.Failure failure, String message, Throwable cause) {
		super("upstream " + upstream.name() + ": " + message, cause);
		this.upstream = upstream;
		this.failure = failure;
	}

	Upstream upstream() {
		return this.upstream;
	}

	Upstream.Failure failure() {
		return this.failure;
	}

}
