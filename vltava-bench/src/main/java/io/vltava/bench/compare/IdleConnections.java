package io.vltava.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Many client connections that say hello and then stay silent: each connects to the broker, sends one
 * ApiVersions request (so the broker has set it up as a Kafka connection) and never reads or sends
 * again until closed.
 *
 * <p>Threading: open and close on one thread.
 */
public final class IdleConnections implements AutoCloseable {

    private final List<SocketChannel> channels = new ArrayList<>();

    private IdleConnections() {
    }

    /** Opens {@code count} connections to {@code 127.0.0.1:port}. */
    public static IdleConnections open(int port, int count) {
        IdleConnections connections = new IdleConnections();
        short version = ApiKeys.API_VERSIONS.latestVersion();
        try {
            for (int i = 0; i < count; i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                connections.channels.add(channel);
                ApiVersionsRequest request = new ApiVersionsRequest(new ApiVersionsRequestData()
                        .setClientSoftwareName("vltava-bench-idle").setClientSoftwareVersion("1"), version);
                ByteBuffer body = request.serializeWithHeader(new RequestHeader(ApiKeys.API_VERSIONS, version, "idle-" + i, i));
                ByteBuffer frame = ByteBuffer.allocate(Integer.BYTES + body.remaining()).putInt(body.remaining()).put(body).flip();
                while (frame.hasRemaining()) {
                    channel.write(frame);
                }
            }
            return connections;
        } catch (IOException e) {
            connections.close();
            throw new UncheckedIOException("Could not open " + count + " connections to port " + port, e);
        }
    }

    public int size() {
        return channels.size();
    }

    @Override
    public void close() {
        for (SocketChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing a connection the broker already dropped is not an error of the benchmark.
            }
        }
        channels.clear();
    }
}
