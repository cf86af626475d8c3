package dev.sockeye.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import dev.sockeye.framing.Framing;
import dev.sockeye.proxy.ProxyHeaderEncoder;
import dev.sockeye.tls.ClientTls;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.MessageTimeoutException;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.context.IntegrationFlowContext;
import org.springframework.integration.dsl.context.IntegrationFlowContext.IntegrationFlowRegistration;
import org.springframework.integration.ip.dsl.Tcp;
import org.springframework.integration.ip.tcp.connection.TcpNetClientConnectionFactory;
import org.springframework.integration.core.MessagingTemplate;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;

/**
 * {@code sockeye client}: sends each message argument (or each line of standard input) to
 * a TCP server through a Spring Integration outbound gateway over one connection, and
 * prints each reply on its own line. Exits 1 with one line on standard error when the
 * server is unreachable, does not answer in time or closes the connection.
 */
public final class ClientCommand {

	static final String USAGE = "usage: sockeye client [--host HOST] [--port PORT] [--framing crlf|lf|null|stx-etx|"
			+ "length-header-1|length-header-2|length-header-4|none] [--timeout 10s] [--connect-timeout 5s]"
			+ " [--tls] [--tls-ca FILE] [--tls-cert FILE --tls-key FILE] [--proxy-protocol v1|v2] [message...]"
			+ "\n  with no message, sends each line of standard input"
			+ "\n  --tls: connect with TLS, verifying the server against the JDK's CAs, or the PEM certificates of"
			+ " --tls-ca;\n  --tls-cert/--tls-key: PEM certificate chain and key to present for mutual TLS"
			+ "\n  --proxy-protocol: start the connection with a PROXY protocol header naming its own addresses"
			+ " (plain TCP only)";

	private ClientCommand() {
	}

	/**
	 * @param args the command's arguments
	 * @param in standard input, read when no message is given
	 * @param out where replies go
	 * @param err where errors go
	 * @return the exit code: 0 when every message got its reply, 1 on a connection
	 * problem, 2 on a usage error
	 */
	public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			err.println("sockeye client: " + ex.getMessage());
			err.println(USAGE);
			return 2;
		}
		String target = options.host + ":" + options.port;
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Integration.class)) {
			TcpNetClientConnectionFactory connections = ClientConnections.create(options.host, options.port,
					options.framing.codec(Integer.MAX_VALUE - 16), options.connectTimeout, options.timeout,
					ClientConnectionListener.NONE, proxyHeader(options.proxyProtocol));
			if (options.tls()) {
				ClientTls.fromPem(options.tlsCa, options.tlsCert, options.tlsKey).apply(connections);
			}
			connections.setBeanName("sockeye.client.connectionFactory");
			IntegrationFlowRegistration flow = context.getBean(IntegrationFlowContext.class)
				.registration(
						(f) -> f.handle(Tcp.outboundGateway(connections).remoteTimeout(options.timeout.toMillis())))
				.addBean(connections.getBeanName(), connections)
				.register();
			MessagingTemplate template = new MessagingTemplate();
			template.setBeanFactory(context);
			if (options.messages.isEmpty()) {
				BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
				String line;
				while ((line = lines.readLine()) != null) {
					exchange(template, flow, line, out);
				}
			}
			else {
				for (String message : options.messages) {
					exchange(template, flow, message, out);
				}
			}
			return 0;
		}
		catch (RuntimeException | IOException ex) {
			err.println("sockeye client: " + describe(ex, target, options.timeout));
			return 1;
		}
	}

	/**
	 * @return the PROXY header of a connected socket, naming its own addresses, or null
	 * without {@code --proxy-protocol}
	 */
	private static Function<Socket, byte[]> proxyHeader(int version) {
		if (version == 0) {
			return null;
		}
		return (socket) -> {
			InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
			InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
			return (version == 1) ? ProxyHeaderEncoder.v1(local, remote) : ProxyHeaderEncoder.v2(local, remote);
		};
	}

	private static void exchange(MessagingTemplate template, IntegrationFlowRegistration flow, String text,
			PrintStream out) {
		Message<?> reply = template.sendAndReceive(flow.getInputChannel(),
				new GenericMessage<>(text.getBytes(StandardCharsets.UTF_8)));
		if (reply == null) {
			throw new IllegalStateException("no reply");
		}
		Object payload = reply.getPayload();
		out.println((payload instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : payload);
		out.flush();
	}

	/** One line that says what went wrong, from the innermost cause that explains it. */
	static String describe(Throwable ex, String target, Duration timeout) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException || cause instanceof java.net.NoRouteToHostException) {
				return "cannot connect to " + target + ": " + cause.getMessage();
			}
			if (cause instanceof UnknownHostException) {
				return "unknown host " + cause.getMessage();
			}
			if (cause instanceof javax.net.ssl.SSLException) {
				return "TLS with " + target + " failed: " + cause.getMessage();
			}
			if (cause instanceof MessageTimeoutException || cause instanceof java.net.SocketTimeoutException) {
				return "no reply from " + target + " within " + readable(timeout);
			}
			if (cause instanceof java.io.EOFException
					|| cause instanceof org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException
					|| String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("closed")) {
				return target + " closed the connection before replying";
			}
		}
		return "exchange with " + target + " failed: " + ex.getMessage();
	}

	private static String readable(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
	}

	/**
	 * Silences logging, so that standard output has the replies only and standard error
	 * one line per failure. Called by {@code main}, not by {@link #run}, which tests call
	 * in a JVM whose logging they check.
	 */
	public static void quietLogging() {
		LoggingSystem logging = LoggingSystem.get(ClientCommand.class.getClassLoader());
		logging.beforeInitialize();
		logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.OFF);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class Integration {

	}

	/** The parsed command line. */
	static final class Options {

		String host = "localhost";

		int port = 8888;

		Framing framing = Framing.CRLF;

		Duration timeout = Duration.ofSeconds(10);

		Duration connectTimeout = Duration.ofSeconds(5);

		boolean tls;

		String tlsCa;

		String tlsCert;

		String tlsKey;

		/** The PROXY protocol version to start with, 0 for none. */
		int proxyProtocol;

		final List<String> messages = new ArrayList<>();

		boolean tls() {
			return this.tls || this.tlsCa != null || this.tlsCert != null;
		}

		static Options parse(String[] args) {
			Options options = new Options();
			for (int i = 0; i < args.length; i++) {
				String arg = args[i];
				if (!arg.startsWith("--")) {
					options.messages.add(arg);
					continue;
				}
				if (arg.equals("--tls")) {
					options.tls = true;
					continue;
				}
				String name = arg.substring(2);
				String value;
				int equals = name.indexOf('=');
				if (equals >= 0) {
					value = name.substring(equals + 1);
					name = name.substring(0, equals);
				}
				else if (i + 1 < args.length) {
					value = args[++i];
				}
				else {
					throw new IllegalArgumentException("--" + name + " needs a value");
				}
				switch (name) {
					case "host" -> options.host = value;
					case "port" -> options.port = port(value);
					case "framing" -> options.framing = framing(value);
					case "timeout" -> options.timeout = DurationStyle.detectAndParse(value);
					case "connect-timeout" -> options.connectTimeout = DurationStyle.detectAndParse(value);
					case "tls-ca" -> options.tlsCa = value;
					case "tls-cert" -> options.tlsCert = value;
					case "tls-key" -> options.tlsKey = value;
					case "proxy-protocol" -> options.proxyProtocol = proxyProtocol(value);
					default -> throw new IllegalArgumentException("unknown option --" + name);
				}
			}
			if ((options.tlsCert == null) != (options.tlsKey == null)) {
				throw new IllegalArgumentException("--tls-cert and --tls-key go together");
			}
			if (options.proxyProtocol != 0 && options.tls()) {
				throw new IllegalArgumentException("--proxy-protocol is for plain TCP: the client's TLS socket would"
						+ " send the header inside TLS; bench --proxy-protocol works with --tls");
			}
			return options;
		}

		private static int proxyProtocol(String value) {
			return switch (value.toLowerCase(Locale.ROOT)) {
				case "v1" -> 1;
				case "v2" -> 2;
				default -> throw new IllegalArgumentException("--proxy-protocol must be v1 or v2, not " + value);
			};
		}

		private static int port(String value) {
			try {
				int port = Integer.parseInt(value);
				if (port < 1 || port > 65535) {
					throw new IllegalArgumentException("--port must be 1 to 65535, not " + value);
				}
				return port;
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("--port must be a number, not " + value);
			}
		}

		static Framing framing(String value) {
			for (Framing framing : Framing.values()) {
				if (framing.configName().equals(value)) {
					if (framing == Framing.RAW) {
						throw new IllegalArgumentException("--framing raw is not supported by the client");
					}
					return framing;
				}
			}
			throw new IllegalArgumentException("unknown framing " + value);
		}

	}

}
