package io.vltava.network;

import io.vltava.common.config.Endpoint;
import java.util.List;
import java.util.Map;

/**
 * Settings of the {@link SocketServer}, taken from the broker configuration.
 *
 * @param listeners                 endpoints to bind ({@code listeners})
 * @param maxRequestBytes           largest request frame accepted ({@code socket.request.max.bytes})
 * @param networkThreads            event loop threads ({@code num.network.threads})
 * @param sendBufferBytes           SO_SNDBUF, or -1 for the system default ({@code socket.send.buffer.bytes})
 * @param receiveBufferBytes        SO_RCVBUF, or -1 for the system default ({@code socket.receive.buffer.bytes})
 * @param connectionsMaxIdleMs      idle time after which a connection is closed ({@code connections.max.idle.ms})
 * @param maxQueuedRequests         requests a connection may have outstanding before it stops being read
 * @param limits                    the broker-wide limits on connections and requests
 */
public record SocketServerConfig(List<Endpoint> listeners, int maxRequestBytes, int networkThreads,
                                 int sendBufferBytes, int receiveBufferBytes, long connectionsMaxIdleMs,
                                 int maxQueuedRequests, Limits limits) {

    public SocketServerConfig {
        listeners = List.copyOf(listeners);
    }

    /**
     * The broker-wide limits that protect it from too many clients or too much input.
     *
     * @param maxConnections          client connections of the broker ({@code max.connections})
     * @param maxConnectionsPerIp     client connections from one address ({@code max.connections.per.ip})
     * @param perIpOverrides          per-address limits by host name or address ({@code max.connections.per.ip.overrides})
     * @param queuedMaxRequests       requests read and not yet answered ({@code queued.max.requests})
     * @param queuedMaxRequestBytes   their bytes, or -1 for no bound ({@code queued.max.request.bytes})
     * @param requestArrivalTimeoutMs longest time a request may take to arrive once begun ({@code socket.request.arrival.timeout.ms})
     */
    public record Limits(int maxConnections, int maxConnectionsPerIp, Map<String, Integer> perIpOverrides, int queuedMaxRequests,
                         long queuedMaxRequestBytes, long requestArrivalTimeoutMs) {

        /** No limit on connections, Kafka's defaults on queued requests, and 30 s for a request to arrive. */
        public static final Limits DEFAULT = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, Map.of(), 500, -1, 30_000);

        public Limits {
            perIpOverrides = Map.copyOf(perIpOverrides);
        }
    }
}
