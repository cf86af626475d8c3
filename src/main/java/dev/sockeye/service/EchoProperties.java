package dev.sockeye.service;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the built-in echo service.
 *
 * @param prefix text put before each echoed message, e.g. "Echo: "
 */
public record EchoProperties(@DefaultValue("") String prefix) {
}
