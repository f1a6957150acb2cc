package io.vltava.broker.api;

import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.MetadataPublisher;
import io.vltava.metadata.record.ClientQuotaRecord;
import io.vltava.metadata.record.QuotaEntity;
import io.vltava.network.ChannelMuter;
import io.vltava.network.RequestContext;
import io.vltava.protocol.records.LogSliceRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.requests.RequestHeader;

/** Small helpers for calling handlers directly. */
final class Requests {

    private Requests() {
    }

    static RequestContext context(ApiKeys api, short version, String clientId, ScheduledExecutorService eventLoop) {
        return context(api, version, clientId, "PLAINTEXT", eventLoop);
    }

    static RequestContext context(ApiKeys api, short version, String clientId, String listener, ScheduledExecutorService eventLoop) {
        return context(api, version, clientId, listener, eventLoop, throttleTimeMs -> { });
    }

    static RequestContext context(ApiKeys api, short version, String clientId, String listener, ScheduledExecutorService eventLoop,
                                  ChannelMuter muter) {
        return new RequestContext(new RequestHeader(api, version, clientId, 1), listener, "test-connection", "/127.0.0.1", eventLoop, muter);
    }

    /** Gives {@code quotas} exactly one quota: {@code key} = {@code value} for the client id {@code clientId}. */
    static void clientQuota(MetadataPublisher quotas, String clientId, String key, double value) {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(new ClientQuotaRecord(new QuotaEntity(null, QuotaEntity.Part.named(clientId)), key, value));
        quotas.onMetadataUpdate(delta, delta.apply(0));
    }

    /** The response of a future that must already be complete. */
    @SuppressWarnings("unchecked")
    static <T extends ApiMessage> T done(CompletableFuture<? extends ApiMessage> future) {
        if (!future.isDone()) {
            throw new AssertionError("The handler did not answer at once");
        }
        return (T) future.join();
    }

    /** The bytes a fetch response carries for a partition, as record batches (a trailing partial batch is dropped). */
    static List<MutableRecordBatch> batches(BaseRecords records) {
        if (records == null || records.sizeInBytes() == 0) {
            return List.of();
        }
        LogSliceRecords slice = (LogSliceRecords) records;
        ByteBuffer buffer = ByteBuffer.allocate(slice.sizeInBytes());
        try {
            while (buffer.hasRemaining()) {
                if (slice.channel().read(buffer, slice.position() + buffer.position()) < 0) {
                    throw new IOException("The segment ended inside the slice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<MutableRecordBatch> batches = new ArrayList<>();
        MemoryRecords.readableRecords(buffer.flip()).batches().forEach(batches::add);
        return batches;
    }

    /** Base offsets of the whole batches in {@code records}. */
    static List<Long> baseOffsets(BaseRecords records) {
        return batches(records).stream().map(MutableRecordBatch::baseOffset).toList();
    }
}
