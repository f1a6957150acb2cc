package io.vltava.protocol.records;

import java.nio.ByteBuffer;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;

/**
 * Walks the records of an uncompressed v2 batch in place, reading only their varint fields and
 * skipping keys, values and headers by their lengths: no object per record, no copy. Each record is
 * held to what kafka-clients' full reader demands, so whatever passes can be read by consumers: its
 * length prefix must lie within the batch and be exactly the bytes its fields take, the header count
 * must not be negative, a header key must have a length, and the batch must hold exactly the declared
 * number of records with nothing after the last.
 *
 * <p>Threading: one cursor per validation, on one thread.
 */
final class UncompressedRecordCursor implements RecordCursor {

    private static final int MAX_VARINT_BYTES = 5;
    private static final int MAX_VARLONG_BYTES = 10;

    private final ByteBuffer batch;
    private final int end;
    private final int count;
    private final long baseTimestamp;
    private int position = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
    private int read;
    private int recordEnd;
    private int offsetDelta;
    private long timestamp;
    private boolean hasKey;

    /** @param batch the batch's bytes from its base offset to its end, positioned at 0; not modified */
    UncompressedRecordCursor(ByteBuffer batch, int count, long baseTimestamp) {
        this.batch = batch;
        this.end = batch.limit();
        this.count = count;
        this.baseTimestamp = baseTimestamp;
    }

    @Override
    public boolean next() {
        if (read == count) {
            if (position != end) {
                throw new InvalidRecordException("Incorrect declared batch size, " + (end - position) + " bytes remain after record " + count);
            }
            return false;
        }
        if (position >= end) {
            throw new InvalidRecordException("Incorrect declared batch size, the batch ends after " + read + " of " + count + " records");
        }
        recordEnd = end;
        int length = readVarint();
        if (length <= 0 || length > end - position) {
            throw new InvalidRecordException("Invalid record size " + length + " for record " + read + ": " + (end - position)
                    + " bytes remain in the batch");
        }
        int start = position;
        recordEnd = start + length;
        position++; // attributes: unused in v2 records
        timestamp = baseTimestamp + readVarlong();
        offsetDelta = readVarint();
        int keyLength = readVarint();
        hasKey = keyLength >= 0;
        skip(keyLength);
        skip(readVarint());
        int headers = readVarint();
        if (headers < 0) {
            throw new InvalidRecordException("Found invalid number of record headers " + headers);
        }
        for (int i = 0; i < headers; i++) {
            int headerKeyLength = readVarint();
            if (headerKeyLength < 0) {
                throw new InvalidRecordException("Invalid negative header key size " + headerKeyLength);
            }
            skip(headerKeyLength);
            skip(readVarint());
        }
        if (position != recordEnd) {
            throw new InvalidRecordException("Invalid record size: expected to read " + length + " bytes in record payload, but instead read "
                    + (position - start));
        }
        read++;
        return true;
    }

    @Override
    public int offsetDelta() {
        return offsetDelta;
    }

    @Override
    public long timestamp() {
        return timestamp;
    }

    @Override
    public boolean hasKey() {
        return hasKey;
    }

    @Override
    public void close() {
    }

    /** Skips a length-prefixed field; a negative length is a null field of no bytes, as Kafka reads it. */
    private void skip(int length) {
        if (length > 0) {
            if (length > recordEnd - position) {
                throw structure();
            }
            position += length;
        }
    }

    private int readVarint() {
        int raw = 0;
        for (int shift = 0, i = 0; i < MAX_VARINT_BYTES; i++, shift += 7) {
            byte b = nextByte();
            raw |= (b & 0x7f) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw structure();
    }

    private long readVarlong() {
        long raw = 0;
        for (int shift = 0, i = 0; i < MAX_VARLONG_BYTES; i++, shift += 7) {
            byte b = nextByte();
            raw |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw structure();
    }

    private byte nextByte() {
        if (position >= recordEnd) {
            throw structure();
        }
        return batch.get(position++);
    }

    private InvalidRecordException structure() {
        return new InvalidRecordException("Found invalid record structure in record " + read);
    }
}
