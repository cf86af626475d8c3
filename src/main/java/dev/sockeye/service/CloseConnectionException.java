package dev.sockeye.service;

/**
 * Thrown by a service to have the client's connection closed instead of answered.
 */
public class CloseConnectionException extends Exception {

	public CloseConnectionException(String message) {
		super(message);
	}

}
