package io.vltava.protocol.frame;

import static io.vltava.protocol.TestBuffers.buf;
import static io.vltava.protocol.TestBuffers.bytes;
import static io.vltava.protocol.TestBuffers.concat;
import static io.vltava.protocol.TestBuffers.sizePrefixed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.vltava.protocol.NettyLeaks;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(NettyLeaks.class)
class KafkaFrameDecoderTest {

    private static final int MAX = 1000;

    private final EmbeddedChannel channel = new EmbeddedChannel(new KafkaFrameDecoder(MAX));

    @AfterEach
    void closeChannel() {
        channel.finishAndReleaseAll();
    }

    @Test
    void passesOnOneCompleteFrameWithoutItsSizePrefix() {
        channel.writeInbound(buf(sizePrefixed(new byte[] {1, 2, 3})));

        assertThat(readFrames()).containsExactly(new byte[] {1, 2, 3});
    }

    @Test
    void splitsSeveralFramesArrivingInOneBuffer() {
        byte[] stream = concat(sizePrefixed(new byte[] {1}), sizePrefixed(new byte[] {2, 2}), sizePrefixed(new byte[] {3, 3, 3}));

        channel.writeInbound(buf(stream));

        assertThat(readFrames()).containsExactly(new byte[] {1}, new byte[] {2, 2}, new byte[] {3, 3, 3});
    }

    @Test
    void waitsForTheRestOfAFrame() {
        byte[] frame = sizePrefixed(new byte[] {9, 8, 7, 6, 5});

        channel.writeInbound(buf(slice(frame, 0, 2)));
        assertThat(readFrames()).isEmpty();
        channel.writeInbound(buf(slice(frame, 2, 6)));
        assertThat(readFrames()).isEmpty();
        channel.writeInbound(buf(slice(frame, 6, frame.length)));

        assertThat(readFrames()).containsExactly(new byte[] {9, 8, 7, 6, 5});
    }

    @Test
    void decodesAStreamDeliveredOneByteAtATime() {
        byte[] stream = concat(sizePrefixed(new byte[] {1, 2}), sizePrefixed(new byte[] {3}));

        for (byte b : stream) {
            channel.writeInbound(buf(new byte[] {b}));
        }

        assertThat(readFrames()).containsExactly(new byte[] {1, 2}, new byte[] {3});
    }

    @Test
    void aFrameIsASliceOfExactlyItsBytes() {
        channel.writeInbound(buf(concat(sizePrefixed(new byte[] {1, 2, 3}), sizePrefixed(new byte[] {4}))));

        ByteBuf first = channel.readInbound();
        try {
            assertThat(first.readableBytes()).isEqualTo(3);
            assertThat(first.capacity()).as("nothing past the frame is reachable").isEqualTo(3);
            assertThatThrownBy(() -> first.getByte(3)).isInstanceOf(IndexOutOfBoundsException.class);
        } finally {
            first.release();
        }
        assertThat(readFrames()).containsExactly(new byte[] {4});
    }

    @Test
    void acceptsAFrameOfExactlyTheMaximumSize() {
        byte[] body = new byte[MAX];
        body[MAX - 1] = 42;

        channel.writeInbound(buf(sizePrefixed(body)));

        assertThat(readFrames()).containsExactly(body);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -2, Integer.MIN_VALUE, MAX + 1, Integer.MAX_VALUE})
    void refusesABadSizeAsSoonAsItsFourBytesArrive(int size) {
        ByteBuf prefix = buf(ByteBuffer.allocate(4).putInt(size).array());

        assertThatThrownBy(() -> channel.writeInbound(prefix))
                .isInstanceOf(DecoderException.class)
                .hasCauseInstanceOf(InvalidFrameException.class)
                .cause().hasMessageContaining(Integer.toString(size));
        assertThat(prefix.refCnt()).as("the input was consumed and released, nothing is kept").isZero();
        assertThat(readFrames()).isEmpty();
    }

    @Test
    void refusesAnOversizedFrameWithoutBufferingItsBody() {
        // The size and the first bytes of the body arrive together; the body is not kept.
        ByteBuf chunk = buf(concat(ByteBuffer.allocate(4).putInt(50_000_000).array(), new byte[500]));

        assertThatThrownBy(() -> channel.writeInbound(chunk))
                .isInstanceOf(DecoderException.class)
                .hasCauseInstanceOf(InvalidFrameException.class)
                .cause().hasMessageContaining("exceeds");
        assertThat(chunk.refCnt()).isZero();
    }

    @Test
    void deliversTheGoodFramesBeforeABadSize() {
        byte[] stream = concat(sizePrefixed(new byte[] {1}), ByteBuffer.allocate(4).putInt(-7).array(), new byte[] {1, 2, 3});

        assertThatThrownBy(() -> channel.writeInbound(buf(stream)))
                .hasCauseInstanceOf(InvalidFrameException.class);

        assertThat(readFrames()).containsExactly(new byte[] {1});
    }

    @Test
    void refusesANonPositiveLimit() {
        assertThatThrownBy(() -> new KafkaFrameDecoder(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KafkaFrameDecoder(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private List<byte[]> readFrames() {
        List<byte[]> frames = new ArrayList<>();
        ByteBuf frame;
        while ((frame = channel.readInbound()) != null) {
            frames.add(bytes(frame));
            frame.release();
        }
        return frames;
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }
}
