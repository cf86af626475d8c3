package dev.sockeye.listener.connection;

import java.net.InetAddress;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.sockeye.listener.config.Cidr;
import dev.sockeye.listener.config.ListenerProperties;
import dev.sockeye.metrics.ListenerMetrics;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Decides, before a single byte is read, whether a new connection may stay: address rules
 * first (deny wins, then allow when an allow list is set), then the listener's connection
 * cap and the per-client cap. A refused connection is closed at once, counted by reason,
 * and logged at most once per {@link #LOG_INTERVAL_MILLIS} with how many were refused
 * since. Counts are released when an admitted connection closes.
 */
public final class Admission {

	static final String MAX_CONNECTIONS = "max_connections";

	static final String MAX_CONNECTIONS_PER_CLIENT = "max_connections_per_client";

	static final String DENIED = "denied";

	static final long LOG_INTERVAL_MILLIS = 10_000;

	private static final Log logger = LogFactory.getLog(Admission.class);

	private final String listener;

	private final int maxConnections;

	private final int maxPerClient;

	private final List<Cidr> allow;

	private final List<Cidr> deny;

	private final ListenerMetrics metrics;

	private final AtomicInteger admitted = new AtomicInteger();

	private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();

	private final InstantSource clock;

	private final AtomicLong nextLog = new AtomicLong();

	private final AtomicLong refusedSinceLog = new AtomicLong();

	/**
	 * @param listener the listener's name
	 * @param properties its settings
	 * @param metrics its meters
	 */
	public Admission(String listener, ListenerProperties properties, ListenerMetrics metrics) {
		this(listener, properties.maxConnections(), properties.maxConnectionsPerClient(), properties.allow(),
				properties.deny(), metrics, InstantSource.system());
	}

	Admission(String listener, int maxConnections, int maxPerClient, List<String> allow, List<String> deny,
			ListenerMetrics metrics, InstantSource clock) {
		this.clock = clock;
		this.listener = listener;
		this.maxConnections = maxConnections;
		this.maxPerClient = maxPerClient;
		this.allow = allow.stream().map(Cidr::parse).toList();
		this.deny = deny.stream().map(Cidr::parse).toList();
		this.metrics = metrics;
		for (String reason : List.of(MAX_CONNECTIONS, MAX_CONNECTIONS_PER_CLIENT, DENIED)) {
			metrics.rejectedCounter(reason);
		}
	}

	/**
	 * @param remote the client's address
	 * @return true when the connection may stay (and is then counted until
	 * {@link #release}), false when it was refused (counted and possibly logged; the
	 * caller closes it)
	 */
	public boolean admit(InetAddress remote) {
		String reason = check(remote);
		if (reason == null) {
			return true;
		}
		this.metrics.rejected(reason);
		log(remote, reason);
		return false;
	}

	private String check(InetAddress remote) {
		if (this.deny.stream().anyMatch((cidr) -> cidr.matches(remote))
				|| (!this.allow.isEmpty() && this.allow.stream().noneMatch((cidr) -> cidr.matches(remote)))) {
			return DENIED;
		}
		if (this.maxConnections > 0 && this.admitted.incrementAndGet() > this.maxConnections) {
			this.admitted.decrementAndGet();
			return MAX_CONNECTIONS;
		}
		if (this.maxConnections <= 0) {
			this.admitted.incrementAndGet();
		}
		if (this.maxPerClient > 0) {
			AtomicInteger count = this.perClient.computeIfAbsent(remote.getHostAddress(),
					(address) -> new AtomicInteger());
			if (count.incrementAndGet() > this.maxPerClient) {
				count.decrementAndGet();
				this.admitted.decrementAndGet();
				return MAX_CONNECTIONS_PER_CLIENT;
			}
		}
		return null;
	}

	/**
	 * @param remoteAddress the IP address of an admitted connection that has closed
	 */
	public void release(String remoteAddress) {
		this.admitted.decrementAndGet();
		if (this.maxPerClient > 0) {
			this.perClient.computeIfPresent(remoteAddress,
					(address, count) -> (count.decrementAndGet() <= 0) ? null : count);
		}
	}

	/**
	 * @return the connection cap, or 0 when there is none
	 */
	public int limit() {
		return this.maxConnections;
	}

	private void log(InetAddress remote, String reason) {
		long refused = this.refusedSinceLog.incrementAndGet();
		long now = this.clock.millis();
		long next = this.nextLog.get();
		if (now >= next && this.nextLog.compareAndSet(next, now + LOG_INTERVAL_MILLIS)) {
			this.refusedSinceLog.addAndGet(-refused);
			logger.warn("Listener '" + this.listener + "' refused " + refused + " connection(s) since its last report;"
					+ " latest from " + remote.getHostAddress() + ": " + describe(reason));
		}
	}

	private String describe(String reason) {
		return switch (reason) {
			case MAX_CONNECTIONS -> "max-connections (" + this.maxConnections + ") reached";
			case MAX_CONNECTIONS_PER_CLIENT -> "max-connections-per-client (" + this.maxPerClient + ") reached";
			default -> "address not allowed by allow/deny";
		};
	}

}
