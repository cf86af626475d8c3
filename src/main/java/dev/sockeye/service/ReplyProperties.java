package dev.sockeye.service;

/**
 * Settings of the built-in reply service, which answers every message with the same
 * bytes.
 *
 * @param text the reply to every message, as given (UTF-8) and framed by the reply
 * framing
 */
public record ReplyProperties(String text) {
}
