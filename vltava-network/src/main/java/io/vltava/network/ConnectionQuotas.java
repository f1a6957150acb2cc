package io.vltava.network;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits the client connections of the broker ({@code max.connections}) and of each client address
 * ({@code max.connections.per.ip}, with {@code max.connections.per.ip.overrides}), checked as each
 * connection is accepted, before it is registered with an event loop.
 *
 * <p>A connection over its address's limit is closed at once. When the broker has its maximum of
 * connections, the listeners stop accepting: new connections wait in the kernel's accept backlog (and,
 * once that is full, the clients' connection attempts are retried by their TCP stacks) until a
 * connection closes. A listener may take a few connections in the same accept batch as the one that
 * reached the limit; those are closed, as Vltava has no slot for them.
 *
 * <p>Threading: one instance per server, shared by the listeners' server channels; any thread. The
 * counts are atomic; whether the listeners accept is decided again on each listener's event loop after
 * every change, so a close and an accept racing cannot leave a listener stopped below the limit.
 */
@ChannelHandler.Sharable
final class ConnectionQuotas extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionQuotas.class);

    private final int maxConnections;
    private final int maxConnectionsPerIp;
    private final Map<InetAddress, Integer> overrides;
    private final NetworkMetrics metrics;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();

    ConnectionQuotas(int maxConnections, int maxConnectionsPerIp, Map<InetAddress, Integer> overrides, NetworkMetrics metrics) {
        this.maxConnections = maxConnections;
        this.maxConnectionsPerIp = maxConnectionsPerIp;
        this.overrides = Map.copyOf(overrides);
        this.metrics = metrics;
    }

    /** Open client connections, across listeners. */
    int connections() {
        return total.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        listeners.add(ctx.channel());
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        listeners.remove(ctx.channel());
        super.channelInactive(ctx);
    }

    /** A connection just accepted by the listener of {@code ctx}: admitted, or closed before it is registered. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        String listener = String.valueOf(ctx.channel().attr(SocketServer.LISTENER_NAME).get());
        InetAddress address = child.remoteAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
        String refusal = admit(address);
        if (refusal != null) {
            log.debug("Refusing connection from {} on {}: {} reached", address, listener, refusal);
            metrics.connectionRejected(listener, refusal);
            child.unsafe().closeForcibly();
            return;
        }
        child.closeFuture().addListener(closed -> release(address));
        if (total.get() >= maxConnections) {
            updateAccepting();
        }
        ctx.fireChannelRead(child);
    }

    /** Counts a new connection from {@code address}, or names the limit it would break (counting nothing). */
    private String admit(InetAddress address) {
        if (address != null) {
            int limit = overrides.getOrDefault(address, maxConnectionsPerIp);
            boolean[] over = new boolean[1];
            perAddress.compute(address, (key, count) -> {
                int current = count == null ? 0 : count;
                over[0] = current >= limit;
                return over[0] ? count : current + 1;
            });
            if (over[0]) {
                return "max.connections.per.ip";
            }
        }
        if (total.incrementAndGet() > maxConnections) {
            release(address);
            return "max.connections";
        }
        return null;
    }

    private void release(InetAddress address) {
        if (address != null) {
            perAddress.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
        }
        if (total.decrementAndGet() == maxConnections - 1) {
            updateAccepting(); // the listeners may have stopped at the limit
        }
    }

    /** Has each listener accept again, or stop, on its own event loop, from the count as it is then. */
    private void updateAccepting() {
        for (Channel listener : listeners) {
            if (listener.eventLoop().inEventLoop()) {
                listener.config().setAutoRead(total.get() < maxConnections);
            } else {
                listener.eventLoop().execute(() -> listener.config().setAutoRead(total.get() < maxConnections));
            }
        }
    }
}
