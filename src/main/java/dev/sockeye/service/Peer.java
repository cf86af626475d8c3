package dev.sockeye.service;

/**
 * The sender of a message.
 *
 * @param listener the name of the listener that received it
 * @param connectionId the connection's id, as shown in logs and the actuator endpoint
 * @param remoteAddress the client's IP address
 * @param remotePort the client's port
 */
public record Peer(String listener, String connectionId, String remoteAddress, int remotePort) {
}
