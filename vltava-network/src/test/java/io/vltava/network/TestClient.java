package io.vltava.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** A Kafka client over a plain socket: writes frames, reads response frames, notices a closed connection. */
final class TestClient implements AutoCloseable {

    /** A response frame (without its size prefix) and its correlation id. */
    record Response(int correlationId, byte[] frame) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Map<Integer, RequestHeader> sent = new ConcurrentHashMap<>();

    TestClient(InetSocketAddress server) throws IOException {
        socket = new Socket();
        socket.connect(server, 5_000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends requests in one write, with these correlation ids. */
    void send(Object... requestsAndCorrelationIds) throws IOException {
        byte[][] frames = new byte[requestsAndCorrelationIds.length / 2][];
        for (int i = 0; i < frames.length; i++) {
            AbstractRequest request = (AbstractRequest) requestsAndCorrelationIds[2 * i];
            int correlationId = (Integer) requestsAndCorrelationIds[2 * i + 1];
            sent.put(correlationId, Wire.header(request, correlationId));
            frames[i] = Wire.frame(request, correlationId);
        }
        sendRaw(Wire.frames(frames));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next response frame. */
    Response receive() throws IOException {
        int size = in.readInt();
        byte[] frame = new byte[size];
        in.readFully(frame);
        return new Response(Wire.correlationId(frame), frame);
    }

    /** The next response, parsed with the header of the request it answers. */
    AbstractResponse receiveParsed() throws IOException {
        Response response = receive();
        RequestHeader header = sent.get(response.correlationId());
        assertThat(header).as("a request with correlation id %d was sent", response.correlationId()).isNotNull();
        return Wire.parse(response.frame(), header);
    }

    /** Waits up to 10 seconds for the server to close the connection, failing if a byte arrives instead. */
    void assertClosedByServer() throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        socket.setSoTimeout(200);
        while (System.nanoTime() < deadline) {
            try {
                int b = in.read();
                assertThat(b).as("the server closed the connection instead of sending more").isEqualTo(-1);
                return;
            } catch (SocketTimeoutException e) {
                // not yet
            } catch (EOFException | SocketException e) {
                return; // reset by the server: closed as well
            }
        }
        throw new AssertionError("the server did not close the connection");
    }

    /** Whether the connection is still open after {@code millis} without data. */
    boolean stillOpenAfter(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            int b = in.read();
            if (b >= 0) {
                throw new AssertionError("unexpected byte from the server");
            }
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (SocketException e) {
            return false;
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
