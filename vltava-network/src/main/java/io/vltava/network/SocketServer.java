package io.vltava.network;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FileRegion;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vltava.common.config.Endpoint;
import io.vltava.protocol.frame.KafkaFrameDecoder;
import io.vltava.protocol.frame.RequestDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts Kafka client connections on the configured listeners and runs them on a pool of Netty event
 * loops (native epoll where the platform has it, NIO otherwise).
 *
 * <p>Each connection is admitted by the {@link ConnectionQuotas} as it is accepted; its pipeline is:
 * idle timeout, {@link KafkaFrameDecoder} (size limit checked before buffering),
 * {@link RequestArrivalTimeout}, {@link KafkaConnection} (decode, dispatch, ordered responses). The
 * connections share one {@link RequestBudget}.
 *
 * <p>Threading: {@link #start} and {@link #close} from one controlling thread.
 */
public final class SocketServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SocketServer.class);

    /** How long {@link #close()} lets connections finish the requests they have started. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOW_WATER_MARK = 256 * 1024;
    private static final int HIGH_WATER_MARK = 1024 * 1024;
    /**
     * Reads start at 16 KiB and grow (up to 1 MiB) while they fill: a producer's request of several
     * 64 KiB batches then mostly arrives in one read and is passed on as a slice of it, where reads of
     * Netty's default 64 KiB at most would be merged into a second buffer, a copy of every byte.
     */
    private static final int MIN_READ_BYTES = 512;
    private static final int INITIAL_READ_BYTES = 16 * 1024;
    private static final int MAX_READ_BYTES = 1024 * 1024;
    /**
     * Sizes outbound messages for the write buffer's water marks. Netty's default counts a file region
     * as nothing, so a client that never reads could have any number of fetch responses sent from log
     * files queued for it; here a region counts the bytes it will send.
     */
    private static final MessageSizeEstimator OUTBOUND_SIZES = () -> {
        MessageSizeEstimator.Handle buffers = DefaultMessageSizeEstimator.DEFAULT.newHandle();
        return message -> message instanceof FileRegion region ? (int) Math.min(Integer.MAX_VALUE, region.count()) : buffers.size(message);
    };
    /** The listener name, on each listener's server channel. */
    static final AttributeKey<String> LISTENER_NAME = AttributeKey.valueOf("vltava.listener");

    private final SocketServerConfig config;
    private final RequestHandler handler;
    private final NetworkMetrics metrics;
    private final RequestDecoder decoder;
    private final ConnectionQuotas quotas;
    private final RequestBudget budget;
    private final boolean epoll;
    private final EventLoopGroup group;
    private final Map<String, Channel> boundChannels = new LinkedHashMap<>();
    /** Every open client connection, so that close() closes them itself: stopping the event loops leaves some open. */
    private final ChannelGroup connections = new DefaultChannelGroup("vltava-connections", GlobalEventExecutor.INSTANCE);

    public SocketServer(SocketServerConfig config, RequestHandler handler, NetworkMetrics metrics) {
        this.config = config;
        this.handler = handler;
        this.metrics = metrics;
        this.decoder = new RequestDecoder(handler.servedApis());
        SocketServerConfig.Limits limits = config.limits();
        this.quotas = new ConnectionQuotas(limits.maxConnections(), limits.maxConnectionsPerIp(), resolve(limits.perIpOverrides()), metrics);
        this.budget = new RequestBudget(limits.queuedMaxRequests(), limits.queuedMaxRequestBytes());
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory ioHandler = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(config.networkThreads(), new DefaultThreadFactory("vltava-network"), ioHandler);
    }

    /** The per-address limits by address; a host name that does not resolve fails start-up. */
    private static Map<InetAddress, Integer> resolve(Map<String, Integer> overrides) {
        Map<InetAddress, Integer> resolved = new HashMap<>();
        for (Map.Entry<String, Integer> override : overrides.entrySet()) {
            try {
                resolved.put(InetAddress.getByName(override.getKey()), override.getValue());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("max.connections.per.ip.overrides names a host that does not resolve: " + override.getKey(), e);
            }
        }
        return resolved;
    }

    /** Open client connections, across listeners. */
    public int connections() {
        return quotas.connections();
    }

    /** Requests read and not yet answered, across connections. */
    public int queuedRequests() {
        return budget.requests();
    }

    /**
     * Binds every listener.
     *
     * @return the bound endpoints, with the actual port where 0 was asked for
     */
    public List<Endpoint> start() throws InterruptedException {
        List<Endpoint> bound = new ArrayList<>();
        for (Endpoint endpoint : config.listeners()) {
            Channel channel = bootstrap(endpoint).bind(bindAddress(endpoint)).sync().channel();
            boundChannels.put(endpoint.listenerName(), channel);
            int port = ((InetSocketAddress) channel.localAddress()).getPort();
            bound.add(endpoint.withPort(port));
        }
        log.info("Listening on {} ({} transport, {} network threads)", bound, epoll ? "epoll" : "nio", config.networkThreads());
        return bound;
    }

    private ServerBootstrap bootstrap(Endpoint endpoint) {
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelClass)
                .attr(LISTENER_NAME, endpoint.listenerName())
                .handler(quotas)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER_MARK, HIGH_WATER_MARK))
                .childOption(ChannelOption.MESSAGE_SIZE_ESTIMATOR, OUTBOUND_SIZES)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(MIN_READ_BYTES, INITIAL_READ_BYTES, MAX_READ_BYTES))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, config.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS))
                                .addLast("frames", new KafkaFrameDecoder(config.maxRequestBytes()))
                                .addLast("arrival", new RequestArrivalTimeout(config.limits().requestArrivalTimeoutMs()))
                                .addLast("requests", new KafkaConnection(decoder, handler, endpoint.listenerName(), config.maxQueuedRequests(), budget,
                                        metrics));
                    }
                });
        if (config.sendBufferBytes() > 0) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, config.sendBufferBytes());
        }
        if (config.receiveBufferBytes() > 0) {
            bootstrap.childOption(ChannelOption.SO_RCVBUF, config.receiveBufferBytes());
        }
        return bootstrap;
    }

    private static InetSocketAddress bindAddress(Endpoint endpoint) {
        return endpoint.host().isEmpty() ? new InetSocketAddress(endpoint.port()) : new InetSocketAddress(endpoint.host(), endpoint.port());
    }

    /**
     * Stops accepting, lets every connection finish the requests it has started (for at most
     * {@link #DRAIN_TIMEOUT}), closes them and stops the event loops.
     */
    @Override
    public void close() {
        close(DRAIN_TIMEOUT);
    }

    /**
     * Stops accepting connections, then lets each connection finish the requests it has already started
     * and send their responses, reading no more; connections still busy after {@code drainTimeout} are
     * closed anyway. Then stops the event loops.
     */
    public void close(Duration drainTimeout) {
        for (Channel channel : boundChannels.values()) {
            channel.close().syncUninterruptibly();
        }
        boundChannels.clear();
        ChannelGroupFuture drained = connections.newCloseFuture();
        for (Channel connection : connections) {
            connection.pipeline().fireUserEventTriggered(KafkaConnection.DRAIN);
        }
        if (!drained.awaitUninterruptibly(drainTimeout.toMillis())) {
            log.warn("Closing {} connections whose requests did not finish within {} ms", connections.size(), drainTimeout.toMillis());
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
