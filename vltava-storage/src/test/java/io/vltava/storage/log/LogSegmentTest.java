package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.TestBatches;
import io.vltava.storage.index.OffsetIndex;
import io.vltava.storage.index.TimeIndex;
import io.vltava.storage.index.TimestampOffset;
import io.vltava.storage.record.BatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segment on its own, with batches whose offsets the test assigns. */
class LogSegmentTest {

    private static final long BASE = 100L;
    /** An index entry after every batch of more than this many bytes. */
    private static final LogConfig CONFIG = TestLogs.CONFIG;

    @TempDir
    Path dir;

    private final List<LogSegment> opened = new ArrayList<>();

    @AfterEach
    void closeSegments() throws IOException {
        for (LogSegment segment : opened) {
            segment.close();
        }
    }

    private LogSegment open(long baseOffset) {
        return open(baseOffset, CONFIG);
    }

    private LogSegment open(long baseOffset, LogConfig config) {
        LogSegment segment = LogSegment.open(dir, baseOffset, config);
        opened.add(segment);
        return segment;
    }

    /** Appends a batch at {@code baseOffset} and returns its bytes. */
    private static byte[] append(LogSegment segment, long baseOffset, int records, long timestamp) throws IOException {
        ByteBuffer batch = TestBatches.batch().baseOffset(baseOffset).records(records).valueSize(100).timestamp(timestamp)
                .seed(baseOffset).build();
        byte[] bytes = TestBatches.bytes(batch);
        segment.append(batch);
        return bytes;
    }

    private static byte[] concat(List<byte[]> parts, int from, int to) {
        int size = 0;
        for (byte[] part : parts.subList(from, to)) {
            size += part.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] part : parts.subList(from, to)) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** Ten batches of three records at offsets 100..129. */
    private List<byte[]> appendTen(LogSegment segment) throws IOException {
        List<byte[]> batches = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batches.add(append(segment, BASE + 3L * i, 3, 1000L + i));
        }
        return batches;
    }

    @Test
    void filesAreNamedByTheBaseOffsetPaddedToTwentyDigits() {
        LogSegment segment = open(BASE);

        assertThat(LogSegment.fileName(42, ".log")).isEqualTo("00000000000000000042.log");
        assertThat(segment.logFile()).isEqualTo(dir.resolve("00000000000000000100.log"));
        assertThat(segment.index().file()).isEqualTo(dir.resolve("00000000000000000100.index"));
        assertThat(segment.logFile()).exists();
        assertThat(segment.baseOffset()).isEqualTo(BASE);
        assertThat(segment.size()).isZero();
    }

    @Test
    void appendWritesTheBatchesAsTheyAreAndLeavesTheBufferUnchanged() throws IOException {
        LogSegment segment = open(BASE);
        ByteBuffer batches = TestBatches.concat(TestBatches.batch().baseOffset(BASE).records(2).build(),
                TestBatches.batch().baseOffset(BASE + 2).records(5).build());
        byte[] expected = TestBatches.bytes(batches);
        batches.position(0);

        segment.append(batches);

        assertThat(batches.position()).isZero();
        assertThat(segment.size()).isEqualTo(expected.length);
        assertThat(Files.readAllBytes(segment.logFile())).isEqualTo(expected);
        assertThat(segment.readNextOffset()).isEqualTo(BASE + 7);
    }

    @Test
    void appendReadsFromTheBufferPositionToItsLimit() throws IOException {
        LogSegment segment = open(BASE);
        ByteBuffer batch = TestBatches.batch().baseOffset(BASE).records(2).build();
        ByteBuffer framed = ByteBuffer.allocate(batch.remaining() + 20);
        framed.position(7);
        framed.put(batch.duplicate());
        framed.position(7).limit(7 + batch.remaining());

        segment.append(framed);

        assertThat(Files.readAllBytes(segment.logFile())).isEqualTo(TestBatches.bytes(batch));
    }

    @Test
    void anEmptySegmentEndsAtItsBaseOffset() throws IOException {
        LogSegment segment = open(BASE);

        assertThat(segment.readNextOffset()).isEqualTo(BASE);
        assertThat(segment.locate(BASE)).isNull();
        assertThat(segment.read(BASE, 1000, Long.MAX_VALUE, true)).isNull();
    }

    @Test
    void indexEntriesAreAddedOncePerIntervalOfBytes() throws IOException {
        LogSegment segment = open(BASE);
        List<byte[]> batches = appendTen(segment);
        int batchSize = batches.get(0).length;
        assertThat(batchSize).isGreaterThan(CONFIG.indexIntervalBytes());

        // Every batch after the first follows more than index.interval.bytes, so each gets an entry.
        OffsetIndex index = segment.index();
        assertThat(index.entries()).isEqualTo(9);
        assertThat(index.lookup(BASE + 3)).isEqualTo(new OffsetIndex.OffsetPosition(BASE, 0));
        // The entry of a batch is (its last offset, its position).
        assertThat(index.lookup(BASE + 5)).isEqualTo(new OffsetIndex.OffsetPosition(BASE + 5, batchSize));
        assertThat(index.lookup(BASE + 29)).isEqualTo(new OffsetIndex.OffsetPosition(BASE + 29, 9 * batchSize));
    }

    @Test
    void locateFindsTheBatchHoldingAnyOffset() throws IOException {
        LogSegment segment = open(BASE);
        List<byte[]> batches = appendTen(segment);
        int batchSize = batches.get(0).length;

        for (long offset = BASE; offset < BASE + 30; offset++) {
            int batch = (int) ((offset - BASE) / 3);
            LogSegment.BatchLocation location = segment.locate(offset);
            assertThat(location).as("locate(%d)", offset)
                    .isEqualTo(new LogSegment.BatchLocation(BASE + 3L * batch, batch * batchSize, batchSize));
        }
        assertThat(segment.locate(BASE + 30)).isNull();
        assertThat(segment.locate(0)).isEqualTo(new LogSegment.BatchLocation(BASE, 0, batchSize));
    }

    @Test
    void readReturnsBatchesFromTheOneHoldingTheOffset() throws IOException {
        LogSegment segment = open(BASE);
        List<byte[]> batches = appendTen(segment);

        LogSegment.SegmentRead read = segment.read(BASE + 7, Integer.MAX_VALUE, Long.MAX_VALUE, false);

        assertThat(read.fetchOffset()).isEqualTo(new LogOffsetMetadata(BASE + 7, BASE, 2 * batches.get(0).length));
        assertThat(TestBatches.bytes(read.slice())).isEqualTo(concat(batches, 2, 10));
    }

    @Test
    void readStopsAtMaxSizeAndMaxPosition() throws IOException {
        LogSegment segment = open(BASE);
        List<byte[]> batches = appendTen(segment);
        int batchSize = batches.get(0).length;

        LogSegment.SegmentRead twoBatches = segment.read(BASE, 2 * batchSize, Long.MAX_VALUE, false);
        assertThat(TestBatches.bytes(twoBatches.slice())).isEqualTo(concat(batches, 0, 2));

        LogSegment.SegmentRead cutShort = segment.read(BASE, batchSize + 10, Long.MAX_VALUE, false);
        assertThat(cutShort.slice().size()).isEqualTo(batchSize + 10);

        LogSegment.SegmentRead upToPosition = segment.read(BASE + 3, Integer.MAX_VALUE, 4L * batchSize, false);
        assertThat(TestBatches.bytes(upToPosition.slice())).isEqualTo(concat(batches, 1, 4));

        LogSegment.SegmentRead atPosition = segment.read(BASE + 12, Integer.MAX_VALUE, 4L * batchSize, true);
        assertThat(atPosition.slice().isEmpty()).isTrue();
        assertThat(atPosition.fetchOffset().offset()).isEqualTo(BASE + 12);
    }

    @Test
    void minOneBatchReturnsTheWholeFirstBatchEvenAboveMaxSize() throws IOException {
        LogSegment segment = open(BASE);
        List<byte[]> batches = appendTen(segment);
        int batchSize = batches.get(0).length;

        LogSegment.SegmentRead read = segment.read(BASE + 4, 1, Long.MAX_VALUE, true);
        assertThat(TestBatches.bytes(read.slice())).isEqualTo(batches.get(1));

        LogSegment.SegmentRead oneAndABit = segment.read(BASE + 4, batchSize + 1, Long.MAX_VALUE, true);
        assertThat(oneAndABit.slice().size()).isEqualTo(batchSize + 1);
    }

    @Test
    void withoutMinOneBatchAFirstBatchLargerThanMaxSizeGivesAnEmptyRead() throws IOException {
        LogSegment segment = open(BASE);
        List<byte[]> batches = appendTen(segment);
        int batchSize = batches.get(0).length;

        LogSegment.SegmentRead read = segment.read(BASE + 4, batchSize - 1, Long.MAX_VALUE, false);

        assertThat(read.slice().isEmpty()).isTrue();
        assertThat(read.fetchOffset()).isEqualTo(new LogOffsetMetadata(BASE + 4, BASE, batchSize));
        assertThat(TestBatches.bytes(segment.read(BASE + 4, batchSize, Long.MAX_VALUE, false).slice())).isEqualTo(batches.get(1));
    }

    @Test
    void reopeningASegmentKeepsItsBatches() throws IOException {
        LogSegment segment = open(BASE);
        List<byte[]> batches = appendTen(segment);
        int entries = segment.index().entries();
        segment.close();
        opened.clear();

        LogSegment reopened = open(BASE);

        assertThat(reopened.size()).isEqualTo(concat(batches, 0, 10).length);
        assertThat(reopened.index().entries()).isEqualTo(entries);
        assertThat(reopened.indexesLookSane()).isTrue();
        assertThat(reopened.readNextOffset()).isEqualTo(BASE + 30);
        assertThat(TestBatches.bytes(reopened.read(BASE + 10, Integer.MAX_VALUE, Long.MAX_VALUE, false).slice()))
                .isEqualTo(concat(batches, 3, 10));
    }

    @Test
    void recoverKeepsValidBatchesAndRebuildsTheIndex() throws IOException {
        LogSegment segment = open(BASE);
        List<byte[]> batches = appendTen(segment);
        int entries = segment.index().entries();
        segment.index().clear();
        List<Long> visited = new ArrayList<>();

        int truncated = segment.recover((batch, position) -> visited.add(BatchHeader.baseOffset(batch, 0)));

        assertThat(truncated).isZero();
        assertThat(visited).containsExactly(100L, 103L, 106L, 109L, 112L, 115L, 118L, 121L, 124L, 127L);
        assertThat(segment.index().entries()).isEqualTo(entries);
        assertThat(segment.size()).isEqualTo(concat(batches, 0, 10).length);
    }

    @Test
    void recoverTruncatesATornTail() throws IOException {
        LogSegment segment = open(BASE);
        List<byte[]> batches = appendTen(segment);
        int valid = segment.size();
        byte[] torn = Arrays.copyOf(batches.get(0), 70);
        try (FileChannel channel = FileChannel.open(segment.logFile(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(torn));
        }
        segment.close();
        opened.clear();
        LogSegment reopened = open(BASE);
        assertThat(reopened.size()).isEqualTo(valid + torn.length);

        int truncated = reopened.recover((batch, position) -> { });

        assertThat(truncated).isEqualTo(torn.length);
        assertThat(reopened.size()).isEqualTo(valid);
        assertThat(Files.size(reopened.logFile())).isEqualTo(valid);
        assertThat(reopened.readNextOffset()).isEqualTo(BASE + 30);
    }

    @Test
    void recoverStopsAtABatchThatGoesBackInOffsets() throws IOException {
        LogSegment segment = open(BASE);
        appendTen(segment);
        int valid = segment.size();
        byte[] backwards = TestBatches.bytes(TestBatches.batch().baseOffset(BASE + 10).records(1).build());
        try (FileChannel channel = FileChannel.open(segment.logFile(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(backwards));
        }
        segment.close();
        opened.clear();
        LogSegment reopened = open(BASE);

        int truncated = reopened.recover((batch, position) -> { });

        assertThat(truncated).isEqualTo(backwards.length);
        assertThat(reopened.size()).isEqualTo(valid);
        assertThat(reopened.readNextOffset()).isEqualTo(BASE + 30);
    }

    @Test
    void recoverStopsAtABatchBelowTheBaseOffsetOrWithAnotherMagic() throws IOException {
        LogSegment below = open(BASE);
        below.append(TestBatches.batch().baseOffset(BASE - 1).records(1).build());
        assertThat(below.recover((batch, position) -> { })).isPositive();
        assertThat(below.size()).isZero();

        LogSegment magic = open(BASE + 1000);
        ByteBuffer batch = TestBatches.batch().baseOffset(BASE + 1000).records(1).build();
        batch.put(BatchHeader.MAGIC_OFFSET, (byte) 1);
        magic.append(batch);
        assertThat(magic.recover((b, position) -> { })).isPositive();
        assertThat(magic.size()).isZero();
    }

    @Test
    void tracksTheLargestTimestampAndTheFirstBatchHoldingIt() throws IOException {
        LogSegment segment = open(BASE);
        append(segment, BASE, 1, 500L);
        append(segment, BASE + 1, 1, 900L);
        append(segment, BASE + 2, 1, 700L);
        append(segment, BASE + 3, 1, 900L);

        assertThat(segment.maxTimestampAndOffset()).isEqualTo(new TimestampOffset(900L, BASE + 1));

        segment.close();
        opened.clear();
        LogSegment reopened = open(BASE);
        assertThat(reopened.maxTimestampAndOffset()).isEqualTo(new TimestampOffset(900L, BASE + 1));
        append(reopened, BASE + 4, 1, 2000L);
        assertThat(reopened.maxTimestampAndOffset()).isEqualTo(new TimestampOffset(2000L, BASE + 4));
    }

    @Test
    void anEmptySegmentHasNoTimestamp() throws IOException {
        LogSegment segment = open(BASE);

        assertThat(segment.maxTimestampSoFar()).isEqualTo(BatchHeader.NO_TIMESTAMP);
        assertThat(segment.firstBatchWithTimestampAtLeast(0L, 0L, Long.MAX_VALUE)).isNull();
        assertThat(segment.batchContaining(BASE)).isNull();
    }

    @Test
    void findsTheFirstBatchWithATimestampAtLeastTheTarget() throws IOException {
        LogSegment segment = open(BASE);
        byte[] first = append(segment, BASE, 2, 500L);
        byte[] second = append(segment, BASE + 2, 2, 900L);
        append(segment, BASE + 4, 2, 700L);

        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(0L, 0L, Long.MAX_VALUE))).isEqualTo(first);
        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(501L, 0L, Long.MAX_VALUE))).isEqualTo(first);
        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(502L, 0L, Long.MAX_VALUE))).isEqualTo(second);
        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(800L, 0L, Long.MAX_VALUE))).isEqualTo(second);
        assertThat(segment.firstBatchWithTimestampAtLeast(902L, 0L, Long.MAX_VALUE)).isNull();
        assertThat(TestBatches.bytes(segment.batchContaining(BASE + 3))).isEqualTo(second);
        assertThat(segment.batchContaining(BASE + 6)).isNull();

        // Only batches that end below the end offset count.
        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(502L, 0L, BASE + 4))).isEqualTo(second);
        assertThat(segment.firstBatchWithTimestampAtLeast(502L, 0L, BASE + 3)).isNull();
        assertThat(segment.firstBatchWithTimestampAtLeast(0L, 0L, BASE)).isNull();

        // Nor any that end below the starting offset (the log start offset).
        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(0L, BASE + 1, Long.MAX_VALUE))).isEqualTo(first);
        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(0L, BASE + 2, Long.MAX_VALUE))).isEqualTo(second);
        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(600L, BASE + 4, Long.MAX_VALUE)))
                .isEqualTo(TestBatches.bytes(segment.batchContaining(BASE + 4)));
        assertThat(segment.firstBatchWithTimestampAtLeast(800L, BASE + 4, Long.MAX_VALUE)).isNull();
    }

    @Test
    void rollsWhenTheSegmentWouldOutgrowItsSize() throws IOException {
        LogSegment segment = open(BASE);
        LogConfig config = CONFIG.withSegmentBytes(1000);

        assertThat(segment.shouldRoll(5000, BASE, 0L, 0L, config)).as("an empty segment takes any batch").isFalse();
        append(segment, BASE, 1, 0L);
        int size = segment.size();
        assertThat(segment.shouldRoll(1000 - size, BASE + 1, 0L, 0L, config)).isFalse();
        assertThat(segment.shouldRoll(1000 - size + 1, BASE + 1, 0L, 0L, config)).isTrue();
        assertThat(segment.shouldRoll(1, BASE + Integer.MAX_VALUE, 0L, 0L, config)).isFalse();
        assertThat(segment.shouldRoll(1, BASE + Integer.MAX_VALUE + 1L, 0L, 0L, config)).as("offsets must fit the index").isTrue();
        segment.onRolled();
        assertThat(segment.shouldRoll(1, BASE + 1, 0L, 0L, config)).as("a full index").isTrue();
    }

    @Test
    void indexLooksSaneOnlyWhenItFitsTheLog() throws IOException {
        LogSegment segment = open(BASE);
        appendTen(segment);
        assertThat(segment.indexesLookSane()).isTrue();

        segment.index().append(BASE + 500, segment.size() + 10);
        assertThat(segment.indexesLookSane()).isFalse();
    }

    @Test
    void aLostIndexFileIsNotSane() throws IOException {
        LogSegment segment = open(BASE);
        appendTen(segment);
        segment.close();
        opened.clear();
        java.nio.file.Files.delete(segment.index().file());

        assertThat(open(BASE).indexesLookSane()).isFalse();
    }

    @Test
    void deleteRemovesEveryFile() throws IOException {
        LogSegment segment = open(BASE);
        appendTen(segment);
        opened.clear();

        segment.delete();

        assertThat(segment.logFile()).doesNotExist();
        assertThat(segment.index().file()).doesNotExist();
        assertThat(segment.timeIndex().file()).doesNotExist();
    }
    @Test
    void timeIndexEntriesFollowTheOffsetIndexCadenceWhenTheLargestTimestampGrows() throws IOException {
        LogSegment segment = open(BASE);
        append(segment, BASE, 3, 500L);
        append(segment, BASE + 3, 3, 900L);
        append(segment, BASE + 6, 3, 700L);
        append(segment, BASE + 9, 3, 800L);
        append(segment, BASE + 12, 3, 1000L);

        // Every batch after the first gets an offset index entry; the time index only gets one when the
        // largest timestamp grew, with the last offset of the batch that first reached it.
        assertThat(segment.index().entries()).isEqualTo(4);
        TimeIndex timeIndex = segment.timeIndex();
        assertThat(timeIndex.entries()).isEqualTo(2);
        assertThat(timeIndex.entry(0)).isEqualTo(new TimestampOffset(902L, BASE + 5));
        assertThat(timeIndex.entry(1)).isEqualTo(new TimestampOffset(1002L, BASE + 14));
    }

    @Test
    void rollingAppendsTheLargestTimestampAsTheLastTimeIndexEntry() throws IOException {
        LogSegment segment = open(BASE);
        append(segment, BASE, 3, 500L);
        assertThat(segment.timeIndex().entries()).as("the first batch never gets an entry by cadence").isZero();

        segment.onRolled();

        assertThat(segment.timeIndex().lastEntry()).isEqualTo(new TimestampOffset(502L, BASE + 2));
        assertThat(Files.size(segment.timeIndex().file())).isEqualTo(TimeIndex.ENTRY_SIZE);
        assertThat(Files.size(segment.index().file())).isZero();
    }

    @Test
    void closingAppendsTheLargestTimestampSoReopeningKnowsIt() throws IOException {
        LogSegment segment = open(BASE);
        append(segment, BASE, 3, 500L);
        append(segment, BASE + 3, 3, 400L);
        segment.close();
        opened.clear();

        LogSegment reopened = open(BASE);

        assertThat(reopened.timeIndex().lastEntry()).isEqualTo(new TimestampOffset(502L, BASE + 2));
        assertThat(reopened.maxTimestampAndOffset()).isEqualTo(new TimestampOffset(502L, BASE + 2));
    }

    @Test
    void theLargestTimestampOfAReopenedSegmentIsReadFromItsTimeIndexNotTheLog() throws IOException {
        LogSegment segment = open(BASE);
        appendTen(segment);
        segment.close();
        opened.clear();
        Path timeIndexFile = segment.timeIndex().file();
        long entries = Files.size(timeIndexFile) / TimeIndex.ENTRY_SIZE;
        try (FileChannel channel = FileChannel.open(timeIndexFile, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(8).putLong(0, 77_777L), (entries - 1) * TimeIndex.ENTRY_SIZE);
        }

        LogSegment reopened = open(BASE);

        assertThat(reopened.maxTimestampSoFar()).isEqualTo(77_777L);
        assertThat(reopened.timeIndex().isMapped()).as("one entry is read without mapping the index").isFalse();
        assertThat(reopened.index().isMapped()).isFalse();
    }

    @Test
    void largestTimestampFallsBackToTheLastModifiedTimeOfTheLog() throws IOException {
        LogSegment segment = open(BASE);
        FileTime modified = FileTime.fromMillis(1_234_567_000L);
        Files.setLastModifiedTime(segment.logFile(), modified);
        assertThat(segment.largestTimestamp()).as("an empty segment").isEqualTo(modified.toMillis());

        segment.append(TestBatches.batch().baseOffset(BASE).records(1).timestamp(BatchHeader.NO_TIMESTAMP).build());
        Files.setLastModifiedTime(segment.logFile(), modified);
        assertThat(segment.maxTimestampSoFar()).isEqualTo(BatchHeader.NO_TIMESTAMP);
        assertThat(segment.largestTimestamp()).as("no batch has a timestamp").isEqualTo(modified.toMillis());

        append(segment, BASE + 1, 2, 5_000L);
        assertThat(segment.largestTimestamp()).isEqualTo(5_001L);
    }

    @Test
    void changeFileSuffixesRenamesTheLogAndBothIndexes() throws IOException {
        LogSegment segment = open(BASE);
        List<byte[]> batches = appendTen(segment);
        segment.onRolled();

        segment.changeFileSuffixes("", LogSegment.DELETED_SUFFIX);

        assertThat(segment.logFile()).isEqualTo(dir.resolve("00000000000000000100.log.deleted")).exists();
        assertThat(segment.index().file()).isEqualTo(dir.resolve("00000000000000000100.index.deleted")).exists();
        assertThat(segment.timeIndex().file()).isEqualTo(dir.resolve("00000000000000000100.timeindex.deleted")).exists();
        assertThat(dir.resolve("00000000000000000100.timeindex")).doesNotExist();
        assertThat(TestBatches.bytes(segment.read(BASE + 10, Integer.MAX_VALUE, Long.MAX_VALUE, false).slice()))
                .isEqualTo(concat(batches, 3, 10));
        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(1005L, 0L, Long.MAX_VALUE))).isEqualTo(batches.get(3));

        segment.changeFileSuffixes(LogSegment.DELETED_SUFFIX, "");
        assertThat(segment.timeIndex().file()).isEqualTo(dir.resolve("00000000000000000100.timeindex")).exists();
    }

    @Test
    void openingASegmentMapsNeitherIndexUntilALookupNeedsIt() throws IOException {
        LogSegment segment = open(BASE);
        List<byte[]> batches = appendTen(segment);
        segment.close();
        opened.clear();

        LogSegment reopened = open(BASE);
        assertThat(reopened.index().isMapped()).isFalse();
        assertThat(reopened.timeIndex().isMapped()).isFalse();
        assertThat(reopened.indexFilesLookSane()).isTrue();
        reopened.onRolled();
        assertThat(reopened.index().isMapped()).as("trimming an already trimmed index").isFalse();
        assertThat(reopened.timeIndex().isMapped()).isFalse();

        assertThat(TestBatches.bytes(reopened.read(BASE + 10, Integer.MAX_VALUE, Long.MAX_VALUE, false).slice()))
                .isEqualTo(concat(batches, 3, 10));
        assertThat(reopened.index().isMapped()).isTrue();
        assertThat(reopened.timeIndex().isMapped()).isFalse();

        assertThat(TestBatches.bytes(reopened.firstBatchWithTimestampAtLeast(1005L, 0L, Long.MAX_VALUE))).isEqualTo(batches.get(3));
        assertThat(reopened.timeIndex().isMapped()).isTrue();
    }

    @Test
    void anIdleInactiveSegmentGivesBackItsIndexMappingsAndMapsThemAgainOnUse() throws IOException {
        LogSegment segment = open(BASE);
        List<byte[]> batches = appendTen(segment);
        segment.onRolled();
        segment.flush();
        assertThat(segment.firstBatchWithTimestampAtLeast(1005L, 0L, Long.MAX_VALUE)).isNotNull();

        assertThat(segment.releaseIndexesIfIdle(10_000L, 1_000L)).as("just used").isFalse();
        assertThat(segment.releaseIndexesIfIdle(10_999L, 1_000L)).isFalse();
        assertThat(segment.releaseIndexesIfIdle(11_000L, 1_000L)).isTrue();
        assertThat(segment.index().isMapped()).isFalse();
        assertThat(segment.timeIndex().isMapped()).isFalse();

        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(1005L, 0L, Long.MAX_VALUE))).isEqualTo(batches.get(3));
        assertThat(TestBatches.bytes(segment.read(BASE + 10, Integer.MAX_VALUE, Long.MAX_VALUE, false).slice()))
                .isEqualTo(concat(batches, 3, 10));
        assertThat(segment.index().isMapped()).isTrue();
        assertThat(segment.timeIndex().isMapped()).isTrue();
    }

    @Test
    void aLostTimeIndexIsNotSane() throws IOException {
        LogSegment segment = open(BASE);
        appendTen(segment);
        segment.close();
        opened.clear();
        Files.delete(segment.timeIndex().file());

        LogSegment reopened = open(BASE);

        assertThat(reopened.indexFilesLookSane()).isFalse();
        assertThat(reopened.indexesLookSane()).isFalse();
    }

    @Test
    void aTimeIndexWhoseLastTimestampIsBelowItsFirstIsNotSane() throws IOException {
        LogSegment segment = open(BASE);
        appendTen(segment);
        segment.close();
        opened.clear();
        Files.write(segment.timeIndex().file(), ByteBuffer.allocate(2 * TimeIndex.ENTRY_SIZE).putLong(500L).putInt(1).putLong(400L).putInt(5)
                .array());

        LogSegment reopened = open(BASE);

        assertThat(reopened.indexFilesLookSane()).isTrue();
        assertThat(reopened.indexesLookSane()).isFalse();
        reopened.recover((batch, position) -> { });
        assertThat(reopened.indexesLookSane()).isTrue();
    }

    @Test
    void recoverRebuildsTheTimeIndexAndEndsItWithTheLargestTimestamp() throws IOException {
        LogSegment segment = open(BASE);
        append(segment, BASE, 3, 500L);
        append(segment, BASE + 3, 3, 900L);
        append(segment, BASE + 6, 3, 700L);
        segment.timeIndex().clear();

        segment.recover((batch, position) -> { });

        assertThat(segment.timeIndex().entries()).isEqualTo(1);
        assertThat(segment.timeIndex().lastEntry()).isEqualTo(new TimestampOffset(902L, BASE + 5));
        assertThat(segment.maxTimestampAndOffset()).isEqualTo(new TimestampOffset(902L, BASE + 5));
    }

    @Test
    void waitsToRollFromTheFirstBatchTimestampToTheNewBatchesTimestamp() throws IOException {
        ManualTime time = new ManualTime();
        LogConfig config = CONFIG.toBuilder().segmentMs(1_000L).build();
        LogSegment segment = LogSegment.open(dir, BASE, config, time);
        opened.add(segment);
        time.advanceMillis(1_000_000L);
        assertThat(segment.shouldRoll(10, BASE, 99_999L, time.milliseconds(), config)).as("an empty segment never rolls by age").isFalse();

        append(segment, BASE, 3, 5_000L);

        assertThat(segment.timeWaitedForRoll(time.milliseconds(), 6_002L)).isEqualTo(1_000L);
        assertThat(segment.shouldRoll(10, BASE + 3, 6_002L, time.milliseconds(), config)).isFalse();
        assertThat(segment.shouldRoll(10, BASE + 3, 6_003L, time.milliseconds(), config)).isTrue();
    }

    @Test
    void withoutATimestampInTheFirstBatchTheSegmentAgesByTheClock() throws IOException {
        ManualTime time = new ManualTime();
        LogConfig config = CONFIG.toBuilder().segmentMs(1_000L).build();
        LogSegment segment = LogSegment.open(dir, BASE, config, time);
        opened.add(segment);
        segment.append(TestBatches.batch().baseOffset(BASE).records(1).timestamp(BatchHeader.NO_TIMESTAMP).build());

        time.advanceMillis(1_000L);
        assertThat(segment.shouldRoll(10, BASE + 1, 99_999L, time.milliseconds(), config)).isFalse();
        time.advanceMillis(1L);
        assertThat(segment.shouldRoll(10, BASE + 1, BatchHeader.NO_TIMESTAMP, time.milliseconds(), config)).isTrue();
    }

    @Test
    void theRollJitterIsBelowBothTheJitterSettingAndSegmentMs() {
        LogConfig noJitter = CONFIG.toBuilder().segmentMs(1_000L).segmentJitterMs(0L).build();
        LogConfig wide = CONFIG.toBuilder().segmentMs(100L).segmentJitterMs(1_000_000L).build();
        LogConfig narrow = CONFIG.toBuilder().segmentMs(1_000_000L).segmentJitterMs(10L).build();

        for (int i = 0; i < 20; i++) {
            assertThat(open(BASE + 10L * i, noJitter).rollJitterMs()).isZero();
            assertThat(open(BASE + 10L * i + 1, wide).rollJitterMs()).isBetween(0L, 99L);
            assertThat(open(BASE + 10L * i + 2, narrow).rollJitterMs()).isBetween(0L, 9L);
        }
    }
}
