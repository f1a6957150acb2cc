package io.vltava.protocol.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.internals.ByteUtils;
import org.junit.jupiter.api.Test;

class UncompressedRecordCursorTest {

    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    @Test
    void readsOffsetDeltasTimestampsAndKeysOfARealBatch() {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(BASE_TIMESTAMP, "k".getBytes(), "v".getBytes()),
                new SimpleRecord(BASE_TIMESTAMP + 5, null, "no key".getBytes(), new Header[] {new RecordHeader("h", "x".getBytes())}),
                new SimpleRecord(BASE_TIMESTAMP - 3, "k2".getBytes(), null, new Header[] {new RecordHeader("n", null)}));
        ByteBuffer batch = records.buffer();

        try (UncompressedRecordCursor cursor = new UncompressedRecordCursor(batch, 3, BASE_TIMESTAMP)) {
            assertThat(cursor.next()).isTrue();
            assertThat(cursor.offsetDelta()).isZero();
            assertThat(cursor.timestamp()).isEqualTo(BASE_TIMESTAMP);
            assertThat(cursor.hasKey()).isTrue();
            assertThat(cursor.next()).isTrue();
            assertThat(cursor.offsetDelta()).isEqualTo(1);
            assertThat(cursor.timestamp()).isEqualTo(BASE_TIMESTAMP + 5);
            assertThat(cursor.hasKey()).isFalse();
            assertThat(cursor.next()).isTrue();
            assertThat(cursor.timestamp()).isEqualTo(BASE_TIMESTAMP - 3);
            assertThat(cursor.next()).isFalse();
        }
    }

    @Test
    void aRecordLongerThanItsFieldsIsInvalid() {
        ByteBuffer batch = batch(record(1, 0, 0, 1, 1, 0), new byte[] {0});
        assertInvalid(batch, 1, "expected to read");
    }

    @Test
    void aRecordShorterThanItsFieldsIsInvalid() {
        ByteBuffer batch = batch(record(-1, 0, 0, 1, 1, 0));
        assertInvalid(batch, 1, "invalid record structure");
    }

    @Test
    void aNegativeHeaderCountIsInvalid() {
        assertInvalid(batch(record(0, 0, 0, -1, -1, -2)), 1, "number of record headers");
    }

    @Test
    void aHeaderWithoutAKeyIsInvalid() {
        assertInvalid(batch(record(0, 0, 0, -1, -1, 1, -1, -1)), 1, "negative header key size");
    }

    @Test
    void aFieldReachingPastItsRecordIsInvalid() {
        assertInvalid(batch(record(0, 0, 0, 50, 0, 0)), 1, "invalid record structure");
    }

    @Test
    void bytesAfterTheLastRecordAreInvalid() {
        ByteBuffer batch = batch(record(0, 0, 0, -1, -1, 0), new byte[] {0});
        assertInvalid(batch, 1, "remain after record 1");
    }

    @Test
    void fewerRecordsThanDeclaredAreInvalid() {
        assertInvalid(batch(record(0, 0, 0, -1, -1, 0)), 2, "ends after 1 of 2 records");
    }

    @Test
    void aLengthBeyondTheBatchIsInvalid() {
        byte[] lying = record(0, 0, 0, -1, -1, 0);
        lying[0] = 0x7e; // zigzag 63: far more than the batch holds
        assertInvalid(batch(lying), 1, "Invalid record size 63");
    }

    private static void assertInvalid(ByteBuffer batch, int count, String message) {
        assertThatThrownBy(() -> {
            try (UncompressedRecordCursor cursor = new UncompressedRecordCursor(batch, count, BASE_TIMESTAMP)) {
                while (cursor.next()) {
                    cursor.offsetDelta();
                }
            }
        }).isInstanceOf(InvalidRecordException.class).hasMessageContaining(message);
    }

    /**
     * One record: its length prefix (the fields' size plus {@code lengthError}), attributes, timestamp
     * and offset deltas, then the key and value lengths with that many zero bytes, a header count and
     * header key/value lengths (keys and values of those many zero bytes).
     */
    private static byte[] record(int lengthError, long timestampDelta, int offsetDelta, int keyLength, int valueLength, int headers,
            int... headerLengths) {
        ByteBuffer fields = ByteBuffer.allocate(1024);
        fields.put((byte) 0);
        ByteUtils.writeVarlong(timestampDelta, fields);
        ByteUtils.writeVarint(offsetDelta, fields);
        ByteUtils.writeVarint(keyLength, fields);
        fields.position(fields.position() + Math.max(0, Math.min(keyLength, 8)));
        ByteUtils.writeVarint(valueLength, fields);
        fields.position(fields.position() + Math.max(0, Math.min(valueLength, 8)));
        ByteUtils.writeVarint(headers, fields);
        for (int length : headerLengths) {
            ByteUtils.writeVarint(length, fields);
            fields.position(fields.position() + Math.max(0, length));
        }
        fields.flip();
        ByteBuffer record = ByteBuffer.allocate(fields.remaining() + 5);
        ByteUtils.writeVarint(fields.remaining() + lengthError, record);
        record.put(fields).flip();
        byte[] bytes = new byte[record.remaining()];
        record.get(bytes);
        return bytes;
    }

    private static ByteBuffer batch(byte[]... records) {
        int size = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
        for (byte[] record : records) {
            size += record.length;
        }
        ByteBuffer batch = ByteBuffer.allocate(size);
        batch.position(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
        for (byte[] record : records) {
            batch.put(record);
        }
        return batch.flip();
    }
}
