package dev.sockeye.listener.transport;

/**
 * What a listener sends each client before reading anything (a banner, as SMTP and FTP
 * servers send), and whether it then closes the connection.
 *
 * @param frame the greeting, framed as a reply
 * @param thenClose close the connection once the greeting is written, without reading
 */
record Greeting(byte[] frame, boolean thenClose) {
}
