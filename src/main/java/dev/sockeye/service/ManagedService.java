package dev.sockeye.service;

/**
 * A service with resources of its own (connections, threads), started before its listener
 * accepts connections and stopped after it stops.
 */
public interface ManagedService extends SockeyeService {

	void start();

	void stop();

}
