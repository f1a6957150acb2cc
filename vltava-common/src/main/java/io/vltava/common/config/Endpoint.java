package io.vltava.common.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A listener address as Kafka writes it in {@code listeners} and {@code advertised.listeners}:
 * {@code NAME://host:port}, with an IPv6 host in brackets. An empty host means every interface.
 *
 * <p>Threading: immutable; safe from any thread.
 *
 * @param listenerName upper-case listener name, e.g. {@code PLAINTEXT}
 * @param host         host name or address; empty for every interface
 * @param port         port, 0 to let the system pick one
 */
public record Endpoint(String listenerName, String host, int port) {

    private static final Pattern FORMAT = Pattern.compile("^([A-Za-z0-9_]+)://(\\[[0-9a-fA-F:.%a-zA-Z]+\\]|[^:\\[\\]]*):(-?\\d+)$");

    /** Parses one {@code NAME://host:port} entry. */
    public static Endpoint parse(String key, String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw ConfigException.invalid(key, text, "expected NAME://host:port");
        }
        String host = m.group(2);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(m.group(3));
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(key, text, "port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw ConfigException.invalid(key, text, "port must be between 0 and 65535");
        }
        return new Endpoint(m.group(1).toUpperCase(Locale.ROOT), host, port);
    }

    /** Parses an {@code http://host:port} address, such as the metrics endpoint's; the listener name is {@code HTTP}. */
    public static Endpoint parseHttp(String key, String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches() || !m.group(1).equalsIgnoreCase("http")) {
            throw ConfigException.invalid(key, text, "expected http://host:port");
        }
        return parse(key, text);
    }

    /** This endpoint with another port, e.g. the one the system picked for port 0. */
    public Endpoint withPort(int boundPort) {
        return new Endpoint(listenerName, host, boundPort);
    }

    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return listenerName + "://" + h + ":" + port;
    }
}
