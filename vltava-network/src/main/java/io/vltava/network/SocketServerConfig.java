package io.vltava.network;

import io.vltava.common.config.Endpoint;
import java.util.List;

/**
 * Settings of the {@link SocketServer}, taken from the broker configuration.
 *
 * @param listeners            endpoints to bind ({@code listeners})
 * @param maxRequestBytes      largest request frame accepted ({@code socket.request.max.bytes})
 * @param networkThreads       event loop threads ({@code num.network.threads})
 * @param sendBufferBytes      SO_SNDBUF, or -1 for the system default ({@code socket.send.buffer.bytes})
 * @param receiveBufferBytes   SO_RCVBUF, or -1 for the system default ({@code socket.receive.buffer.bytes})
 * @param connectionsMaxIdleMs idle time after which a connection is closed ({@code connections.max.idle.ms})
 * @param maxQueuedRequests    requests a connection may have outstanding before it stops being read
 */
public record SocketServerConfig(List<Endpoint> listeners, int maxRequestBytes, int networkThreads,
                                 int sendBufferBytes, int receiveBufferBytes, long connectionsMaxIdleMs,
                                 int maxQueuedRequests) {

    public SocketServerConfig {
        listeners = List.copyOf(listeners);
    }
}
