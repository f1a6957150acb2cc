package io.vltava.storage.log;

import io.vltava.common.time.Scheduler;
import io.vltava.common.time.Time;
import io.vltava.common.topic.TopicPartition;
import io.vltava.storage.TestBatches;
import io.vltava.storage.record.BatchHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Shared set-up for the log tests (and the cleaner's). */
public final class TestLogs {

    public static final TopicPartition TP = new TopicPartition("orders", 0);
    public static final UUID TOPIC_ID = new UUID(0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L);

    /**
     * Kafka's defaults with a small index interval (so that short logs have index entries) and a small
     * index, so that tests do not map 10 MB per segment.
     */
    public static final LogConfig CONFIG = LogConfig.builder().segmentBytes(1024 * 1024).segmentIndexBytes(64 * 1024)
            .indexIntervalBytes(256).fileDeleteDelayMs(0L).build();

    /** Runs background tasks at once, on the caller's thread, whatever their delay. */
    public static final Scheduler NO_DELAY = (task, delayMs) -> task.run();

    private TestLogs() {
    }

    public static PartitionLog open(Path dir, LogConfig config, Time time, LogFlusher flusher) {
        return PartitionLog.open(TP, dir, TOPIC_ID, config, 0L, 0L, true, time, flusher, NO_DELAY);
    }

    /** Opens the log as after a crash: nothing below offset 0 is trusted. */
    public static PartitionLog openAfterCrash(Path dir, LogConfig config, Time time, LogFlusher flusher) {
        return PartitionLog.open(TP, dir, TOPIC_ID, config, 0L, 0L, false, time, flusher, NO_DELAY);
    }

    /** Reads every batch from {@code from} to the log end, segment by segment. */
    public static byte[] readAll(PartitionLog log, long from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long next = from;
        while (next < log.logEndOffset()) {
            LogReadInfo read = log.read(next, Integer.MAX_VALUE, FetchIsolation.LOG_END, true);
            byte[] bytes = TestBatches.bytes(read.slice());
            if (bytes.length == 0) {
                throw new AssertionError("Empty read at " + next + " below the log end " + log.logEndOffset());
            }
            out.writeBytes(bytes);
            List<ByteBuffer> batches = TestBatches.split(bytes);
            ByteBuffer last = batches.get(batches.size() - 1);
            next = BatchHeader.lastOffset(last, 0) + 1;
        }
        return out.toByteArray();
    }

    /** The segment files with this suffix in {@code dir}, sorted by name (that is, by base offset). */
    public static List<Path> files(Path dir, String suffix) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + suffix)) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        return files;
    }

    static Path lastLogFile(Path dir) {
        List<Path> logs = files(dir, LogSegment.LOG_SUFFIX);
        return logs.get(logs.size() - 1);
    }

    /**
     * Checks every {@code .index} file in {@code dir} against its {@code .log}: entries increase, and each
     * points at the start of a batch whose last offset is the entry's offset. Call it on a closed log,
     * whose indexes are trimmed to their entries.
     *
     * @return the number of index entries in all segments
     */
    public static int checkIndexesMatchLogs(Path dir) {
        int total = 0;
        for (Path indexFile : files(dir, LogSegment.INDEX_SUFFIX)) {
            String name = indexFile.getFileName().toString();
            long base = Long.parseLong(name.substring(0, name.length() - LogSegment.INDEX_SUFFIX.length()));
            try {
                ByteBuffer log = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX))));
                Map<Integer, Long> lastOffsetAt = new HashMap<>();
                for (int at = 0; at < log.limit(); at += BatchHeader.sizeInBytes(log, at)) {
                    lastOffsetAt.put(at, BatchHeader.lastOffset(log, at));
                }
                ByteBuffer index = ByteBuffer.wrap(Files.readAllBytes(indexFile));
                if (index.limit() % 8 != 0) {
                    throw new AssertionError(indexFile + " has " + index.limit() + " bytes, not whole entries");
                }
                long previousOffset = -1;
                int previousPosition = -1;
                for (int at = 0; at < index.limit(); at += 8) {
                    long offset = base + index.getInt(at);
                    int position = index.getInt(at + 4);
                    if (offset <= previousOffset || position <= previousPosition) {
                        throw new AssertionError(indexFile + " entry " + at / 8 + " does not increase");
                    }
                    Long lastOffset = lastOffsetAt.get(position);
                    if (lastOffset == null || lastOffset != offset) {
                        throw new AssertionError(indexFile + " entry (" + offset + ", " + position + ") does not match the batch there ("
                                + lastOffset + ")");
                    }
                    previousOffset = offset;
                    previousPosition = position;
                    total++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return total;
    }

    /** Deletes a directory and everything in it. */
    static void deleteRecursively(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks every {@code .timeindex} file in {@code dir} against its {@code .log}: timestamps strictly
     * increase and offsets never decrease; each entry (T, O) names the last offset of a batch whose max
     * timestamp is T while every batch before it has a smaller one; and the last entry holds the
     * segment's largest timestamp (no entry when no batch has a timestamp). Call it on a closed log.
     *
     * @return the number of time index entries in all segments
     */
    static int checkTimeIndexesMatchLogs(Path dir) {
        int total = 0;
        for (Path indexFile : files(dir, LogSegment.TIME_INDEX_SUFFIX)) {
            String name = indexFile.getFileName().toString();
            long base = Long.parseLong(name.substring(0, name.length() - LogSegment.TIME_INDEX_SUFFIX.length()));
            try {
                ByteBuffer log = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX))));
                List<long[]> batches = new ArrayList<>();
                long segmentMax = BatchHeader.NO_TIMESTAMP;
                long offsetOfSegmentMax = -1;
                for (int at = 0; at < log.limit(); at += BatchHeader.sizeInBytes(log, at)) {
                    long maxTimestamp = BatchHeader.maxTimestamp(log, at);
                    batches.add(new long[] {BatchHeader.lastOffset(log, at), maxTimestamp});
                    if (maxTimestamp > segmentMax) {
                        segmentMax = maxTimestamp;
                        offsetOfSegmentMax = BatchHeader.lastOffset(log, at);
                    }
                }
                ByteBuffer index = ByteBuffer.wrap(Files.readAllBytes(indexFile));
                if (index.limit() % 12 != 0) {
                    throw new AssertionError(indexFile + " has " + index.limit() + " bytes, not whole entries");
                }
                long previousTimestamp = Long.MIN_VALUE;
                long previousOffset = -1;
                for (int at = 0; at < index.limit(); at += 12) {
                    long timestamp = index.getLong(at);
                    long offset = base + index.getInt(at + 8);
                    if (timestamp <= previousTimestamp || offset < previousOffset) {
                        throw new AssertionError(indexFile + " entry " + at / 12 + " does not increase");
                    }
                    checkTimeIndexEntry(indexFile, batches, timestamp, offset);
                    previousTimestamp = timestamp;
                    previousOffset = offset;
                    total++;
                }
                if (segmentMax >= 0 ? previousTimestamp != segmentMax || previousOffset != offsetOfSegmentMax : index.limit() > 0) {
                    throw new AssertionError(indexFile + " ends at (" + previousTimestamp + ", " + previousOffset + ") but the largest timestamp is ("
                            + segmentMax + ", " + offsetOfSegmentMax + ")");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return total;
    }

    private static void checkTimeIndexEntry(Path indexFile, List<long[]> batches, long timestamp, long offset) {
        for (long[] batch : batches) {
            if (batch[0] == offset) {
                if (batch[1] != timestamp) {
                    throw new AssertionError(indexFile + " entry (" + timestamp + ", " + offset + ") but that batch has " + batch[1]);
                }
                return;
            }
            if (batch[1] >= timestamp) {
                throw new AssertionError(indexFile + " entry (" + timestamp + ", " + offset + ") but batch " + batch[0] + " before it has "
                        + batch[1]);
            }
        }
        throw new AssertionError(indexFile + " entry (" + timestamp + ", " + offset + ") names no batch's last offset");
    }
}
