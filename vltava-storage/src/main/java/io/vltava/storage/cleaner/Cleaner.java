package io.vltava.storage.cleaner;

import io.vltava.common.time.Time;
import io.vltava.common.topic.TopicPartition;
import io.vltava.storage.index.AbortedTransaction;
import io.vltava.storage.index.OffsetIndex;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.LogSegment;
import io.vltava.storage.log.PartitionLog;
import io.vltava.storage.record.BatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans one log once. It fills the {@link OffsetMap} with the latest offset of every key in the dirty
 * section, as far as the map has room (the rest waits for the next cleaning), then rewrites every
 * segment from the log start to the end of the mapped section, in groups whose merged size and index
 * fit one segment, keeping what {@link CleanerFilter} keeps. Batches are decompressed, filtered and
 * recompressed with their own codec by kafka-clients, and every kept record keeps its offset. Each
 * group's output is written to a {@code .cleaned} segment and swapped in by
 * {@link PartitionLog#replaceSegments}. The active segment is never touched.
 *
 * <p>Memory: the map, a read and a write buffer of {@code ioBufferSize} bytes (grown to hold a larger
 * batch, never beyond the log's {@code segment.bytes}, and shrunk back after the segment) and
 * kafka-clients' decompression buffers; a compressed batch is held decompressed while it is filtered.
 *
 * <p>Threading: used by one cleaner thread; the throttler is shared by all.
 */
final class Cleaner {

    private static final Logger log = LoggerFactory.getLogger(Cleaner.class);

    private final OffsetMap map;
    private final int ioBufferSize;
    private final Throttler throttler;
    private final Time time;
    private final Consumer<TopicPartition> checkDone;
    private final BufferSupplier decompressionBuffers = BufferSupplier.create();
    private ByteBuffer readBuffer;
    private ByteBuffer writeBuffer;
    private long bytesRead;
    private long bytesWritten;

    /**
     * @param checkDone called often during a cleaning; throws {@link LogCleaningAbortedException} to stop it
     */
    Cleaner(OffsetMap map, int ioBufferSize, Throttler throttler, Time time, Consumer<TopicPartition> checkDone) {
        if (ioBufferSize < BatchHeader.HEADER_SIZE) {
            throw new IllegalArgumentException("The cleaner's I/O buffers must hold at least a batch header, not " + ioBufferSize + " bytes");
        }
        this.map = map;
        this.ioBufferSize = ioBufferSize;
        this.throttler = throttler;
        this.time = time;
        this.checkDone = checkDone;
        this.readBuffer = ByteBuffer.allocate(ioBufferSize);
        this.writeBuffer = ByteBuffer.allocate(ioBufferSize);
    }

    /**
     * Cleans {@code toClean.log()} up to the end of the dirty section the map could hold.
     *
     * @return the new first dirty offset: where the next cleaning starts
     * @throws LogCleaningAbortedException if {@code checkDone} stopped it or the log's segments changed
     */
    long clean(LogToClean toClean) throws IOException {
        PartitionLog partitionLog = toClean.log();
        LogConfig config = partitionLog.config();
        long started = time.hiResMilliseconds();
        long now = time.milliseconds();
        bytesRead = 0;
        bytesWritten = 0;

        AbortedBatches aborted = new AbortedBatches(partitionLog.collectAbortedTransactions(partitionLog.logStartOffset(),
                toClean.firstUncleanableOffset()));
        long mappedEnd = buildOffsetMap(partitionLog, toClean.firstDirtyOffset(), toClean.firstUncleanableOffset(), aborted);
        List<LogSegment> toRewrite = new ArrayList<>();
        long rewriteEnd = mappedEnd;
        for (LogSegment segment : partitionLog.logSegments()) {
            if (segment.baseOffset() >= mappedEnd) {
                rewriteEnd = segment.baseOffset();
                break;
            }
            toRewrite.add(segment);
        }
        Map<Long, Long> lastBatchOffsetsOfProducers = partitionLog.lastBatchOffsetsOfProducers();
        List<List<LogSegment>> groups = groupBySize(toRewrite, config.segmentBytes(), config.segmentIndexBytes(), rewriteEnd);
        for (List<LogSegment> group : groups) {
            cleanGroup(partitionLog, group, new CleanerFilter(now, config.deleteRetentionMs(), map, mappedEnd, groupEnd(group),
                    lastBatchOffsetsOfProducers, aborted));
        }
        log.info("Cleaned {} up to offset {} ({} keys mapped from offset {}): {} segments into {}, read {} bytes, wrote {}, in {} ms",
                partitionLog.topicPartition(), mappedEnd, map.size(), toClean.firstDirtyOffset(), toRewrite.size(), groups.size(), bytesRead,
                bytesWritten, time.hiResMilliseconds() - started);
        return mappedEnd;
    }

    /**
     * Maps the keys of the records in [{@code start}, {@code end}) to their latest offsets, leaving out
     * the records of aborted transactions.
     *
     * @return where the mapped section ends: {@code end}, or the offset of the first record whose key did
     *     not fit in the map
     */
    long buildOffsetMap(PartitionLog partitionLog, long start, long end, AbortedBatches aborted) throws IOException {
        map.clear();
        TopicPartition tp = partitionLog.topicPartition();
        int maxBatchSize = partitionLog.config().segmentBytes();
        List<LogSegment> segments = partitionLog.logSegments();
        for (int i = 0; i < segments.size(); i++) {
            LogSegment segment = segments.get(i);
            if (segment.baseOffset() >= end) {
                break;
            }
            if (i + 1 < segments.size() && segments.get(i + 1).baseOffset() <= start) {
                continue;
            }
            int position = segment.index().lookup(start).position();
            while (position < segment.size()) {
                checkDone.accept(tp);
                MemoryRecords records = readChunk(partitionLog, segment, position);
                int consumed = 0;
                for (MutableRecordBatch batch : records.batches()) {
                    if (batch.baseOffset() >= end) {
                        restoreBuffers();
                        return end;
                    }
                    consumed += batch.sizeInBytes();
                    if (batch.lastOffset() < start || batch.isControlBatch() || aborted.isAborted(batch)) {
                        continue;
                    }
                    long stoppedAt = mapKeys(batch, start, end);
                    if (stoppedAt >= 0) {
                        restoreBuffers();
                        return stoppedAt;
                    }
                }
                if (consumed == 0) {
                    growBuffers(segment, position, maxBatchSize);
                }
                position += consumed;
            }
            restoreBuffers();
        }
        return end;
    }

    /** Maps the keys of one batch's records in [start, end); returns the offset of a key that did not fit, or -1. */
    private long mapKeys(MutableRecordBatch batch, long start, long end) {
        try (CloseableIterator<Record> records = batch.streamingIterator(decompressionBuffers)) {
            while (records.hasNext()) {
                Record record = records.next();
                long offset = record.offset();
                if (offset >= end) {
                    return end;
                }
                if (offset >= start && record.hasKey() && !map.put(record.key(), offset)) {
                    return offset;
                }
            }
        }
        return -1;
    }

    private void cleanGroup(PartitionLog partitionLog, List<LogSegment> group, CleanerFilter filter) throws IOException {
        LogSegment cleaned = LogSegment.openCleaned(partitionLog.dir(), group.get(0).baseOffset(), partitionLog.config());
        try {
            for (LogSegment segment : group) {
                cleanInto(partitionLog, segment, cleaned, filter);
                // Control batches are kept whole, so every ABORT marker, and with it its index entry, stays.
                for (AbortedTransaction aborted : segment.txnIndex().all()) {
                    cleaned.txnIndex().append(aborted);
                }
            }
        } catch (IOException | RuntimeException e) {
            try {
                cleaned.delete();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        if (!partitionLog.replaceSegments(cleaned, group)) {
            throw new LogCleaningAbortedException("The segments of " + partitionLog.topicPartition() + " changed during the cleaning");
        }
    }

    /** Filters {@code source} chunk by chunk into {@code destination}. */
    private void cleanInto(PartitionLog partitionLog, LogSegment source, LogSegment destination, CleanerFilter filter) throws IOException {
        TopicPartition tp = partitionLog.topicPartition();
        int position = 0;
        while (position < source.size()) {
            checkDone.accept(tp);
            MemoryRecords records = readChunk(partitionLog, source, position);
            writeBuffer.clear();
            MemoryRecords.FilterResult result = records.filterTo(filter, writeBuffer, decompressionBuffers, Records.SOFT_MAX_ARRAY_LENGTH);
            ByteBuffer output = result.outputBuffer();
            if (output.position() > 0) {
                output.flip();
                destination.append(output);
                bytesWritten += output.limit();
                throttler.maybeThrottle(output.limit());
            }
            if (result.bytesRead() == 0) {
                growBuffers(source, position, partitionLog.config().segmentBytes());
            }
            position += result.bytesRead();
        }
        restoreBuffers();
    }

    /**
     * Reads from {@code position} into the read buffer and wraps what was read.
     *
     * @throws LogCleaningAbortedException if the segment was closed because it left the log meanwhile (retention)
     */
    private MemoryRecords readChunk(PartitionLog partitionLog, LogSegment segment, int position) throws IOException {
        readBuffer.clear();
        int read;
        try {
            read = segment.readInto(readBuffer, position);
        } catch (ClosedChannelException e) {
            if (partitionLog.logSegments().contains(segment)) {
                throw e;
            }
            throw new LogCleaningAbortedException(segment + " left the log of " + partitionLog.topicPartition() + " during the cleaning");
        }
        readBuffer.flip();
        bytesRead += read;
        throttler.maybeThrottle(read);
        return MemoryRecords.readableRecords(readBuffer);
    }

    /** Makes both buffers big enough for the batch at {@code position}, which did not fit. */
    private void growBuffers(LogSegment segment, int position, int maxBatchSize) {
        int needed = BatchHeader.sizeInBytes(readBuffer, 0);
        if (needed <= readBuffer.capacity() || needed > segment.size() - position || needed > maxBatchSize) {
            throw new IllegalStateException("Batch of " + needed + " bytes at position " + position + " of " + segment
                    + " does not fit the segment (" + segment.size() + " bytes) or segment.bytes (" + maxBatchSize + ")");
        }
        readBuffer = ByteBuffer.allocate(needed);
        writeBuffer = ByteBuffer.allocate(needed);
    }

    private void restoreBuffers() {
        if (readBuffer.capacity() > ioBufferSize) {
            readBuffer = ByteBuffer.allocate(ioBufferSize);
            writeBuffer = ByteBuffer.allocate(ioBufferSize);
        }
    }

    /**
     * Splits consecutive segments into groups that can be merged into one segment: the total size within
     * {@code segment.bytes}, the total index within {@code segment.index.bytes}, and the offsets within
     * 2^31 of the group's base offset.
     *
     * @param end the base offset of the segment after the last one: the last one's records lie below it
     */
    static List<List<LogSegment>> groupBySize(List<LogSegment> segments, int maxSize, int maxIndexSize, long end) {
        List<List<LogSegment>> groups = new ArrayList<>();
        int i = 0;
        while (i < segments.size()) {
            LogSegment first = segments.get(i);
            List<LogSegment> group = new ArrayList<>();
            group.add(first);
            long size = first.size();
            long indexSize = indexBytes(first);
            i++;
            while (i < segments.size()) {
                LogSegment candidate = segments.get(i);
                long lastOffsetBound = (i + 1 < segments.size() ? segments.get(i + 1).baseOffset() : end) - 1;
                if (size + candidate.size() > maxSize || indexSize + indexBytes(candidate) > maxIndexSize
                        || candidate.size() > 0 && lastOffsetBound - first.baseOffset() > Integer.MAX_VALUE) {
                    break;
                }
                group.add(candidate);
                size += candidate.size();
                indexSize += indexBytes(candidate);
                i++;
            }
            groups.add(group);
        }
        return groups;
    }

    private static long indexBytes(LogSegment segment) {
        return (long) segment.index().entries() * OffsetIndex.ENTRY_SIZE;
    }

    /** The offset after the last batch of the group, or -1 if its segments are empty. */
    private static long groupEnd(List<LogSegment> group) throws IOException {
        for (int i = group.size() - 1; i >= 0; i--) {
            LogSegment segment = group.get(i);
            if (segment.size() > 0) {
                return segment.readNextOffset();
            }
        }
        return -1;
    }
}
