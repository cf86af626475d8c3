package dev.sockeye.listener.config;

import java.time.Duration;
import java.util.List;

import dev.sockeye.framing.Framing;
import dev.sockeye.proxy.ProxyProtocol;
import dev.sockeye.relay.RelayProperties;
import dev.sockeye.service.EchoProperties;
import dev.sockeye.service.ReplyProperties;
import dev.sockeye.tls.ClientAuth;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * One TCP listener.
 *
 * @param port TCP port to listen on; 0 picks a free port
 * @param address local address to bind to; all interfaces when unset
 * @param io I/O model: nio (selector, few threads) or blocking (a thread per connection,
 * virtual where the JVM has them)
 * @param framing how the byte stream is split into messages
 * @param replyFraming how replies are framed; the request framing when unset
 * @param maxMessageSize largest message accepted, and sent unless max-reply-size is set;
 * a larger one closes the connection; with framing none, the most one read takes (as
 * {@code recv(n)} does)
 * @param maxReplySize largest reply or greeting sent; max-message-size when unset
 * @param backlog length of the queue of connections the kernel has accepted but Sockeye
 * not yet
 * @param maxConnections most connections open at once; more are closed on arrival; 0 for
 * no cap
 * @param maxConnectionsPerClient most connections open at once from one IP address; 0 for
 * no cap
 * @param idleTimeout close a connection with no traffic either way for this long; 0 for
 * never
 * @param messageTimeout close a connection whose frame is not complete this long after
 * its first byte; 0 for never
 * @param writeTimeout close a connection whose client has not taken its replies for this
 * long; 0 for never
 * @param handshakeTimeout close a connection whose TLS handshake or PROXY protocol header
 * is not complete this long after it was accepted; 0 for never
 * @param allow address blocks (CIDR or single addresses) that may connect; everyone when
 * empty
 * @param deny address blocks that may not connect, even when allowed
 * @param proxyProtocol the PROXY protocol header a balancer in front sends before the
 * client's bytes: off, v1, v2 or any (either version, always required)
 * @param trustedProxies address blocks of the balancers that may send a PROXY protocol
 * header; required when proxy-protocol is on, anyone else is refused
 * @param service the service that handles messages: echo, or the name of a bean
 * @param mode request-reply (a reply per message) or one-way (no replies)
 * @param errorReply reply sent when the service fails; the connection stays open
 * @param badInputReply reply sent before a connection is closed for a frame that is too
 * large or malformed; none when empty
 * @param closeAfterReply close the connection after each reply, as one-shot servers do
 * @param greeting text sent to each client as soon as its connection is set up (after
 * TLS), before anything is read, framed like a reply; none when unset
 * @param closeAfterGreeting close each connection right after its greeting, without
 * reading anything
 * @param workers worker threads for blocking services on an nio listener; 0 uses virtual
 * threads where the JVM has them and 200 platform threads otherwise
 * @param ioThreads event loops (selector threads) of an nio listener, sharing its port
 * with SO_REUSEPORT; when unset, its share of {@code sockeye.io-threads}
 * @param connectionLog log one line per closed connection (client, duration, bytes,
 * messages, close reason), as HAProxy's tcplog does
 * @param tls TLS for this listener's connections, from a Spring Boot SSL bundle; plain
 * TCP when no bundle is set
 * @param echo settings of the built-in echo service
 * @param reply settings of the built-in reply service
 * @param relay settings of the built-in relay service
 */
public record ListenerProperties(Integer port, String address, @DefaultValue("nio") Io io,
		@DefaultValue("crlf") Framing framing, Framing replyFraming, @DefaultValue("64KB") DataSize maxMessageSize,
		DataSize maxReplySize, @DefaultValue("4096") int backlog, @DefaultValue("10000") int maxConnections,
		@DefaultValue("2000") int maxConnectionsPerClient, @DefaultValue("10m") Duration idleTimeout,
		@DefaultValue("30s") Duration messageTimeout, @DefaultValue("30s") Duration writeTimeout,
		@DefaultValue("10s") Duration handshakeTimeout, List<String> allow, List<String> deny,
		@DefaultValue("off") ProxyProtocol proxyProtocol, List<String> trustedProxies,
		@DefaultValue("echo") String service, @DefaultValue("request-reply") Mode mode,
		@DefaultValue("ERROR") String errorReply, @DefaultValue("") String badInputReply,
		@DefaultValue("false") boolean closeAfterReply, String greeting,
		@DefaultValue("false") boolean closeAfterGreeting, @DefaultValue("0") int workers, Integer ioThreads,
		@DefaultValue("false") boolean connectionLog, @DefaultValue Tls tls,
		@DefaultValue @NestedConfigurationProperty EchoProperties echo,
		@DefaultValue @NestedConfigurationProperty ReplyProperties reply,
		@DefaultValue @NestedConfigurationProperty RelayProperties relay) {

	public ListenerProperties {
		allow = (allow != null) ? List.copyOf(allow) : List.of();
		deny = (deny != null) ? List.copyOf(deny) : List.of();
		trustedProxies = (trustedProxies != null) ? List.copyOf(trustedProxies) : List.of();
	}

	/**
	 * @return whether connections start with a PROXY protocol header
	 */
	public boolean proxied() {
		return this.proxyProtocol != ProxyProtocol.OFF;
	}

	/**
	 * @return the framing of replies
	 */
	public Framing effectiveReplyFraming() {
		return (this.replyFraming != null) ? this.replyFraming : this.framing;
	}

	/**
	 * @return the largest reply or greeting sent, before framing
	 */
	public DataSize effectiveMaxReplySize() {
		return (this.maxReplySize != null) ? this.maxReplySize : this.maxMessageSize;
	}

	static ListenerProperties withPort(int port) {
		return new ListenerProperties(port, null, Io.NIO, Framing.CRLF, null, DataSize.ofKilobytes(64), null, 4096,
				10000, 2000, Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofSeconds(30),
				Duration.ofSeconds(10), List.of(), List.of(), ProxyProtocol.OFF, List.of(), "echo", Mode.REQUEST_REPLY,
				"ERROR", "", false, null, false, 0, null, false, Tls.NONE, new EchoProperties(""),
				new ReplyProperties(null), RelayProperties.NONE);
	}

	/**
	 * TLS for a listener's connections.
	 *
	 * @param bundle name of the SSL bundle ({@code spring.ssl.bundle.*}) with the
	 * listener's key and certificate, its trust material for client certificates, and its
	 * protocols and ciphers; plain TCP when unset
	 * @param clientAuth whether clients present a certificate the bundle trusts: none,
	 * want (verified when sent) or need
	 */
	public record Tls(String bundle, @DefaultValue("none") ClientAuth clientAuth) {

		static final Tls NONE = new Tls(null, ClientAuth.NONE);

		/**
		 * @return whether the listener speaks TLS
		 */
		public boolean enabled() {
			return this.bundle != null && !this.bundle.isBlank();
		}

	}

	/** The I/O model of a listener. */
	public enum Io {

		/** A selector thread; services that block run on worker threads. */
		NIO,

		/**
		 * A thread per connection: virtual threads on Java 21 and later, platform threads
		 * before.
		 */
		BLOCKING

	}

	/** Whether a listener replies. */
	public enum Mode {

		/** Each message gets the service's reply. */
		REQUEST_REPLY,

		/** Messages are handed to the service and nothing is sent back. */
		ONE_WAY

	}

}
