package io.vltava.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.vltava.protocol.frame.DecodedRequest;
import io.vltava.protocol.frame.EncodedResponse;
import io.vltava.protocol.frame.InvalidFrameException;
import io.vltava.protocol.frame.RequestDecoder;
import io.vltava.protocol.frame.ResponseEncoder;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: decodes its frames, hands requests to the {@link RequestHandler} and sends the
 * responses back in request order.
 *
 * <p>Requests of pipelined APIs are dispatched as they arrive; any other request that has not
 * completed holds back the requests behind it (they wait as undecoded frames) so that a connection's
 * requests take effect in order. Reading stops while too many requests are outstanding, on this
 * connection or in the whole broker (the {@link RequestBudget}), or while the socket cannot take more
 * output, so a client that sends faster than it reads cannot grow the broker's memory. A handler may
 * also mute the connection for a while ({@link ChannelMuter}, for a client over its quota): reading
 * and dispatching stop until the time is up, while responses keep going out.
 *
 * <pre>
 *   frame -&gt; waiting -&gt; (dispatch) -&gt; inFlight -&gt; (completed, in order) -&gt; written
 *                       ^ held while a non-pipelined request is in flight (the barrier)
 * </pre>
 *
 * <p>Each request's times go to {@link NetworkMetrics}: how long it waited as a frame, and from its
 * frame being read to its response being written.
 *
 * <p>Threading: every method runs on the connection's event loop; handler futures that complete
 * elsewhere are brought back to it. A request still being handled when the connection closes is
 * released when its handler completes.
 */
final class KafkaConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(KafkaConnection.class);

    /**
     * The event that asks a connection to shut down gently: read no more requests, drop those not yet
     * started, send the responses of those in flight, then close.
     */
    static final Object DRAIN = new Object() {
        @Override
        public String toString() {
            return "DRAIN";
        }
    };

    private final RequestDecoder decoder;
    private final RequestHandler handler;
    private final String listenerName;
    private final int maxQueuedRequests;
    private final RequestBudget budget;
    private final NetworkMetrics metrics;
    /** Brings {@link #updateAutoRead} back to the event loop once the broker has room for requests again. */
    private final Runnable wakeUp = this::onRoom;

    private final ChannelMuter muter = this::muteFor;
    private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    /** When each frame in {@code waiting} was read ({@link System#nanoTime}), in the same order: a ring, so queuing allocates nothing. */
    private long[] arrivals = new long[16];
    private int arrivalsHead;
    private ChannelHandlerContext ctx;
    private String connectionId;
    private String clientHost;
    private InFlight barrier;
    private boolean reading;
    private boolean unflushed;
    private boolean draining;
    private boolean closed;
    private boolean awaitingRoom;
    /** Requests of this connection counted in the budget, and their bytes. */
    private int heldRequests;
    private long heldBytes;
    /** Ends the current mute; null while the connection is not muted. */
    private ScheduledFuture<?> unmute;
    private long mutedUntil;

    KafkaConnection(RequestDecoder decoder, RequestHandler handler, String listenerName, int maxQueuedRequests, RequestBudget budget,
                    NetworkMetrics metrics) {
        this.decoder = decoder;
        this.handler = handler;
        this.listenerName = listenerName;
        this.maxQueuedRequests = maxQueuedRequests;
        this.budget = budget;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        this.connectionId = listenerName + "-" + ctx.channel().localAddress() + "-" + ctx.channel().remoteAddress() + "-"
                + ctx.channel().id().asShortText();
        this.clientHost = ctx.channel().remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null
                ? "/" + remote.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
        metrics.connectionOpened(listenerName);
        updateAutoRead(); // a connection opened while the broker is at its request limit starts paused
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (closed || draining) {
            frame.release();
            return;
        }
        reading = true;
        heldRequests++;
        heldBytes += frame.readableBytes();
        budget.acquire(frame.readableBytes());
        enqueue(frame);
        pump();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        flushIfNeeded();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            pump(); // frames held back while it was not
        } else {
            updateAutoRead();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == DRAIN) {
            draining = true;
            releaseWaiting();
            pump();
            return;
        }
        if (evt instanceof IdleStateEvent) {
            log.debug("Closing idle connection {}", connectionId);
            close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        metrics.connectionClosed(listenerName);
        closed = true;
        releaseWaiting();
        if (unmute != null) {
            unmute.cancel(false);
        }
        for (InFlight request : inFlight) {
            if (request.isReady()) {
                request.discard();
            }
        }
        inFlight.clear();
        giveBack(heldRequests, heldBytes);
        if (awaitingRoom) {
            budget.forget(wakeUp);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable reason = cause.getCause() instanceof InvalidFrameException ? cause.getCause() : cause;
        if (reason instanceof InvalidFrameException) {
            log.info("Closing connection {}: {}", connectionId, reason.getMessage());
        } else if (reason instanceof java.io.IOException) {
            log.debug("Connection {} failed: {}", connectionId, reason.toString());
        } else {
            log.warn("Closing connection {} after an unexpected error", connectionId, reason);
        }
        close();
    }

    /**
     * Writes what is ready and dispatches what may be dispatched, in order; nothing is dispatched while
     * the socket cannot take more output, as the frames of one read may be many. Responses that are ready
     * are written before the next frame is decoded, so that a frame that closes the connection cannot
     * drop the answers to the requests before it.
     */
    private void pump() {
        writeReady();
        while (!closed && barrier == null && unmute == null && !waiting.isEmpty() && ctx.channel().isWritable()) {
            long arrived = arrivals[arrivalsHead];
            arrivalsHead = (arrivalsHead + 1) % arrivals.length;
            dispatch(waiting.poll(), arrived);
            writeReady();
        }
        if (!reading) {
            flushIfNeeded();
        }
        updateAutoRead();
        if (draining && !closed && inFlight.isEmpty()) {
            closed = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Writes the responses at the head of the queue that are ready, or closes if one of them asks to. */
    private void writeReady() {
        while (!closed && !inFlight.isEmpty() && inFlight.peek().isReady()) {
            InFlight done = inFlight.poll();
            giveBack(1, done.frameBytes);
            if (done.closeReason != null) {
                log.debug("Closing connection {}: {}", connectionId, done.closeReason);
                close();
                return;
            }
            long now = System.nanoTime();
            metrics.responseSent(done.apiKey, now - done.arrived, now - done.completed);
            if (done.response != null) {
                done.response.writeTo(ctx);
                done.response = null;
                unflushed = true;
            }
        }
    }

    /** Queues a frame just read, with the time it was read. */
    private void enqueue(ByteBuf frame) {
        int size = waiting.size();
        if (size == arrivals.length) {
            long[] grown = new long[size * 2];
            for (int i = 0; i < size; i++) {
                grown[i] = arrivals[(arrivalsHead + i) % size];
            }
            arrivals = grown;
            arrivalsHead = 0;
        }
        arrivals[(arrivalsHead + size) % arrivals.length] = System.nanoTime();
        waiting.add(frame);
    }

    private void dispatch(ByteBuf frame, long arrived) {
        int frameBytes = frame.readableBytes();
        DecodedRequest request;
        try {
            request = decoder.decode(frame);
        } catch (InvalidFrameException e) {
            log.info("Closing connection {}: {}", connectionId, e.getMessage());
            giveBack(1, frameBytes);
            close();
            return;
        }
        InFlight slot = new InFlight(request, arrived, frameBytes);
        inFlight.add(slot);
        metrics.requestDispatched(slot.apiKey, System.nanoTime() - arrived);
        RequestContext context = new RequestContext(request.header(), listenerName, connectionId, clientHost, ctx.channel().eventLoop(), muter);
        CompletableFuture<? extends ApiMessage> future = handle(context, request);
        if (future.isDone()) {
            slot.complete(future);
            return;
        }
        if (!handler.isPipelined(request.apiKey())) {
            barrier = slot;
        }
        future.whenComplete((response, error) -> {
            try {
                ctx.executor().execute(() -> onCompleted(slot, future));
            } catch (RejectedExecutionException e) {
                slot.discard(); // the event loop has shut down, and the connection with it
            }
        });
    }

    private CompletableFuture<? extends ApiMessage> handle(RequestContext context, DecodedRequest request) {
        try {
            return handler.handle(context, request.body());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void onCompleted(InFlight slot, CompletableFuture<? extends ApiMessage> future) {
        if (closed) {
            slot.discard();
            return;
        }
        slot.complete(future);
        if (barrier == slot) {
            barrier = null;
        }
        pump();
    }

    private void updateAutoRead() {
        if (closed) {
            return;
        }
        boolean room = budget.hasRoom();
        boolean shouldRead = !draining && barrier == null && unmute == null
                && waiting.size() + inFlight.size() < maxQueuedRequests
                && ctx.channel().isWritable() && room;
        if (ctx.channel().config().isAutoRead() != shouldRead) {
            ctx.channel().config().setAutoRead(shouldRead);
        }
        if (!room && !awaitingRoom) {
            awaitingRoom = true;
            budget.awaitRoom(wakeUp);
        }
    }

    /** The broker has room for requests again; called on any thread. */
    private void onRoom() {
        try {
            ctx.executor().execute(() -> {
                awaitingRoom = false;
                updateAutoRead();
            });
        } catch (RejectedExecutionException e) {
            log.debug("Connection {} closed with the event loops", connectionId);
        }
    }

    /** Returns requests of this connection that have been answered or dropped to the broker's budget. */
    private void giveBack(int requests, long bytes) {
        heldRequests -= requests;
        heldBytes -= bytes;
        budget.release(requests, bytes);
    }

    private void muteFor(int throttleTimeMs) {
        if (!ctx.executor().inEventLoop()) {
            try {
                ctx.executor().execute(() -> muteFor(throttleTimeMs));
            } catch (RejectedExecutionException e) {
                // the event loop has shut down, and the connection with it
            }
            return;
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(throttleTimeMs);
        if (closed || throttleTimeMs <= 0 || unmute != null && until - mutedUntil <= 0) {
            return;
        }
        if (unmute != null) {
            unmute.cancel(false);
        }
        mutedUntil = until;
        unmute = ctx.executor().schedule(this::unmute, throttleTimeMs, TimeUnit.MILLISECONDS);
        updateAutoRead();
    }

    private void unmute() {
        unmute = null;
        if (!closed) {
            pump();
        }
    }

    private void flushIfNeeded() {
        if (unflushed && !closed) {
            unflushed = false;
            ctx.flush();
        }
    }

    private void close() {
        if (!closed) {
            flushIfNeeded(); // responses written before the close still go out
            closed = true;
            releaseWaiting();
            ctx.close();
        }
    }

    private void releaseWaiting() {
        ByteBuf frame;
        while ((frame = waiting.poll()) != null) {
            giveBack(1, frame.readableBytes());
            frame.release();
        }
    }

    /** A dispatched request and, once its handler is done, what to do about it. */
    private final class InFlight {

        private final ApiKeys apiKey;
        private final long arrived;
        private final int frameBytes;
        private DecodedRequest request;
        private boolean ready;
        private long completed;
        private EncodedResponse response;
        private String closeReason;

        InFlight(DecodedRequest request, long arrived, int frameBytes) {
            this.request = request;
            this.apiKey = request.apiKey();
            this.arrived = arrived;
            this.frameBytes = frameBytes;
        }

        boolean isReady() {
            return ready;
        }

        void complete(CompletableFuture<? extends ApiMessage> future) {
            try {
                ApiMessage body = future.join();
                if (body != null) {
                    response = ResponseEncoder.encode(ctx.alloc(), request.header(), request.responseVersion(), body);
                }
            } catch (CompletionException e) {
                fail(e.getCause());
            } catch (RuntimeException e) {
                fail(e);
            } finally {
                request.release();
                request = null;
                ready = true;
                completed = System.nanoTime();
            }
        }

        private void fail(Throwable error) {
            if (error instanceof CloseConnectionException) {
                closeReason = error.getMessage();
                return;
            }
            metrics.requestFailed(apiKey, Errors.forException(error));
            if (!(error instanceof ApiException)) {
                log.error("Unexpected error handling {} from {}", request.header(), connectionId, error);
            }
            try {
                ApiMessage body = request.body().getErrorResponse(0, error).data();
                response = ResponseEncoder.encode(ctx.alloc(), request.header(), request.responseVersion(), body);
            } catch (RuntimeException e) {
                log.error("Cannot build an error response to {} from {}", request.header(), connectionId, e);
                closeReason = "no error response possible";
            }
        }

        void discard() {
            if (request != null) {
                request.release();
                request = null;
            }
            if (response != null) {
                response.release();
                response = null;
            }
        }
    }
}
