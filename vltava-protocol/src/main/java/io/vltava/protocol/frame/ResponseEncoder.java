package io.vltava.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vltava.protocol.records.LogSliceRecords;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Encodes a response body and its header into one frame with kafka-clients' generated classes.
 *
 * <p>The size is computed first, so the output buffer is allocated once at its exact size. Record
 * data is not in that buffer: the frame is cut where records go; {@link LogSliceRecords} are sent from
 * their file, and records held in memory are copied into a buffer of their own.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class ResponseEncoder {

    private ResponseEncoder() {
    }

    /** Encodes {@code body} as the answer to the request with {@code requestHeader}, at {@code version}. */
    public static EncodedResponse encode(ByteBufAllocator alloc, RequestHeader requestHeader, short version, ApiMessage body) {
        short headerVersion = requestHeader.apiKey().responseHeaderVersion(version);
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(requestHeader.correlationId());
        ObjectSerializationCache cache = new ObjectSerializationCache();
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        body.addSize(size, cache, version);

        int inlineBytes = KafkaFrameDecoder.SIZE_PREFIX_BYTES + size.sizeExcludingZeroCopy();
        ByteBuf buffer = alloc.buffer(inlineBytes, inlineBytes);
        try {
            SplicingWriter writer = new SplicingWriter(buffer.nioBuffer(0, inlineBytes));
            writer.writeInt(size.totalSize());
            header.write(writer, cache, headerVersion);
            body.write(writer, cache, version);
            if (writer.buffer().position() != inlineBytes) {
                throw new IllegalStateException("encoded " + writer.buffer().position() + " bytes of "
                        + requestHeader.apiKey().name + " v" + version + ", sized " + inlineBytes);
            }
            buffer.writerIndex(inlineBytes);
            return new EncodedResponse(buffer, writer.splices);
        } catch (RuntimeException e) {
            buffer.release();
            throw e;
        }
    }

    /**
     * Writes through kafka-clients' accessor, noting where record data goes instead of writing it:
     * kafka-clients' generated {@code addSize} counts every records field as zero-copy bytes, so the
     * frame buffer has no room for any of them. File slices are sent from their file; in-memory
     * records are copied out here and sent after the bytes before them.
     */
    private static final class SplicingWriter extends ByteBufferAccessor {

        private final List<EncodedResponse.Splice> splices = new ArrayList<>(0);

        SplicingWriter(ByteBuffer target) {
            super(target);
        }

        @Override
        public void writeRecords(BaseRecords records) {
            if (records instanceof LogSliceRecords slice) {
                splices.add(EncodedResponse.Splice.ofFile(buffer().position(), slice));
            } else {
                ByteBufferAccessor copy = new ByteBufferAccessor(ByteBuffer.allocate(records.sizeInBytes()));
                copy.writeRecords(records);
                splices.add(EncodedResponse.Splice.ofCopy(buffer().position(), copy.buffer().flip()));
            }
        }
    }
}
