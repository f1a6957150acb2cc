package io.vltava.protocol.frame;

import static io.vltava.protocol.TestBuffers.buf;
import static io.vltava.protocol.TestBuffers.bytes;
import static io.vltava.protocol.TestBuffers.concat;
import static io.vltava.protocol.TestBuffers.sizePrefixed;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vltava.protocol.NettyLeaks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/** Whatever the chunking of the byte stream, the decoder yields exactly the frames that were sent. */
class KafkaFrameDecoderPropertiesTest {

    @Provide
    Arbitrary<List<byte[]>> frames() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300).list().ofMinSize(0).ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 5000).list().ofMaxSize(40);
    }

    @Property(tries = 500, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void framesSurviveArbitraryChunkBoundaries(@ForAll("frames") List<byte[]> frames, @ForAll("cuts") List<Integer> cuts) {
        byte[] stream = concat(frames.stream().map(f -> sizePrefixed(f)).toArray(byte[][]::new));
        EmbeddedChannel channel = new EmbeddedChannel(new KafkaFrameDecoder(300));
        List<byte[]> received = new ArrayList<>();
        try {
            int from = 0;
            for (int cut : chunkEnds(cuts, stream.length)) {
                channel.writeInbound(buf(Arrays.copyOfRange(stream, from, cut)));
                from = cut;
                ByteBuf frame;
                while ((frame = channel.readInbound()) != null) {
                    received.add(bytes(frame));
                    frame.release();
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }

        assertThat(received).hasSize(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            assertThat(received.get(i)).as("frame %d", i).isEqualTo(frames.get(i));
        }
    }

    /** Sorted, distinct chunk end positions within the stream, ending with the stream's length. */
    private static List<Integer> chunkEnds(List<Integer> cuts, int length) {
        TreeSet<Integer> ends = new TreeSet<>();
        for (int cut : cuts) {
            if (length > 0) {
                ends.add(1 + cut % length);
            }
        }
        ends.add(length);
        ends.remove(0);
        return new ArrayList<>(ends);
    }

    @AfterContainer
    static void noLeaks() {
        NettyLeaks.assertNoLeaks();
    }
}
