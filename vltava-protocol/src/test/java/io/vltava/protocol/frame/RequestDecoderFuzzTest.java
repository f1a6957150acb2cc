package io.vltava.protocol.frame;

import static io.vltava.protocol.TestBuffers.buf;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.vltava.protocol.KafkaMessages;
import io.vltava.protocol.NettyLeaks;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Whatever bytes a client sends, the decoder either returns a request or throws
 * {@link InvalidFrameException}: no other exception escapes, and the frame is released on failure.
 */
class RequestDecoderFuzzTest {

    private static final RequestDecoder DECODER = new RequestDecoder(EnumSet.allOf(ApiKeys.class));
    private static final List<byte[]> VALID_REQUESTS = validRequests();

    /** A valid request with some bytes overwritten, some cut off or some appended. */
    record Mutation(int request, List<int[]> overwrites, int cut, byte[] appended) {
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        Arbitrary<int[]> overwrite = Combinators.combine(Arbitraries.integers().between(0, 4000), Arbitraries.integers().between(-128, 127))
                .as((at, value) -> new int[] {at, value});
        return Combinators.combine(
                Arbitraries.integers().between(0, VALID_REQUESTS.size() - 1),
                overwrite.list().ofMaxSize(6),
                Arbitraries.integers().between(0, 4000),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(8))
                .as(Mutation::new);
    }

    @Property(tries = 3000)
    void mutatedRequestsDecodeOrAreRefused(@ForAll("mutations") Mutation mutation) {
        byte[] bytes = VALID_REQUESTS.get(mutation.request()).clone();
        for (int[] overwrite : mutation.overwrites()) {
            bytes[overwrite[0] % bytes.length] = (byte) overwrite[1];
        }
        int keep = mutation.cut() % (bytes.length + 1);
        byte[] frame = ByteBuffer.allocate(keep + mutation.appended().length)
                .put(bytes, 0, keep).put(mutation.appended()).array();

        decodeOrRefuse(frame);
    }

    @Property(tries = 2000)
    void randomBytesAfterAValidHeaderDecodeOrAreRefused(@ForAll("headerAndGarbage") byte[] frame) {
        decodeOrRefuse(frame);
    }

    @Provide
    Arbitrary<byte[]> headerAndGarbage() {
        return Combinators.combine(
                Arbitraries.integers().between(0, VALID_REQUESTS.size() - 1),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
                .as((request, garbage) -> {
                    byte[] valid = VALID_REQUESTS.get(request);
                    int headerEnd = Math.min(valid.length, 8 + 2 + 1 + 1); // api key, version, correlation id, client id "c"
                    byte[] frame = Arrays.copyOf(valid, headerEnd + garbage.length);
                    System.arraycopy(garbage, 0, frame, headerEnd, garbage.length);
                    return frame;
                });
    }

    private static void decodeOrRefuse(byte[] bytes) {
        ByteBuf frame = buf(bytes);
        try {
            DecodedRequest request = DECODER.decode(frame);
            assertThat(frame.refCnt()).isEqualTo(1);
            request.release();
        } catch (InvalidFrameException expected) {
            // fine: refused
        }
        assertThat(frame.refCnt()).isZero();
    }

    private static List<byte[]> validRequests() {
        List<byte[]> requests = new java.util.ArrayList<>();
        for (Arguments arguments : KafkaMessages.allApiVersions()) {
            ApiKeys api = (ApiKeys) arguments.get()[0];
            short version = (short) arguments.get()[1];
            requests.add(KafkaMessages.serialize(KafkaMessages.request(api, version, KafkaMessages.defaultRequestData(api)), 1, "c"));
        }
        for (short version : ApiKeys.PRODUCE.allVersions()) {
            requests.add(KafkaMessages.serialize(KafkaMessages.produceWithOneBatch(version), 1, "c"));
        }
        return requests;
    }

    @AfterContainer
    static void noLeaks() {
        NettyLeaks.assertNoLeaks();
    }
}
