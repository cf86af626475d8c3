package dev.sockeye.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A tiny misbehaving server on a real socket, for testing clients: it accepts connections
 * and hands each to a behaviour (never answer, answer wrong, close at once, ...).
 */
public final class StubServer implements AutoCloseable {

	private final ServerSocket server;

	private final List<Socket> accepted = new CopyOnWriteArrayList<>();

	private final List<Thread> handlers = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	private StubServer(BiConsumer<Socket, InputStream> behaviour) throws IOException {
		this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(() -> {
			while (!this.server.isClosed()) {
				try {
					Socket socket = this.server.accept();
					this.accepted.add(socket);
					if (this.closed) {
						// accepted while close() was closing the others: it may have
						// missed this one
						socket.close();
						return;
					}
					Thread handler = new Thread(() -> {
						try {
							behaviour.accept(socket, socket.getInputStream());
						}
						catch (IOException ex) {
							// the client went away
						}
					}, "stub-connection");
					handler.setDaemon(true);
					this.handlers.add(handler);
					handler.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}, "stub-acceptor");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	public static StubServer start(BiConsumer<Socket, InputStream> behaviour) {
		try {
			return new StubServer(behaviour);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Reads everything and never answers. */
	public static StubServer silent() {
		return start((socket, in) -> {
			try {
				in.transferTo(OutputStreamSink.INSTANCE);
			}
			catch (IOException ex) {
				// closed
			}
		});
	}

	/**
	 * Answers each CRLF line with the prefix and the line, like an echo upstream that
	 * says who it is.
	 */
	public static StubServer lineEcho(String prefix) {
		return start((socket, in) -> {
			try {
				java.io.BufferedReader lines = new java.io.BufferedReader(
						new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
				java.io.OutputStream out = socket.getOutputStream();
				String line;
				while ((line = lines.readLine()) != null) {
					out.write((prefix + line + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
					out.flush();
				}
			}
			catch (IOException ex) {
				// closed
			}
		});
	}

	/** Closes each connection as soon as it has read something. */
	public static StubServer closingAfterFirstRead() {
		return start((socket, in) -> {
			try {
				in.read();
				socket.close();
			}
			catch (IOException ex) {
				// closed
			}
		});
	}

	public int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Stops accepting, closes every connection and waits for their handlers: nothing
	 * answers once this returns.
	 */
	@Override
	public void close() {
		this.closed = true;
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing
		}
		for (Socket socket : this.accepted) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing the others all the same
			}
		}
		for (Thread handler : this.handlers) {
			try {
				handler.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private static final class OutputStreamSink extends java.io.OutputStream {

		static final OutputStreamSink INSTANCE = new OutputStreamSink();

		@Override
		public void write(int b) {
		}

		@Override
		public void write(byte[] b, int off, int len) {
		}

	}

}
