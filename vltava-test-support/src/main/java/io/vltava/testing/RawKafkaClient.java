package io.vltava.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A blocking Kafka connection for tests that need to control exactly what goes on the wire: typed
 * requests serialized by kafka-clients, or arbitrary bytes.
 *
 * <p>Threading: one test thread.
 */
public final class RawKafkaClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    public RawKafkaClient(String host, int port) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request and returns its response, parsed by kafka-clients. */
    public AbstractResponse send(AbstractRequest request) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-client", ++correlationId);
        writeRaw(request.serializeWithHeader(header));
        return AbstractResponse.parseResponse(readFrame(), header);
    }

    /** Sends a request and does not wait (for acks=0 produces and pipelining). */
    public RequestHeader sendOnly(AbstractRequest request) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-client", ++correlationId);
        writeRaw(request.serializeWithHeader(header));
        return header;
    }

    /** Reads the next response, for a request sent with {@link #sendOnly}. */
    public AbstractResponse receive(RequestHeader header) {
        return AbstractResponse.parseResponse(readFrame(), header);
    }

    /** The bytes of a request frame, size prefix included, as kafka-clients serializes it. */
    public static ByteBuffer frame(AbstractRequest request, int correlationId) {
        ByteBuffer body = request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(), "raw-client", correlationId));
        ByteBuffer framed = ByteBuffer.allocate(4 + body.remaining());
        framed.putInt(body.remaining()).put(body).flip();
        return framed;
    }

    /** Writes bytes exactly as given, size prefix and all. */
    public void writeBytes(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeRaw(ByteBuffer body) {
        byte[] bytes = new byte[4 + body.remaining()];
        ByteBuffer.wrap(bytes).putInt(body.remaining()).put(body);
        writeBytes(bytes);
    }

    /** Reads one response frame (without its size prefix). */
    public ByteBuffer readFrame() {
        try {
            int size = in.readInt();
            byte[] bytes = new byte[size];
            in.readFully(bytes);
            return ByteBuffer.wrap(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the broker closed the connection (waiting up to the socket timeout for it to do so). */
    public boolean isClosedByBroker() {
        try {
            socket.setSoTimeout(10_000);
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
