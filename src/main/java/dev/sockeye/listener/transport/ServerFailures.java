package dev.sockeye.listener.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.ApplicationListener;
import org.springframework.integration.ip.tcp.connection.TcpConnectionServerExceptionEvent;

/**
 * Keeps the failure a connection factory reports from its own thread (a port it could not
 * bind), for the thread that waits for it to listen.
 */
public final class ServerFailures implements ApplicationListener<TcpConnectionServerExceptionEvent> {

	private final Map<Object, Throwable> failures = new ConcurrentHashMap<>();

	@Override
	public void onApplicationEvent(TcpConnectionServerExceptionEvent event) {
		this.failures.put(event.getSource(), event.getCause());
	}

	/**
	 * @param factory a connection factory
	 * @return the failure it reported, once, or {@code null}
	 */
	Throwable take(Object factory) {
		return this.failures.remove(factory);
	}

}
