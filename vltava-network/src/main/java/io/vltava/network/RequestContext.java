package io.vltava.network;

import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * What a request handler knows about where a request came from.
 *
 * @param header        the request header (API, version, correlation id, client id)
 * @param listenerName  the listener the connection was accepted on, e.g. {@code PLAINTEXT}
 * @param clientAddress the peer's address
 * @param connectionId  a name for the connection that is unique while it is open
 * @param receivedNanos monotonic time at which the request was read
 * @param eventLoop     the connection's event loop, for work and timers that belong to this request
 */
public record RequestContext(RequestHeader header, String listenerName, InetSocketAddress clientAddress,
                             String connectionId, long receivedNanos, ScheduledExecutorService eventLoop) {

    public short apiVersion() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }
}
