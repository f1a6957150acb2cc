package io.vltava.bench;

import java.nio.ByteBuffer;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;

/**
 * Builds uncompressed v2 record batches with kafka-clients' own builder, as a producer would send
 * them: base offset 0, no producer id, null keys, random values, CreateTime timestamps that grow by
 * one millisecond per record.
 *
 * <p>Threading: stateless, safe from any thread.
 */
public final class RecordBatches {

    private static final int BATCH_OVERHEAD_BYTES = 128;
    private static final int RECORD_OVERHEAD_BYTES = 32;

    private RecordBatches() {
    }

    /**
     * One batch of {@code records} records of {@code valueBytes} random bytes each.
     *
     * @param firstTimestamp the first record's timestamp; record i has this plus i
     * @param seed           seed of the values, so batches built with different seeds differ
     */
    public static ByteBuffer batch(int records, int valueBytes, long firstTimestamp, long seed) {
        Random random = new Random(seed);
        ByteBuffer buffer = ByteBuffer.allocate(BATCH_OVERHEAD_BYTES + records * (valueBytes + RECORD_OVERHEAD_BYTES));
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < records; i++) {
            byte[] value = new byte[valueBytes];
            random.nextBytes(value);
            builder.append(firstTimestamp + i, null, value);
        }
        ByteBuffer built = builder.build().buffer();
        ByteBuffer exact = ByteBuffer.allocate(built.remaining());
        exact.put(built).flip();
        return exact;
    }
}
