package io.vltava.network;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.vltava.protocol.frame.KafkaFrameDecoder;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose request takes too long to arrive ({@code socket.request.arrival.timeout.ms}):
 * a client that trickles a frame in a byte at a time keeps its connection from ever being idle, and
 * would otherwise hold it and its partial frame forever.
 *
 * <p>The clock starts at the end of a read that leaves part of a frame buffered and stops when a frame
 * is complete; a connection whose time runs out while the broker itself has stopped reading it
 * (backpressure) is given the full time again. Sits behind the {@link KafkaFrameDecoder}, whose buffer it asks.
 *
 * <p>Threading: one instance per connection, used on that connection's event loop.
 */
final class RequestArrivalTimeout extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RequestArrivalTimeout.class);

    private final long timeoutMs;
    private KafkaFrameDecoder frames;
    private ScheduledFuture<?> timer;

    RequestArrivalTimeout(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        frames = ctx.pipeline().get(KafkaFrameDecoder.class);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        cancel();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!frames.hasPartialFrame()) {
            cancel();
        } else if (timer == null) {
            start(ctx);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> expire(ctx), timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isActive() || !frames.hasPartialFrame()) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            start(ctx); // the broker is not reading this connection: the client is not the one late
            return;
        }
        log.info("Closing connection from {}: a request took longer than {} ms to arrive", ctx.channel().remoteAddress(), timeoutMs);
        ctx.close();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
