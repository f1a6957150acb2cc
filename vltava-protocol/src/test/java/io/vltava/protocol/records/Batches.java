package io.vltava.protocol.records;

import io.vltava.protocol.TestBuffers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;

/** Record batches for tests: built with kafka-clients, then edited byte by byte where a test needs a lie. */
final class Batches {

    /** v2 batch header offsets (see the storage reference). */
    static final int BASE_OFFSET = 0;
    static final int BATCH_LENGTH = 8;
    static final int MAGIC = 16;
    static final int CRC = 17;
    static final int ATTRIBUTES = 21;
    static final int LAST_OFFSET_DELTA = 23;
    static final int BASE_TIMESTAMP = 27;
    static final int MAX_TIMESTAMP = 35;
    static final int PRODUCER_ID = 43;
    static final int BASE_SEQUENCE = 53;
    static final int RECORD_COUNT = 57;
    static final int RECORDS = 61;

    private Batches() {
    }

    static final Compression[] CODECS = {
        Compression.NONE, Compression.gzip().build(), Compression.snappy().build(), Compression.lz4().build(), Compression.zstd().build()};

    /** The bytes of {@code records}. */
    static byte[] bytes(MemoryRecords records) {
        return TestBuffers.bytes(records.buffer());
    }

    static MemoryRecords records(byte[] bytes) {
        return MemoryRecords.readableRecords(ByteBuffer.wrap(bytes));
    }

    /** A copy of {@code batch} edited by {@code edit}, with its CRC-32C recomputed so that only the edit is wrong. */
    static byte[] edited(byte[] batch, Consumer<ByteBuffer> edit) {
        byte[] copy = batch.clone();
        edit.accept(ByteBuffer.wrap(copy));
        return withValidCrc(copy);
    }

    /** {@code batch} with the CRC field set to the CRC-32C of everything from the attributes to the end. */
    static byte[] withValidCrc(byte[] batch) {
        CRC32C crc = new CRC32C();
        crc.update(batch, ATTRIBUTES, batch.length - ATTRIBUTES);
        ByteBuffer.wrap(batch).putInt(CRC, (int) crc.getValue());
        return batch;
    }

    /** {@code batch}'s header with {@code payload} as its records section; length and CRC fixed up. */
    static byte[] withPayload(byte[] batch, byte[] payload) {
        byte[] out = new byte[RECORDS + payload.length];
        System.arraycopy(batch, 0, out, 0, RECORDS);
        System.arraycopy(payload, 0, out, RECORDS, payload.length);
        ByteBuffer.wrap(out).putInt(BATCH_LENGTH, out.length - 12);
        return withValidCrc(out);
    }

    /** {@code bytes} compressed the way a batch's records section is, with {@code compression}. */
    static byte[] compress(Compression compression, byte[] bytes) {
        ByteBufferOutputStream out = new ByteBufferOutputStream(64);
        try (OutputStream stream = compression.wrapForOutput(out, RecordBatch.CURRENT_MAGIC_VALUE)) {
            stream.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer buffer = out.buffer().flip();
        byte[] compressed = new byte[buffer.remaining()];
        buffer.get(compressed);
        return compressed;
    }

    /**
     * One record as a v2 batch stores it, with {@code declaredBodySize} as its length prefix whatever
     * its fields take: offset and timestamp deltas 0, key "k", value {@code value}, no headers.
     */
    static byte[] recordDeclaring(int declaredBodySize, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, declaredBodySize);
        out.write(0);              // attributes
        varint(out, 0);            // timestamp delta
        varint(out, 0);            // offset delta
        varint(out, 1);            // key length
        out.write('k');
        varint(out, value.length); // value length
        out.writeBytes(value);
        varint(out, 0);            // headers
        return out.toByteArray();
    }

    /** The body size {@link #recordDeclaring} would write for an honest record. */
    static int honestBodySize(byte[] value) {
        byte[] withZero = recordDeclaring(0, value);
        return withZero.length - 1;
    }

    /** Kafka's zigzag varint, as record fields are written. */
    static void varint(ByteArrayOutputStream out, long value) {
        long rest = (value << 1) ^ (value >> 63);
        while ((rest & ~0x7FL) != 0) {
            out.write((int) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        out.write((int) rest);
    }
}
