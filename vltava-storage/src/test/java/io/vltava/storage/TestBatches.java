package io.vltava.storage;

import io.vltava.storage.log.LogSlice;
import io.vltava.storage.record.BatchHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * Builds valid Kafka v2 record batches as raw bytes, the way a producer sends them: base offset 0,
 * uncompressed records encoded with zig-zag varints, and a CRC-32C over the bytes from the attributes
 * to the end of the batch.
 *
 * <pre>
 * ByteBuffer batch = TestBatches.batch().records(3).producer(7L, (short) 0, 0).build();
 * </pre>
 */
public final class TestBatches {

    /** The base timestamp of batches unless a test sets another. */
    public static final long DEFAULT_TIMESTAMP = 1_600_000_000_000L;

    private TestBatches() {
    }

    public static Builder batch() {
        return new Builder();
    }

    /** A plain (non-idempotent) batch of {@code records} records. */
    public static ByteBuffer plain(int records) {
        return batch().records(records).build();
    }

    /** A batch of an idempotent producer. */
    public static ByteBuffer idempotent(long producerId, short epoch, int baseSequence, int records) {
        return batch().records(records).producer(producerId, epoch, baseSequence).build();
    }

    /** The given batches back to back in one buffer. */
    public static ByteBuffer concat(ByteBuffer... batches) {
        int size = 0;
        for (ByteBuffer batch : batches) {
            size += batch.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (ByteBuffer batch : batches) {
            all.put(batch.duplicate());
        }
        return all.flip();
    }

    /** The remaining bytes of {@code buffer}, without moving it. */
    public static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    /** The bytes of a slice, read from its segment file. */
    public static byte[] bytes(LogSlice slice) {
        if (slice.isEmpty()) {
            return new byte[0];
        }
        try {
            return bytes(slice.readFully());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Splits bytes of back-to-back batches into one buffer per complete batch; a cut-short batch at the
     * end is left out, as a client drops it.
     */
    public static List<ByteBuffer> split(byte[] bytes) {
        ByteBuffer all = ByteBuffer.wrap(bytes);
        List<ByteBuffer> batches = new ArrayList<>();
        int at = 0;
        while (bytes.length - at >= BatchHeader.LOG_OVERHEAD) {
            int size = BatchHeader.sizeInBytes(all, at);
            if (at + size > bytes.length) {
                break;
            }
            batches.add(ByteBuffer.wrap(Arrays.copyOfRange(bytes, at, at + size)));
            at += size;
        }
        return batches;
    }

    /** Builder of one batch. */
    public static final class Builder {

        private int records = 1;
        private int valueSize = 16;
        private long seed = 42;
        private long baseTimestamp = DEFAULT_TIMESTAMP;
        private long producerId = BatchHeader.NO_PRODUCER_ID;
        private short producerEpoch = BatchHeader.NO_PRODUCER_EPOCH;
        private int baseSequence = BatchHeader.NO_SEQUENCE;
        private int partitionLeaderEpoch = -1;
        private long baseOffset = 0;

        private Builder() {
        }

        /** Number of records; the header's lastOffsetDelta is this minus one. */
        public Builder records(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("A batch has at least one record");
            }
            this.records = count;
            return this;
        }

        /** Bytes of each record's value. */
        public Builder valueSize(int bytes) {
            this.valueSize = bytes;
            return this;
        }

        /** Seed of the value bytes, so that batches built with different seeds differ. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Timestamp of the first record; record i has this plus i, so maxTimestamp is this plus records - 1. */
        public Builder timestamp(long value) {
            this.baseTimestamp = value;
            return this;
        }

        public Builder producer(long id, short epoch, int firstSequence) {
            this.producerId = id;
            this.producerEpoch = epoch;
            this.baseSequence = firstSequence;
            return this;
        }

        public Builder partitionLeaderEpoch(int epoch) {
            this.partitionLeaderEpoch = epoch;
            return this;
        }

        public Builder baseOffset(long offset) {
            this.baseOffset = offset;
            return this;
        }

        public ByteBuffer build() {
            byte[] recordBytes = encodeRecords();
            int size = BatchHeader.HEADER_SIZE + recordBytes.length;
            ByteBuffer buffer = ByteBuffer.allocate(size);
            buffer.putLong(baseOffset);
            buffer.putInt(size - BatchHeader.LOG_OVERHEAD);
            buffer.putInt(partitionLeaderEpoch);
            buffer.put(BatchHeader.MAGIC_V2);
            buffer.putInt(0); // CRC, filled in below
            buffer.putShort((short) 0); // attributes: no compression, CreateTime
            buffer.putInt(records - 1);
            buffer.putLong(baseTimestamp);
            buffer.putLong(baseTimestamp + records - 1);
            buffer.putLong(producerId);
            buffer.putShort(producerEpoch);
            buffer.putInt(baseSequence);
            buffer.putInt(records);
            buffer.put(recordBytes);
            buffer.flip();
            CRC32C crc = new CRC32C();
            crc.update(buffer.duplicate().position(BatchHeader.ATTRIBUTES_OFFSET));
            buffer.putInt(BatchHeader.CRC_OFFSET, (int) crc.getValue());
            return buffer;
        }

        private byte[] encodeRecords() {
            Random random = new Random(seed);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < records; i++) {
                byte[] value = new byte[valueSize];
                random.nextBytes(value);
                ByteArrayOutputStream record = new ByteArrayOutputStream();
                record.write(0); // attributes
                writeVarlong(record, i); // timestamp delta
                writeVarint(record, i); // offset delta
                writeVarint(record, -1); // null key
                writeVarint(record, value.length);
                record.writeBytes(value);
                writeVarint(record, 0); // no headers
                writeVarint(out, record.size());
                out.writeBytes(record.toByteArray());
            }
            return out.toByteArray();
        }
    }

    static void writeVarint(ByteArrayOutputStream out, int value) {
        writeUnsignedVarlong(out, Integer.toUnsignedLong((value << 1) ^ (value >> 31)));
    }

    static void writeVarlong(ByteArrayOutputStream out, long value) {
        writeUnsignedVarlong(out, (value << 1) ^ (value >> 63));
    }

    private static void writeUnsignedVarlong(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
