package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.storage.TestBatches;
import io.vltava.storage.index.OffsetIndex;
import io.vltava.storage.record.BatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
        LogSegment segment = LogSegment.open(dir, baseOffset, CONFIG);
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
        assertThat(reopened.indexLooksSane()).isTrue();
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
        int size = append(segment, BASE, 1, 500L).length;
        append(segment, BASE + 1, 1, 900L);
        append(segment, BASE + 2, 1, 700L);
        append(segment, BASE + 3, 1, 900L);

        assertThat(segment.timestamps()).isEqualTo(new LogSegment.TimestampSummary(900L, size));

        segment.close();
        opened.clear();
        LogSegment reopened = open(BASE);
        assertThat(reopened.timestamps()).isEqualTo(new LogSegment.TimestampSummary(900L, size));
        append(reopened, BASE + 4, 1, 2000L);
        assertThat(reopened.timestamps()).isEqualTo(new LogSegment.TimestampSummary(2000L, 4 * size));
    }

    @Test
    void anEmptySegmentHasNoTimestamp() throws IOException {
        LogSegment segment = open(BASE);

        assertThat(segment.timestamps()).isEqualTo(new LogSegment.TimestampSummary(BatchHeader.NO_TIMESTAMP, -1));
        assertThat(segment.firstBatchWithTimestampAtLeast(0L, Long.MAX_VALUE)).isNull();
    }

    @Test
    void findsTheFirstBatchWithATimestampAtLeastTheTarget() throws IOException {
        LogSegment segment = open(BASE);
        byte[] first = append(segment, BASE, 2, 500L);
        byte[] second = append(segment, BASE + 2, 2, 900L);
        append(segment, BASE + 4, 2, 700L);

        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(0L, Long.MAX_VALUE))).isEqualTo(first);
        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(501L, Long.MAX_VALUE))).isEqualTo(first);
        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(502L, Long.MAX_VALUE))).isEqualTo(second);
        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(800L, Long.MAX_VALUE))).isEqualTo(second);
        assertThat(segment.firstBatchWithTimestampAtLeast(902L, Long.MAX_VALUE)).isNull();
        assertThat(TestBatches.bytes(segment.batchAt(first.length))).isEqualTo(second);
        assertThat(segment.batchAt(3 * first.length)).isNull();

        // Only batches that end below the end offset count.
        assertThat(TestBatches.bytes(segment.firstBatchWithTimestampAtLeast(502L, BASE + 4))).isEqualTo(second);
        assertThat(segment.firstBatchWithTimestampAtLeast(502L, BASE + 3)).isNull();
        assertThat(segment.firstBatchWithTimestampAtLeast(0L, BASE)).isNull();
    }

    @Test
    void rollsWhenTheSegmentWouldOutgrowItsSize() throws IOException {
        LogSegment segment = open(BASE);

        assertThat(segment.shouldRoll(5000, BASE, 1000)).as("an empty segment takes any batch").isFalse();
        append(segment, BASE, 1, 0L);
        int size = segment.size();
        assertThat(segment.shouldRoll(1000 - size, BASE + 1, 1000)).isFalse();
        assertThat(segment.shouldRoll(1000 - size + 1, BASE + 1, 1000)).isTrue();
        assertThat(segment.shouldRoll(1, BASE + Integer.MAX_VALUE, 1000)).isFalse();
        assertThat(segment.shouldRoll(1, BASE + Integer.MAX_VALUE + 1L, 1000)).as("offsets must fit the index").isTrue();
        segment.onRolled();
        assertThat(segment.shouldRoll(1, BASE + 1, 1000)).as("a full index").isTrue();
    }

    @Test
    void indexLooksSaneOnlyWhenItFitsTheLog() throws IOException {
        LogSegment segment = open(BASE);
        appendTen(segment);
        assertThat(segment.indexLooksSane()).isTrue();

        segment.index().append(BASE + 500, segment.size() + 10);
        assertThat(segment.indexLooksSane()).isFalse();
    }

    @Test
    void aLostIndexFileIsNotSane() throws IOException {
        LogSegment segment = open(BASE);
        appendTen(segment);
        segment.close();
        opened.clear();
        java.nio.file.Files.delete(segment.index().file());

        assertThat(open(BASE).indexLooksSane()).isFalse();
    }

    @Test
    void deleteRemovesBothFiles() throws IOException {
        LogSegment segment = open(BASE);
        appendTen(segment);
        opened.clear();

        segment.delete();

        assertThat(segment.logFile()).doesNotExist();
        assertThat(segment.index().file()).doesNotExist();
    }
}
