package dev.sockeye.bench;

import java.io.PrintStream;

/**
 * {@code sockeye bench}: a load generator for request-reply TCP servers.
 */
public final class BenchCommand {

	private BenchCommand() {
	}

	/**
	 * @param args the command's arguments
	 * @param out where results go
	 * @param err where errors go
	 * @return the exit code
	 */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		err.println("sockeye bench: not implemented yet");
		return 2;
	}

}
