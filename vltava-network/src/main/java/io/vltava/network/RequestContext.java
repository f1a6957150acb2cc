package io.vltava.network;

import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * What a request handler knows about where a request came from.
 *
 * <p>Threading: immutable; safe from any thread (work for the request's connection goes to
 * {@link #eventLoop}).
 *
 * @param header       the request header (API, version, correlation id, client id)
 * @param listenerName the listener the connection was accepted on, e.g. {@code PLAINTEXT}
 * @param connectionId a name for the connection (listener, addresses, channel id) that is unique while it is open
 * @param clientHost   the client's address as Kafka shows it to admins, e.g. {@code /127.0.0.1}
 * @param eventLoop    the connection's event loop, for work and timers that belong to this request
 * @param muter        stops reading the connection for a while, for a client over its quota
 */
public record RequestContext(RequestHeader header, String listenerName, String connectionId, String clientHost,
                             ScheduledExecutorService eventLoop, ChannelMuter muter) {

    public short apiVersion() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }
}
