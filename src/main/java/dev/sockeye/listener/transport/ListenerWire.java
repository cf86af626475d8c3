package dev.sockeye.listener.transport;

import dev.sockeye.framing.FrameBuffer;
import dev.sockeye.framing.FrameCodec;
import dev.sockeye.listener.connection.Admission;
import dev.sockeye.listener.connection.ConnectionErrors;
import dev.sockeye.listener.connection.ListenerConnections;
import dev.sockeye.proxy.ProxyProtocol;
import dev.sockeye.tls.ServerTls;

/**
 * What every connection of one listener shares, NIO or blocking: how requests are framed,
 * how replies are framed, and where their errors are reported.
 *
 * @param codec frames requests
 * @param replyCodec frames replies
 * @param errors reports bad input and failures
 * @param connections the listener's open connections
 * @param flusher writes the replies of slow readers, on NIO listeners ({@code null} on
 * blocking ones)
 * @param maxQueuedBytes the most reply bytes a connection may have waiting for its client
 * to read
 * @param badInputReply the framed reply sent before closing a connection for bad input,
 * or {@code null}
 * @param greeting what each connection is sent once it is set up, or {@code null} for
 * nothing
 * @param tls the listener's TLS, or {@code null} for plain TCP
 * @param admission who may connect; behind a balancer, asked again once the client is
 * known
 * @param proxyProtocol the PROXY protocol header each connection starts with, or
 * {@code OFF}
 * @param asyncService the listener's asynchronous service, called without a thread hop on
 * NIO listeners; {@code null} for other services and on blocking listeners
 */
record ListenerWire(FrameCodec codec, FrameCodec replyCodec, ConnectionErrors errors, ListenerConnections connections,
		WriteFlusher flusher, long maxQueuedBytes, byte[] badInputReply, Greeting greeting, ServerTls tls,
		Admission admission, ProxyProtocol proxyProtocol, ServicePipeline.Settings asyncService) {

	/**
	 * @return a fresh input buffer for one connection
	 */
	FrameBuffer newBuffer() {
		return this.codec.newBuffer();
	}

	/**
	 * @return whether each connection starts with a balancer's PROXY protocol header
	 */
	boolean proxied() {
		return this.proxyProtocol != ProxyProtocol.OFF;
	}

}
