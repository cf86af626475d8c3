package dev.sockeye.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A plain blocking test client on a real socket: what a device or a script does, with
 * timeouts so that a test fails instead of hanging.
 */
public final class TcpClient implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private TcpClient(Socket socket) throws IOException {
		this.socket = socket;
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
	}

	public static TcpClient connect(int port) {
		try {
			Socket socket = new Socket();
			socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			socket.setTcpNoDelay(true);
			return new TcpClient(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A client over a socket connected elsewhere (a TLS socket, for example), with the
	 * same timeouts.
	 */
	public static TcpClient over(Socket socket) {
		try {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			socket.setTcpNoDelay(true);
			return new TcpClient(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public TcpClient send(byte[] bytes) {
		try {
			this.out.write(bytes);
			this.out.flush();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public TcpClient send(String text) {
		return send(text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Sends each byte in its own write, pausing now and then so the bytes travel in
	 * separate TCP segments.
	 */
	public TcpClient sendByteByByte(byte[] bytes) {
		for (int i = 0; i < bytes.length; i++) {
			send(new byte[] { bytes[i] });
			if (i % 3 == 0) {
				sleep(2);
			}
		}
		return this;
	}

	/**
	 * Closes the sending side only, as a client does that sends and then waits for the
	 * answer.
	 */
	public TcpClient shutdownOutput() {
		try {
			this.socket.shutdownOutput();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * @return the client's own port, as the server sees it
	 */
	public int localPort() {
		return this.socket.getLocalPort();
	}

	/** Reads exactly {@code length} bytes. */
	public byte[] read(int length) {
		byte[] bytes = new byte[length];
		int read = 0;
		try {
			while (read < length) {
				int n = this.in.read(bytes, read, length - read);
				if (n < 0) {
					throw new IllegalStateException("Connection closed after " + read + " of " + length + " bytes: "
							+ new String(bytes, 0, read, StandardCharsets.ISO_8859_1));
				}
				read += n;
			}
			return bytes;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public String readText(int length) {
		return new String(read(length), StandardCharsets.UTF_8);
	}

	/** One {@code recv(1024)}: whatever the next read returns. */
	public byte[] recv(int max) {
		try {
			byte[] bytes = new byte[max];
			int n = this.in.read(bytes);
			return (n < 0) ? new byte[0] : Arrays.copyOf(bytes, n);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Reads until the server closes the connection. */
	public byte[] readToEnd() {
		try {
			ByteArrayOutputStream all = new ByteArrayOutputStream();
			this.in.transferTo(all);
			return all.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * @return true when the server has closed the connection (a read sees the end of the
	 * stream or a reset)
	 */
	public boolean isClosedByServer() {
		try {
			return this.in.read() < 0;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	/**
	 * @return true when the server closes the connection within the given time, whatever
	 * it sends before (a TLS alert, for example), false when it stays open
	 */
	public boolean readsToEndWithin(int millis) {
		long deadline = System.nanoTime() + millis * 1_000_000L;
		try {
			byte[] discard = new byte[1024];
			while (true) {
				int left = (int) ((deadline - System.nanoTime()) / 1_000_000);
				if (left <= 0) {
					return false;
				}
				this.socket.setSoTimeout(left);
				if (this.in.read(discard) < 0) {
					return true;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	/**
	 * @return true when the server closes the connection within the given time, false
	 * when it stays open
	 */
	public boolean isClosedByServerWithin(int millis) {
		try {
			this.socket.setSoTimeout(millis);
			return isClosedByServer();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			try {
				this.socket.setSoTimeout((int) TIMEOUT.toMillis());
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
