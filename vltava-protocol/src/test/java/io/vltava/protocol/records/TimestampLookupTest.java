package io.vltava.protocol.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.protocol.TestBuffers;
import io.vltava.protocol.records.TimestampLookup.Found;
import java.nio.ByteBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class TimestampLookupTest {

    /**
     * Three stored batches, as a log segment holds them:
     * offsets 100-102 (epoch 4, timestamps 1000, 1005, 1003), 103-104 gzip (epoch 5, 1010, 1010),
     * 105-107 zstd (epoch 5, 1002, -1, 1007).
     */
    private static final byte[] LOG = TestBuffers.concat(
            batch(100, 4, Compression.NONE, 1000, 1005, 1003),
            batch(103, 5, Compression.gzip().build(), 1010, 1010),
            batch(105, 5, Compression.zstd().build(), 1002, RecordBatch.NO_TIMESTAMP, 1007));

    @Test
    void findsTheFirstRecordAtOrAfterATimestampInOffsetOrder() {
        ByteBuffer log = ByteBuffer.wrap(LOG);

        assertThat(TimestampLookup.firstAtOrAfter(log, 0, 0)).isEqualTo(new Found(100, 1000, 4));
        assertThat(TimestampLookup.firstAtOrAfter(log, 1000, 0)).isEqualTo(new Found(100, 1000, 4));
        // 1003 at offset 102 is closer, but 1005 at offset 101 comes first.
        assertThat(TimestampLookup.firstAtOrAfter(log, 1001, 0)).isEqualTo(new Found(101, 1005, 4));
        assertThat(TimestampLookup.firstAtOrAfter(log, 1006, 0)).isEqualTo(new Found(103, 1010, 5));
        assertThat(TimestampLookup.firstAtOrAfter(log, 1010, 0)).isEqualTo(new Found(103, 1010, 5));
        assertThat(TimestampLookup.firstAtOrAfter(log, 1011, 0)).isNull();
    }

    @Test
    void skipsRecordsBelowTheLogStartOffset() {
        ByteBuffer log = ByteBuffer.wrap(LOG);

        assertThat(TimestampLookup.firstAtOrAfter(log, 0, 101)).isEqualTo(new Found(101, 1005, 4));
        assertThat(TimestampLookup.firstAtOrAfter(log, 1001, 102)).isEqualTo(new Found(102, 1003, 4));
        assertThat(TimestampLookup.firstAtOrAfter(log, 1011, 102)).isNull();
    }

    @Test
    void findsRecordsInsideCompressedBatches() {
        ByteBuffer lastBatch = ByteBuffer.wrap(batch(105, 5, Compression.zstd().build(), 1002, RecordBatch.NO_TIMESTAMP, 1007));

        assertThat(TimestampLookup.firstAtOrAfter(lastBatch, 1003, 0)).isEqualTo(new Found(107, 1007, 5));
        assertThat(TimestampLookup.maxTimestamp(lastBatch)).isEqualTo(new Found(107, 1007, 5));
    }

    @Test
    void theMaxTimestampIsTheFirstRecordHoldingIt() {
        assertThat(TimestampLookup.maxTimestamp(ByteBuffer.wrap(LOG))).isEqualTo(new Found(103, 1010, 5));
    }

    @Test
    void recordsWithoutATimestampAreNeverFoundByTimestamp() {
        ByteBuffer none = ByteBuffer.wrap(batch(0, 1, Compression.NONE, RecordBatch.NO_TIMESTAMP, RecordBatch.NO_TIMESTAMP));

        assertThat(TimestampLookup.firstAtOrAfter(none, 0, 0)).isNull();
        assertThat(TimestampLookup.maxTimestamp(none)).isEqualTo(new Found(0, RecordBatch.NO_TIMESTAMP, 1));
    }

    @Test
    void nothingIsFoundInAnEmptyBuffer() {
        assertThat(TimestampLookup.firstAtOrAfter(ByteBuffer.allocate(0), 0, 0)).isNull();
        assertThat(TimestampLookup.maxTimestamp(ByteBuffer.allocate(0))).isNull();
    }

    @Test
    void logAppendTimeBatchesReportTheBrokersTimeForEveryRecord() {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE,
                TimestampType.LOG_APPEND_TIME, 50L, 7777L, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE,
                false, 9);
        builder.append(1L, "k".getBytes(), "a".getBytes());
        builder.append(2L, "k".getBytes(), "b".getBytes());
        ByteBuffer log = builder.build().buffer();

        assertThat(TimestampLookup.firstAtOrAfter(log, 7777, 0)).isEqualTo(new Found(50, 7777, 9));
        assertThat(TimestampLookup.firstAtOrAfter(log, 7778, 0)).isNull();
        assertThat(TimestampLookup.maxTimestamp(log)).isEqualTo(new Found(50, 7777, 9));
    }

    @Test
    void leavesTheCallersBufferAsItWas() {
        ByteBuffer log = ByteBuffer.allocate(LOG.length + 10);
        log.position(10);
        log.put(LOG);
        log.position(10);
        ByteBuffer view = log.slice();

        assertThat(TimestampLookup.firstAtOrAfter(view, 1006, 0)).isEqualTo(new Found(103, 1010, 5));
        assertThat(TimestampLookup.maxTimestamp(view)).isEqualTo(new Found(103, 1010, 5));
        assertThat(view.position()).isZero();
        assertThat(view.remaining()).isEqualTo(LOG.length);
    }

    @Test
    void ignoresAnIncompleteBatchAtTheEnd() {
        // A read of a segment may end in the middle of a batch.
        byte[] cut = java.util.Arrays.copyOf(LOG, LOG.length - 5);

        assertThat(TimestampLookup.firstAtOrAfter(ByteBuffer.wrap(cut), 1003, 0)).isEqualTo(new Found(101, 1005, 4));
        assertThat(TimestampLookup.firstAtOrAfter(ByteBuffer.wrap(cut), 1007, 0)).isEqualTo(new Found(103, 1010, 5));
        assertThat(TimestampLookup.maxTimestamp(ByteBuffer.wrap(cut))).isEqualTo(new Found(103, 1010, 5));
    }

    /** A stored batch: records at consecutive offsets from {@code baseOffset} with these timestamps. */
    private static byte[] batch(long baseOffset, int leaderEpoch, Compression compression, long... timestamps) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.CURRENT_MAGIC_VALUE, compression,
                TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, false, leaderEpoch);
        for (int i = 0; i < timestamps.length; i++) {
            builder.append(timestamps[i], ("k" + i).getBytes(), ("v" + i).getBytes());
        }
        return TestBuffers.bytes(builder.build().buffer());
    }
}
