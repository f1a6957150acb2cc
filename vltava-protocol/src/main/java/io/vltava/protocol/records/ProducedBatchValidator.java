package io.vltava.protocol.records;

import io.vltava.protocol.records.BatchValidationException.RecordError;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Checks a record batch a producer sent for one partition before it is stored, with kafka-clients'
 * record classes, in the order Kafka checks: batch count and magic, base offset, size, CRC, header
 * consistency, then every record (offsets, keys of compacted topics, timestamps). The records of an
 * uncompressed batch are walked in place ({@link UncompressedRecordCursor}: no object or copy per
 * record); compressed batches are decompressed for the record checks without materialising keys and
 * values. Either way a lying record size cannot make the broker allocate.
 *
 * <p>The batch is returned as it was sent, except when the topic's {@code compression.type} asks for
 * another codec (it is then rebuilt) or when the producer's max timestamp is wrong (it is corrected).
 *
 * <p>Threading: stateless; decompression buffers are cached per thread.
 */
public final class ProducedBatchValidator {

    private static final ThreadLocal<BufferSupplier> BUFFERS = ThreadLocal.withInitial(BufferSupplier::create);
    private static final int HIGHEST_CODEC_ID = 4;
    private static final int ATTRIBUTES_OFFSET = DefaultRecordBatch.CRC_OFFSET + 4;
    private static final int CODEC_MASK = 0x07;

    private ProducedBatchValidator() {
    }

    /**
     * Validates the records of one partition of a produce request.
     *
     * @param produceVersion the ProduceRequest version
     * @param records        the partition's records as decoded (may be null)
     * @param rules          the topic's settings
     * @param nowMs          the broker's clock, for timestamp checks
     * @return a buffer holding exactly one valid batch (base offset 0), ready to be appended
     * @throws BatchValidationException with the error code for the producer
     */
    public static ByteBuffer validate(short produceVersion, BaseRecords records, TopicWriteRules rules, long nowMs) {
        if (!(records instanceof MemoryRecords memory)) {
            throw new BatchValidationException(Errors.INVALID_RECORD, "Produce request has no records");
        }
        try {
            ProduceRequest.validateRecords(produceVersion, memory);
        } catch (ApiException e) {
            throw new BatchValidationException(Errors.forException(e), e.getMessage());
        } catch (KafkaException | IllegalArgumentException e) {
            // IllegalArgumentException: kafka-clients reads the codec id for versions before 7 (zstd check), and ids 5-7 are unknown.
            throw new BatchValidationException(Errors.CORRUPT_MESSAGE, e.getMessage());
        }
        MutableRecordBatch first = memory.batches().iterator().next();
        if (!(first instanceof DefaultRecordBatch v2)) {
            throw new BatchValidationException(Errors.INVALID_RECORD, "Produced batches must have magic 2");
        }
        ByteBuffer bytes = memory.buffer();
        bytes.limit(bytes.position() + v2.sizeInBytes());
        ByteBuffer batchBuffer = bytes.slice();
        checkBatch(v2, batchBuffer, rules);
        long maxTimestamp = checkRecords(v2, batchBuffer, rules, nowMs);
        if (!rules.logAppendTime() && maxTimestamp != v2.maxTimestamp()) {
            v2.setMaxTimestamp(TimestampType.CREATE_TIME, maxTimestamp);
        }
        CompressionType target = targetCodec(rules, v2.compressionType());
        if (target != v2.compressionType()) {
            ByteBuffer rebuilt = rebuild(v2, compression(target, rules.compressionLevel()));
            if (rebuilt.remaining() > rules.maxMessageBytes()) {
                throw new BatchValidationException(Errors.MESSAGE_TOO_LARGE, "The batch is " + rebuilt.remaining()
                        + " bytes after compression with " + target.name + ", more than max.message.bytes (" + rules.maxMessageBytes() + ")");
            }
            return rebuilt;
        }
        return batchBuffer;
    }

    private static void checkBatch(DefaultRecordBatch batch, ByteBuffer buffer, TopicWriteRules rules) {
        if (batch.baseOffset() != 0) {
            throw new BatchValidationException(Errors.INVALID_RECORD, "The base offset of a produced batch must be 0, not " + batch.baseOffset());
        }
        if (batch.sizeInBytes() > rules.maxMessageBytes()) {
            throw new BatchValidationException(Errors.MESSAGE_TOO_LARGE, "The batch is " + batch.sizeInBytes()
                    + " bytes, more than max.message.bytes (" + rules.maxMessageBytes() + ")");
        }
        int codec = buffer.getShort(ATTRIBUTES_OFFSET) & CODEC_MASK;
        if (codec > HIGHEST_CODEC_ID) {
            throw new BatchValidationException(Errors.CORRUPT_MESSAGE, "Unknown compression codec id " + codec);
        }
        try {
            batch.ensureValid();
        } catch (CorruptRecordException e) {
            throw new BatchValidationException(Errors.CORRUPT_MESSAGE, e.getMessage());
        }
        int count = batch.countOrNull();
        long lastOffsetDelta = batch.lastOffset() - batch.baseOffset();
        if (lastOffsetDelta + 1 <= 0 || count <= 0 || lastOffsetDelta + 1 != count) {
            throw new BatchValidationException(Errors.INVALID_RECORD, "The batch declares " + count + " records but an offset range of "
                    + (lastOffsetDelta + 1));
        }
        if (batch.isControlBatch()) {
            throw new BatchValidationException(Errors.INVALID_RECORD, "Clients are not allowed to write control records");
        }
        if (batch.isTransactional() && (!batch.hasProducerId() || batch.producerEpoch() < 0)) {
            throw new BatchValidationException(Errors.INVALID_RECORD, "A transactional batch needs a producer id and epoch, not "
                    + batch.producerId() + "/" + batch.producerEpoch());
        }
        if (batch.hasProducerId() && batch.baseSequence() < 0) {
            throw new BatchValidationException(Errors.INVALID_RECORD, "An idempotent batch needs a base sequence, not " + batch.baseSequence());
        }
        if (batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
            throw new BatchValidationException(Errors.INVALID_TIMESTAMP, "Clients may not set the log append time");
        }
    }

    /**
     * Walks every record: offsets must be 0..n-1, keys present on compacted topics, timestamps within
     * bounds; the count must match the header.
     *
     * @return the largest record timestamp
     */
    private static long checkRecords(DefaultRecordBatch batch, ByteBuffer batchBuffer, TopicWriteRules rules, long nowMs) {
        List<RecordError> errors = new ArrayList<>(0);
        boolean timestampError = false;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int index = 0;
        try (RecordCursor records = batch.isCompressed() ? new CompressedRecordCursor(batch, BUFFERS.get())
                : new UncompressedRecordCursor(batchBuffer, batch.countOrNull(), batch.baseTimestamp())) {
            while (records.next()) {
                if (records.offsetDelta() != index) {
                    throw new BatchValidationException(Errors.INVALID_RECORD, "Record " + index + " has offset delta "
                            + records.offsetDelta() + "; a produced batch must number its records 0..n-1");
                }
                long timestamp = records.timestamp();
                // As in Kafka, at most one error per record, the key checked first.
                if (rules.compacted() && !records.hasKey()) {
                    errors.add(new RecordError(index, "Compacted topic cannot accept message without key in topic partition"));
                } else if (!rules.logAppendTime() && timestamp != RecordBatch.NO_TIMESTAMP && (timestamp < 0
                        || nowMs - timestamp > rules.timestampBeforeMaxMs() || timestamp - nowMs > rules.timestampAfterMaxMs())) {
                    // A negative timestamp other than "none" (-1) is never valid: kafka-clients refuses to write one.
                    timestampError = true;
                    errors.add(new RecordError(index, "Timestamp " + timestamp + " of message with offset " + index
                            + " is out of range. The timestamp should be within [" + earliestTimestamp(rules, nowMs)
                            + ", " + latestTimestamp(rules, nowMs) + "]"));
                }
                maxTimestamp = Math.max(maxTimestamp, timestamp);
                index++;
            }
        } catch (BatchValidationException e) {
            throw e;
        } catch (InvalidRecordException | CorruptRecordException e) {
            throw new BatchValidationException(Errors.INVALID_RECORD, e.getMessage());
        } catch (RuntimeException e) {
            // Decompressors fail on corrupt input with exceptions of their own (LZ4Exception, ...).
            throw new BatchValidationException(Errors.CORRUPT_MESSAGE, "Cannot read the records: " + e.getMessage());
        } catch (Error e) {
            // snappy-java reports a corrupt chunk header with SnappyError; the JVM's own errors go on.
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            throw new BatchValidationException(Errors.CORRUPT_MESSAGE, "Cannot decompress the records: " + e);
        }
        if (!errors.isEmpty()) {
            Errors code = timestampError ? Errors.INVALID_TIMESTAMP : Errors.INVALID_RECORD;
            String summary = timestampError ? "One or more records have been rejected due to invalid timestamp"
                    : "One or more records have been rejected due to " + errors.size() + " record errors in total, and only showing the first "
                    + "three errors at most: " + errors.subList(0, Math.min(3, errors.size()));
            throw new BatchValidationException(code, summary, errors);
        }
        return maxTimestamp;
    }

    private static CompressionType targetCodec(TopicWriteRules rules, CompressionType sent) {
        return switch (rules.compressionType()) {
            case "producer" -> sent;
            case "uncompressed" -> CompressionType.NONE;
            default -> CompressionType.forName(rules.compressionType());
        };
    }

    private static Compression compression(CompressionType type, Integer level) {
        return switch (type) {
            case NONE -> Compression.NONE;
            case GZIP -> level == null || level == -1 ? Compression.gzip().build() : Compression.gzip().level(level).build();
            case SNAPPY -> Compression.snappy().build();
            case LZ4 -> level == null ? Compression.lz4().build() : Compression.lz4().level(level).build();
            case ZSTD -> level == null ? Compression.zstd().build() : Compression.zstd().level(level).build();
        };
    }

    /** Re-encodes the batch's records with another codec, keeping its producer fields. */
    private static ByteBuffer rebuild(DefaultRecordBatch batch, Compression compression) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(Math.max(batch.sizeInBytes(), 1024)), RecordBatch.CURRENT_MAGIC_VALUE,
                compression, TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, batch.producerId(), batch.producerEpoch(),
                batch.baseSequence(), batch.isTransactional(), RecordBatch.NO_PARTITION_LEADER_EPOCH);
        try (CloseableIterator<Record> records = batch.streamingIterator(BUFFERS.get())) {
            Iterator<Record> it = records;
            while (it.hasNext()) {
                Record record = it.next();
                builder.appendWithOffset(record.offset(), record.timestamp(), record.key(), record.value(), record.headers());
            }
        } catch (RuntimeException e) {
            // e.g. a negative client timestamp on a LogAppendTime topic, which the builder refuses
            throw new BatchValidationException(Errors.INVALID_RECORD, "Cannot rebuild the batch: " + e.getMessage());
        }
        return builder.build().buffer();
    }

    /** The earliest CreateTime accepted, at least 0 (the bounds are never negative, so nothing here overflows). */
    private static long earliestTimestamp(TopicWriteRules rules, long nowMs) {
        long before = rules.timestampBeforeMaxMs();
        return nowMs <= before ? 0 : nowMs - before;
    }

    /** The latest CreateTime accepted, Long.MAX_VALUE when the bound reaches past it. */
    private static long latestTimestamp(TopicWriteRules rules, long nowMs) {
        long after = rules.timestampAfterMaxMs();
        return nowMs > 0 && after > Long.MAX_VALUE - nowMs ? Long.MAX_VALUE : nowMs + after;
    }
}
