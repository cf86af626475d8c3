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
 * <p>
 * Behind a balancer that sends a PROXY protocol header the decision has two steps: at
 * accept, the peer must be a trusted proxy and the listener's cap must allow one more;
 * once the header names the client, the rules and the per-client cap apply to the client
 * ({@link #admitClient}).
 */
public final class Admission {

	static final String MAX_CONNECTIONS = "max_connections";

	static final String MAX_CONNECTIONS_PER_CLIENT = "max_connections_per_client";

	static final String DENIED = "denied";

	static final String UNTRUSTED_PROXY = "untrusted_proxy";

	static final long LOG_INTERVAL_MILLIS = 10_000;

	private static final Log logger = LogFactory.getLog(Admission.class);

	private final String listener;

	private final int maxConnections;

	private final int maxPerClient;

	private final List<Cidr> allow;

	private final List<Cidr> deny;

	/**
	 * The balancers that may send a PROXY protocol header; null when none is expected.
	 */
	private final List<Cidr> trustedProxies;

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
				properties.deny(), properties.proxied() ? properties.trustedProxies() : null, metrics,
				InstantSource.system());
	}

	Admission(String listener, int maxConnections, int maxPerClient, List<String> allow, List<String> deny,
			List<String> trustedProxies, ListenerMetrics metrics, InstantSource clock) {
		this.clock = clock;
		this.listener = listener;
		this.maxConnections = maxConnections;
		this.maxPerClient = maxPerClient;
		this.allow = allow.stream().map(Cidr::parse).toList();
		this.deny = deny.stream().map(Cidr::parse).toList();
		this.trustedProxies = (trustedProxies != null) ? trustedProxies.stream().map(Cidr::parse).toList() : null;
		this.metrics = metrics;
		for (String reason : List.of(MAX_CONNECTIONS, MAX_CONNECTIONS_PER_CLIENT, DENIED)) {
			metrics.rejectedCounter(reason);
		}
		if (this.trustedProxies != null) {
			metrics.rejectedCounter(UNTRUSTED_PROXY);
		}
	}

	/**
	 * @return whether connections come through a balancer that names the client in a
	 * PROXY protocol header, so that the client is admitted once the header is read
	 */
	public boolean awaitsProxyHeader() {
		return this.trustedProxies != null;
	}

	/**
	 * @param remote the peer's address: the client's, or the balancer's when a PROXY
	 * protocol header is awaited
	 * @return true when the connection may stay (and is then counted until
	 * {@link #release}), false when it was refused (counted and possibly logged; the
	 * caller closes it)
	 */
	public boolean admit(InetAddress remote) {
		String reason;
		if (this.trustedProxies != null) {
			reason = this.trustedProxies.stream().anyMatch((cidr) -> cidr.matches(remote)) ? takeSlot()
					: UNTRUSTED_PROXY;
		}
		else {
			reason = check(remote);
		}
		return admitted(remote, reason);
	}

	/**
	 * The second step behind a balancer: the rules and the per-client cap, applied to the
	 * client its PROXY protocol header names.
	 * @param stats the connection, admitted by {@link #admit} at accept
	 * @param client the client's address
	 * @return true when it may stay; false when it was refused (counted, possibly logged;
	 * the caller closes it, and its close gives the listener's slot back)
	 */
	public boolean admitClient(ConnectionStats stats, InetAddress client) {
		String reason = denied(client) ? DENIED : countClient(client);
		if (reason == null) {
			stats.admittedAs(client.getHostAddress());
		}
		return admitted(client, reason);
	}

	private boolean admitted(InetAddress remote, String reason) {
		if (reason == null) {
			return true;
		}
		this.metrics.rejected(reason);
		log(remote, reason);
		return false;
	}

	private boolean denied(InetAddress remote) {
		return this.deny.stream().anyMatch((cidr) -> cidr.matches(remote))
				|| (!this.allow.isEmpty() && this.allow.stream().noneMatch((cidr) -> cidr.matches(remote)));
	}

	private String check(InetAddress remote) {
		if (denied(remote)) {
			return DENIED;
		}
		String full = takeSlot();
		if (full != null) {
			return full;
		}
		String clientFull = countClient(remote);
		if (clientFull != null) {
			this.admitted.decrementAndGet();
		}
		return clientFull;
	}

	/** Takes one of the listener's connections, or says it has none left. */
	private String takeSlot() {
		if (this.maxConnections > 0 && this.admitted.incrementAndGet() > this.maxConnections) {
			this.admitted.decrementAndGet();
			return MAX_CONNECTIONS;
		}
		if (this.maxConnections <= 0) {
			this.admitted.incrementAndGet();
		}
		return null;
	}

	/**
	 * Counts one more connection from the client, or says it has its fill. The listener's
	 * slot is the caller's to give back.
	 */
	private String countClient(InetAddress remote) {
		if (this.maxPerClient > 0) {
			AtomicInteger count = this.perClient.computeIfAbsent(remote.getHostAddress(),
					(address) -> new AtomicInteger());
			if (count.incrementAndGet() > this.maxPerClient) {
				count.decrementAndGet();
				return MAX_CONNECTIONS_PER_CLIENT;
			}
		}
		return null;
	}

	/**
	 * @param remoteAddress the IP address an admitted connection that has closed was
	 * counted under, or null when it closed before its client was known (behind a
	 * balancer)
	 */
	public void release(String remoteAddress) {
		this.admitted.decrementAndGet();
		if (this.maxPerClient > 0 && remoteAddress != null) {
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
					+ " latest from " + remote.getHostAddress() + ": " + describe(reason) + advice(reason));
		}
	}

	private String describe(String reason) {
		return switch (reason) {
			case MAX_CONNECTIONS -> "max-connections (" + this.maxConnections + ") reached";
			case MAX_CONNECTIONS_PER_CLIENT -> "max-connections-per-client (" + this.maxPerClient + ") reached";
			case UNTRUSTED_PROXY -> "not in trusted-proxies, so its PROXY protocol header cannot be trusted";
			default -> "address not allowed by allow/deny";
		};
	}

	/**
	 * One address over the per-client cap is often a balancer that every client shares.
	 */
	private String advice(String reason) {
		if (!MAX_CONNECTIONS_PER_CLIENT.equals(reason) || this.trustedProxies != null) {
			return "";
		}
		return "; if a load balancer or proxy is in front, every client shares its address: set proxy-protocol and"
				+ " trusted-proxies on this listener (send-proxy-v2 on HAProxy), or raise max-connections-per-client"
				+ " (0 for no cap)";
	}

}
