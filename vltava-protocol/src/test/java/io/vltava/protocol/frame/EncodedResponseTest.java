package io.vltava.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vltava.protocol.NettyLeaks;
import io.vltava.protocol.TestBuffers;
import io.vltava.protocol.records.LogSliceRecords;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** How an encoded frame is cut into buffer slices and file regions, and who releases what. */
@ExtendWith(NettyLeaks.class)
class EncodedResponseTest {

    @TempDir
    Path dir;

    private FileChannel file;

    @BeforeEach
    void openFile() throws IOException {
        Path path = dir.resolve("segment.log");
        Files.write(path, "0123456789ABCDEFGHIJ".getBytes());
        file = FileChannel.open(path, StandardOpenOption.READ);
    }

    @AfterEach
    void closeFile() throws IOException {
        file.close();
    }

    @Test
    void withoutSplicesTheBufferItselfIsWritten() {
        ByteBuf bytes = buffer("abcdef");
        EncodedResponse response = new EncodedResponse(bytes, List.of());

        List<Object> written = write(response);

        assertThat(written).containsExactly(bytes);
        assertThat(bytes.refCnt()).as("the channel owns it now").isEqualTo(1);
        bytes.release();
    }

    @Test
    void insertsFileRegionsAtTheirPositions() {
        ByteBuf bytes = buffer("<head|mid|tail>");
        List<EncodedResponse.Splice> splices = List.of(
                EncodedResponse.Splice.ofFile(6, new LogSliceRecords(file, 0, 4)),   // after "<head|"
                EncodedResponse.Splice.ofFile(10, new LogSliceRecords(file, 10, 3))); // after "mid|"
        EncodedResponse response = new EncodedResponse(bytes, splices);

        assertThat(new String(drain(response))).isEqualTo("<head|0123mid|ABCtail>");
        assertThat(bytes.refCnt()).as("slices released by the channel, the buffer by writeTo").isZero();
    }

    @Test
    void spliceAtTheStartAndAtTheEnd() {
        ByteBuf bytes = buffer("xy");
        List<EncodedResponse.Splice> splices = List.of(
                EncodedResponse.Splice.ofFile(0, new LogSliceRecords(file, 0, 2)),
                EncodedResponse.Splice.ofFile(2, new LogSliceRecords(file, 18, 2)));
        EncodedResponse response = new EncodedResponse(bytes, splices);

        EmbeddedChannel channel = new EmbeddedChannel();
        response.writeTo(channel);
        channel.flush();
        List<Object> kinds = new ArrayList<>(channel.outboundMessages());

        assertThat(kinds).hasSize(3);
        assertThat(kinds.get(0)).isInstanceOf(FileRegion.class);
        assertThat(kinds.get(1)).isInstanceOf(ByteBuf.class);
        assertThat(kinds.get(2)).isInstanceOf(FileRegion.class);
        assertThat(new String(TestBuffers.drainOutbound(channel))).isEqualTo("01xyIJ");
        channel.finishAndReleaseAll();
        assertThat(bytes.refCnt()).isZero();
    }

    @Test
    void insertsCopiedInMemoryRecords() {
        ByteBuf bytes = buffer("[]");
        EncodedResponse response = new EncodedResponse(bytes,
                List.of(EncodedResponse.Splice.ofCopy(1, java.nio.ByteBuffer.wrap("records".getBytes()))));

        assertThat(new String(drain(response))).isEqualTo("[records]");
        assertThat(bytes.refCnt()).isZero();
    }

    @Test
    void emptySlicesWriteNothing() {
        ByteBuf bytes = buffer("ab");
        EncodedResponse response = new EncodedResponse(bytes, List.of(
                EncodedResponse.Splice.ofFile(1, LogSliceRecords.EMPTY),
                EncodedResponse.Splice.ofCopy(1, java.nio.ByteBuffer.allocate(0))));

        EmbeddedChannel channel = new EmbeddedChannel();
        response.writeTo(channel);
        channel.flush();
        assertThat(channel.outboundMessages()).hasSize(2).allMatch(ByteBuf.class::isInstance);
        channel.finishAndReleaseAll();
        assertThat(bytes.refCnt()).isZero();
    }

    @Test
    void emptySlicesWriteNothingElse() {
        ByteBuf bytes = buffer("ab");
        EncodedResponse response = new EncodedResponse(bytes, List.of(EncodedResponse.Splice.ofFile(1, LogSliceRecords.EMPTY)));

        assertThat(new String(drain(response))).isEqualTo("ab");
        assertThat(bytes.refCnt()).isZero();
    }

    @Test
    void releasingAFileRegionLeavesTheFileOpen() {
        ByteBuf bytes = buffer("-");
        EncodedResponse response = new EncodedResponse(bytes, List.of(EncodedResponse.Splice.ofFile(1, new LogSliceRecords(file, 0, 20))));

        drain(response);

        assertThat(file.isOpen()).isTrue();
    }

    @Test
    void releaseDropsTheFrameUnsent() {
        ByteBuf bytes = buffer("abc");

        new EncodedResponse(bytes, List.of(EncodedResponse.Splice.ofFile(1, new LogSliceRecords(file, 0, 1)))).release();

        assertThat(bytes.refCnt()).isZero();
    }

    @Test
    void writingToAClosedChannelReleasesEverything() {
        ByteBuf bytes = buffer("abcd");
        EncodedResponse response = new EncodedResponse(bytes, List.of(EncodedResponse.Splice.ofFile(2, new LogSliceRecords(file, 0, 5))));
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.close();

        response.writeTo(channel);

        assertThat(bytes.refCnt()).isZero();
        assertThat(file.isOpen()).isTrue();
    }

    private static ByteBuf buffer(String text) {
        ByteBuf buf = io.netty.buffer.UnpooledByteBufAllocator.DEFAULT.directBuffer(text.length());
        buf.writeBytes(text.getBytes());
        return buf;
    }

    private static List<Object> write(EncodedResponse response) {
        EmbeddedChannel channel = new EmbeddedChannel();
        response.writeTo(channel);
        channel.flush();
        List<Object> written = new ArrayList<>(channel.outboundMessages());
        channel.outboundMessages().clear();
        channel.finish();
        return written;
    }

    private static byte[] drain(EncodedResponse response) {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            response.writeTo(channel);
            channel.flush();
            return TestBuffers.drainOutbound(channel);
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
