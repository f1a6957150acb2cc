package io.vltava.broker.coordinator;

import io.vltava.broker.partition.Partition;
import io.vltava.coordinator.runtime.CoordinatorLog;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import io.vltava.common.time.Time;
import io.vltava.storage.log.FetchIsolation;
import io.vltava.storage.log.LogAppendInfo;
import io.vltava.storage.log.LogReadInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * A partition of an internal topic, as a coordinator's shard writes and loads it: records go in as
 * one uncompressed batch appended as leader with acks=all, and loading reads every batch from the log
 * start to the log end.
 *
 * <p>Threading: called on the shard's thread; the partition synchronises its own log.
 */
public final class CoordinatorPartitionLog implements CoordinatorLog {

    private static final int READ_BYTES = 1 << 20;

    private final Partition partition;
    private final Time time;

    public CoordinatorPartitionLog(Partition partition, Time time) {
        this.partition = partition;
        this.time = time;
    }

    @Override
    public CompletableFuture<Void> append(List<CoordinatorRecord> records) {
        long now = time.milliseconds();
        SimpleRecord[] batch = new SimpleRecord[records.size()];
        for (int i = 0; i < batch.length; i++) {
            CoordinatorRecord record = records.get(i);
            batch[i] = new SimpleRecord(now, record.key(), record.value());
        }
        LogAppendInfo info = partition.appendRecordsToLeader(MemoryRecords.withRecords(Compression.NONE, batch).buffer(), (short) -1);
        return info.durable().thenApply(ignored -> null);
    }

    @Override
    public void readAll(Consumer<CoordinatorRecord> sink) {
        long offset = partition.log().logStartOffset();
        long end = partition.log().logEndOffset();
        while (offset < end) {
            LogReadInfo read = partition.log().read(offset, READ_BYTES, FetchIsolation.LOG_END, true);
            if (read.slice().isEmpty()) {
                return;
            }
            ByteBuffer bytes;
            try {
                bytes = read.slice().readFully();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + partition.topicPartition() + " at offset " + offset, e);
            }
            long next = offset;
            for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
                next = batch.nextOffset();
                if (batch.isControlBatch()) {
                    continue;
                }
                for (Record record : batch) {
                    if (record.offset() >= offset && record.hasKey()) {
                        sink.accept(new CoordinatorRecord(bytesOf(record.key()), record.hasValue() ? bytesOf(record.value()) : null));
                    }
                }
            }
            if (next <= offset) {
                return;
            }
            offset = next;
        }
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
