package io.vltava.storage.record;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The fixed 61-byte header of a Kafka v2 record batch, read and written in place in a buffer.
 *
 * <pre>
 *  offset  size  field
 *       0     8  baseOffset
 *       8     4  batchLength (bytes after this field)
 *      12     4  partitionLeaderEpoch
 *      16     1  magic (2)
 *      17     4  crc (CRC-32C of bytes 21 .. end of batch)
 *      21     2  attributes: bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control
 *      23     4  lastOffsetDelta
 *      27     8  baseTimestamp
 *      35     8  maxTimestamp
 *      43     8  producerId
 *      51     2  producerEpoch
 *      53     4  baseSequence
 *      57     4  recordCount
 *      61        records
 * </pre>
 *
 * Because the CRC starts at the attributes, baseOffset and partitionLeaderEpoch can be rewritten
 * without recomputing it; changing the attributes or timestamps needs a new CRC.
 *
 * <p>All methods take the buffer and the batch's start position and use absolute access, so they
 * never move the buffer's position. Threading: stateless.
 */
public final class BatchHeader {

    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int LENGTH_OFFSET = 8;
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORDS_COUNT_OFFSET = 57;
    /** Size of the header; the first record starts here. */
    public static final int HEADER_SIZE = 61;
    /** Bytes in front of the batch length field's coverage: baseOffset and batchLength. */
    public static final int LOG_OVERHEAD = 12;

    public static final byte MAGIC_V2 = 2;
    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;
    public static final long NO_TIMESTAMP = -1L;

    private static final int TIMESTAMP_TYPE_MASK = 0x08;
    private static final int TRANSACTIONAL_MASK = 0x10;
    private static final int CONTROL_MASK = 0x20;

    private BatchHeader() {
    }

    public static long baseOffset(ByteBuffer buffer, int batch) {
        return buffer.getLong(batch + BASE_OFFSET_OFFSET);
    }

    /** The batch length field: bytes after it, so the whole batch is {@code LOG_OVERHEAD + batchLength}. */
    public static int batchLength(ByteBuffer buffer, int batch) {
        return buffer.getInt(batch + LENGTH_OFFSET);
    }

    /** Bytes of the whole batch, header included. */
    public static int sizeInBytes(ByteBuffer buffer, int batch) {
        return LOG_OVERHEAD + batchLength(buffer, batch);
    }

    public static int partitionLeaderEpoch(ByteBuffer buffer, int batch) {
        return buffer.getInt(batch + PARTITION_LEADER_EPOCH_OFFSET);
    }

    public static byte magic(ByteBuffer buffer, int batch) {
        return buffer.get(batch + MAGIC_OFFSET);
    }

    /** The stored CRC as an unsigned value. */
    public static long crc(ByteBuffer buffer, int batch) {
        return Integer.toUnsignedLong(buffer.getInt(batch + CRC_OFFSET));
    }

    public static short attributes(ByteBuffer buffer, int batch) {
        return buffer.getShort(batch + ATTRIBUTES_OFFSET);
    }

    public static boolean isLogAppendTime(ByteBuffer buffer, int batch) {
        return (attributes(buffer, batch) & TIMESTAMP_TYPE_MASK) != 0;
    }

    /** Whether the batch belongs to a transaction (attributes bit 4). */
    public static boolean isTransactional(ByteBuffer buffer, int batch) {
        return (attributes(buffer, batch) & TRANSACTIONAL_MASK) != 0;
    }

    /** Whether the batch holds control records such as transaction markers (attributes bit 5). */
    public static boolean isControl(ByteBuffer buffer, int batch) {
        return (attributes(buffer, batch) & CONTROL_MASK) != 0;
    }

    public static int lastOffsetDelta(ByteBuffer buffer, int batch) {
        return buffer.getInt(batch + LAST_OFFSET_DELTA_OFFSET);
    }

    public static long lastOffset(ByteBuffer buffer, int batch) {
        return baseOffset(buffer, batch) + lastOffsetDelta(buffer, batch);
    }

    public static long baseTimestamp(ByteBuffer buffer, int batch) {
        return buffer.getLong(batch + BASE_TIMESTAMP_OFFSET);
    }

    public static long maxTimestamp(ByteBuffer buffer, int batch) {
        return buffer.getLong(batch + MAX_TIMESTAMP_OFFSET);
    }

    public static long producerId(ByteBuffer buffer, int batch) {
        return buffer.getLong(batch + PRODUCER_ID_OFFSET);
    }

    public static short producerEpoch(ByteBuffer buffer, int batch) {
        return buffer.getShort(batch + PRODUCER_EPOCH_OFFSET);
    }

    public static int baseSequence(ByteBuffer buffer, int batch) {
        return buffer.getInt(batch + BASE_SEQUENCE_OFFSET);
    }

    /** The sequence of the batch's last record; sequences wrap from Integer.MAX_VALUE to 0. */
    public static int lastSequence(ByteBuffer buffer, int batch) {
        int base = baseSequence(buffer, batch);
        if (base == NO_SEQUENCE) {
            return NO_SEQUENCE;
        }
        return incrementSequence(base, lastOffsetDelta(buffer, batch));
    }

    /** {@code sequence + increment}, wrapping past Integer.MAX_VALUE to 0 as Kafka does. */
    public static int incrementSequence(int sequence, int increment) {
        if (sequence > Integer.MAX_VALUE - increment) {
            return increment - (Integer.MAX_VALUE - sequence) - 1;
        }
        return sequence + increment;
    }

    public static void setBaseOffset(ByteBuffer buffer, int batch, long baseOffset) {
        buffer.putLong(batch + BASE_OFFSET_OFFSET, baseOffset);
    }

    public static void setPartitionLeaderEpoch(ByteBuffer buffer, int batch, int epoch) {
        buffer.putInt(batch + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    /**
     * Marks the batch as stamped with the log's append time: sets the timestamp-type attribute and the
     * max timestamp, then recomputes the CRC.
     */
    public static void setLogAppendTime(ByteBuffer buffer, int batch, long appendTime) {
        short attributes = attributes(buffer, batch);
        buffer.putShort(batch + ATTRIBUTES_OFFSET, (short) (attributes | TIMESTAMP_TYPE_MASK));
        buffer.putLong(batch + MAX_TIMESTAMP_OFFSET, appendTime);
        buffer.putInt(batch + CRC_OFFSET, (int) computeCrc(buffer, batch));
    }

    /** CRC-32C over the batch from its attributes to its end. */
    public static long computeCrc(ByteBuffer buffer, int batch) {
        int from = batch + ATTRIBUTES_OFFSET;
        int to = batch + sizeInBytes(buffer, batch);
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().limit(to).position(from));
        return crc.getValue();
    }

    /** Whether the stored CRC matches the batch's bytes. */
    public static boolean isCrcValid(ByteBuffer buffer, int batch) {
        return crc(buffer, batch) == computeCrc(buffer, batch);
    }
}
