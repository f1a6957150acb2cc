package io.vltava.storage.cleaner;

import io.vltava.storage.log.PartitionLog;
import io.vltava.storage.log.TestLogs;
import io.vltava.storage.record.BatchHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Keyed record batches for the cleaner's tests, built and read back with kafka-clients: keys and values
 * are strings, a null value is a tombstone.
 *
 * <pre>
 * ByteBuffer batch = KeyedRecords.batch(CompressionType.NONE, now, "k1", "v1", "k2", null);
 * </pre>
 */
final class KeyedRecords {

    /** One record as read back from a log. */
    record Entry(long offset, String key, String value) {
    }

    /** One batch as read back from a log. */
    record Batch(long baseOffset, long lastOffset, int records, CompressionType compression, long producerId) {
    }

    private KeyedRecords() {
    }

    /** A batch of the records given as key, value pairs, all with {@code timestamp}. */
    static ByteBuffer batch(CompressionType compression, long timestamp, String... keysAndValues) {
        return build(compression, timestamp, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, keysAndValues);
    }

    /** A batch of an idempotent producer. */
    static ByteBuffer idempotentBatch(long producerId, short epoch, int baseSequence, long timestamp, String... keysAndValues) {
        return build(CompressionType.NONE, timestamp, producerId, epoch, baseSequence, keysAndValues);
    }

    private static ByteBuffer build(CompressionType compression, long timestamp, long producerId, short epoch, int baseSequence,
                                    String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Keys and values come in pairs");
        }
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.CURRENT_MAGIC_VALUE,
                Compression.of(compression).build(), TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, producerId, epoch, baseSequence,
                false, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            builder.append(timestamp, bytes(keysAndValues[i]), bytes(keysAndValues[i + 1]));
        }
        return builder.build().buffer();
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** Every record of the log from its start, in order. */
    static List<Entry> entries(PartitionLog log) {
        List<Entry> entries = new ArrayList<>();
        for (RecordBatch batch : records(log).batches()) {
            for (Record record : batch) {
                entries.add(new Entry(record.offset(), string(record.key()), string(record.value())));
            }
        }
        return entries;
    }

    /** The timestamp of every record of the log, by offset. */
    static Map<Long, Long> timestamps(PartitionLog log) {
        Map<Long, Long> timestamps = new HashMap<>();
        for (RecordBatch batch : records(log).batches()) {
            for (Record record : batch) {
                timestamps.put(record.offset(), record.timestamp());
            }
        }
        return timestamps;
    }

    /** Every batch of the log from its start, in order. */
    static List<Batch> batches(PartitionLog log) {
        List<Batch> batches = new ArrayList<>();
        for (RecordBatch batch : records(log).batches()) {
            batches.add(new Batch(batch.baseOffset(), batch.lastOffset(), batch.countOrNull(), batch.compressionType(), batch.producerId()));
        }
        return batches;
    }

    private static MemoryRecords records(PartitionLog log) {
        byte[] bytes = TestLogs.readAll(log, log.logStartOffset());
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        for (int at = 0; at < bytes.length; at += BatchHeader.sizeInBytes(buffer, at)) {
            if (!BatchHeader.isCrcValid(buffer, at)) {
                throw new AssertionError("Bad CRC in the batch at offset " + BatchHeader.baseOffset(buffer, at));
            }
        }
        return MemoryRecords.readableRecords(buffer);
    }

    private static String string(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
