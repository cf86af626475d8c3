package dev.sockeye.client;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * {@code sockeye client}: sends messages to a TCP server and prints the replies.
 */
public final class ClientCommand {

	private ClientCommand() {
	}

	/**
	 * @param args the command's arguments
	 * @param in standard input, read when no message is given
	 * @param out where replies go
	 * @param err where errors go
	 * @return the exit code
	 */
	public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
		err.println("sockeye client: not implemented yet");
		return 2;
	}

}
