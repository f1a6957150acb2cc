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
 * data held in memory is copied in; {@link LogSliceRecords} are not: the frame is cut where they go and
 * they are sent from their file.
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
            return new EncodedResponse(buffer, writer.splices, KafkaFrameDecoder.SIZE_PREFIX_BYTES + size.totalSize());
        } catch (RuntimeException e) {
            buffer.release();
            throw e;
        }
    }

    /** Writes through kafka-clients' accessor, noting where file slices go instead of copying them. */
    private static final class SplicingWriter extends ByteBufferAccessor {

        private final List<EncodedResponse.Splice> splices = new ArrayList<>(0);

        SplicingWriter(ByteBuffer target) {
            super(target);
        }

        @Override
        public void writeRecords(BaseRecords records) {
            if (records instanceof LogSliceRecords slice) {
                splices.add(new EncodedResponse.Splice(buffer().position(), slice));
            } else {
                super.writeRecords(records);
            }
        }
    }
}
