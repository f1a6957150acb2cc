package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.TestBatches;
import io.vltava.storage.epoch.LeaderEpochCache;
import io.vltava.storage.record.BatchHeader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends and reads of a partition's log. */
class PartitionLogTest {

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime();
    private LogFlusher flusher;
    private PartitionLog log;

    @BeforeEach
    void setUp() {
        flusher = new LogFlusher("test-flusher");
        log = TestLogs.open(dir, TestLogs.CONFIG, time, flusher);
    }

    @AfterEach
    void tearDown() {
        log.close();
        flusher.close();
    }

    private void reopenWith(LogConfig config) {
        log.close();
        log = TestLogs.open(dir, config, time, flusher);
    }

    /** Appends a batch of {@code records} records as the leader of epoch 0 and returns its bytes as stored. */
    private byte[] append(int records) {
        return append(TestBatches.batch().records(records).valueSize(50).seed(log.logEndOffset()).build());
    }

    private byte[] append(ByteBuffer batch) {
        log.appendAsLeader(batch, 0);
        return TestBatches.bytes(batch);
    }

    private static byte[] concat(List<byte[]> parts) {
        return TestBatches.bytes(TestBatches.concat(parts.stream().map(ByteBuffer::wrap).toArray(ByteBuffer[]::new)));
    }

    @Test
    void aTinyIndexNeverRollsAnEmptySegmentOntoItself() {
        reopenWith(TestLogs.CONFIG.toBuilder().segmentIndexBytes(8).build());
        List<byte[]> stored = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stored.add(append(3));
        }

        assertThat(log.segmentCount()).isEqualTo(5);
        assertThat(TestLogs.readAll(log, 0)).isEqualTo(concat(stored));
    }

    @Test
    void aNewLogIsEmpty() {
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.highWatermark()).isZero();
        assertThat(log.recoveryPoint()).isZero();
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.sizeInBytes()).isZero();
        assertThat(log.latestEpoch()).isEqualTo(LeaderEpochCache.UNDEFINED_EPOCH);
        assertThat(log.topicPartition()).isEqualTo(TestLogs.TP);
        assertThat(log.topicId()).isEqualTo(TestLogs.TOPIC_ID);
        assertThat(log.dir()).isEqualTo(dir);
        assertThat(dir.resolve("00000000000000000000.log")).exists();
        assertThat(PartitionMetadataFile.read(dir)).contains(TestLogs.TOPIC_ID);
        assertThat(log.batchWithMaxTimestamp()).isNull();
        assertThat(log.read(0, 1000, FetchIsolation.LOG_END, true).slice().isEmpty()).isTrue();
    }

    @Test
    void assignsOffsetsContiguouslyFromZero() {
        ByteBuffer one = TestBatches.plain(1);
        ByteBuffer three = TestBatches.plain(3);
        ByteBuffer five = TestBatches.plain(5);

        LogAppendInfo first = log.appendAsLeader(one, 0);
        LogAppendInfo second = log.appendAsLeader(three, 0);
        LogAppendInfo third = log.appendAsLeader(five, 0);

        assertThat(List.of(first.firstOffset(), first.lastOffset())).containsExactly(0L, 0L);
        assertThat(List.of(second.firstOffset(), second.lastOffset())).containsExactly(1L, 3L);
        assertThat(List.of(third.firstOffset(), third.lastOffset())).containsExactly(4L, 8L);
        assertThat(third.duplicate()).isFalse();
        assertThat(third.logStartOffset()).isZero();
        assertThat(third.logAppendTime()).isEqualTo(-1L);
        assertThat(log.logEndOffset()).isEqualTo(9);
        assertThat(log.sizeInBytes()).isEqualTo(one.remaining() + three.remaining() + five.remaining());
    }

    @Test
    void rewritesBaseOffsetsAndLeaderEpochInTheCallersBufferKeepingTheCrc() {
        log.appendAsLeader(TestBatches.plain(2), 0);
        ByteBuffer batches = TestBatches.concat(TestBatches.plain(3), TestBatches.plain(4));
        int second = BatchHeader.sizeInBytes(batches, 0);

        LogAppendInfo info = log.appendAsLeader(batches, 7);

        assertThat(info.firstOffset()).isEqualTo(2);
        assertThat(info.lastOffset()).isEqualTo(8);
        assertThat(batches.position()).isZero();
        assertThat(BatchHeader.baseOffset(batches, 0)).isEqualTo(2);
        assertThat(BatchHeader.baseOffset(batches, second)).isEqualTo(5);
        assertThat(BatchHeader.partitionLeaderEpoch(batches, 0)).isEqualTo(7);
        assertThat(BatchHeader.partitionLeaderEpoch(batches, second)).isEqualTo(7);
        assertThat(BatchHeader.isCrcValid(batches, 0)).isTrue();
        assertThat(BatchHeader.isCrcValid(batches, second)).isTrue();
        assertThat(TestBatches.bytes(log.read(2, Integer.MAX_VALUE, FetchIsolation.LOG_END, false).slice()))
                .isEqualTo(TestBatches.bytes(batches));
    }

    @Test
    void appendsOnlyTheBytesBetweenPositionAndLimit() {
        ByteBuffer batch = TestBatches.plain(2);
        ByteBuffer framed = ByteBuffer.allocate(batch.remaining() + 30);
        framed.position(11);
        framed.put(batch);
        framed.position(11).limit(11 + batch.limit());

        LogAppendInfo info = log.appendAsLeader(framed, 0);

        assertThat(info.lastOffset()).isEqualTo(1);
        assertThat(log.sizeInBytes()).isEqualTo(batch.limit());
        assertThat(TestBatches.bytes(log.read(0, 1000, FetchIsolation.LOG_END, false).slice())).isEqualTo(TestBatches.bytes(framed));
    }

    @Test
    void readFromAnyOffsetStartsAtTheBatchHoldingIt() {
        List<byte[]> batches = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batches.add(append(3));
        }
        log.maybeIncrementHighWatermark(log.logEndOffset());

        for (long offset = 0; offset < 18; offset++) {
            int batch = (int) (offset / 3);
            LogReadInfo read = log.read(offset, Integer.MAX_VALUE, FetchIsolation.HIGH_WATERMARK, false);
            assertThat(TestBatches.bytes(read.slice())).as("read(%d)", offset).isEqualTo(concat(batches.subList(batch, 6)));
            assertThat(read.fetchOffset().offset()).isEqualTo(offset);
            assertThat(read.fetchOffset().segmentBaseOffset()).isZero();
            assertThat(read.fetchOffset().position()).isEqualTo(batch * batches.get(0).length);
            assertThat(read.highWatermark()).isEqualTo(18);
            assertThat(read.logEndOffset()).isEqualTo(18);
            assertThat(read.logStartOffset()).isZero();
        }
    }

    @Test
    void readStopsAtMaxBytes() {
        List<byte[]> batches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batches.add(append(2));
        }
        int batchSize = batches.get(0).length;

        LogReadInfo twoBatches = log.read(0, 2 * batchSize + 5, FetchIsolation.LOG_END, false);
        assertThat(twoBatches.slice().size()).isEqualTo(2 * batchSize + 5);
        assertThat(TestBatches.split(TestBatches.bytes(twoBatches.slice()))).hasSize(2);
        assertThat(TestBatches.bytes(log.read(0, 2 * batchSize, FetchIsolation.LOG_END, false).slice()))
                .isEqualTo(concat(batches.subList(0, 2)));
    }

    @Test
    void minOneBatchReturnsAWholeFirstBatchLargerThanMaxBytes() {
        byte[] big = append(TestBatches.batch().records(10).valueSize(500).build());
        append(1);

        LogReadInfo whole = log.read(3, 100, FetchIsolation.LOG_END, true);
        assertThat(TestBatches.bytes(whole.slice())).isEqualTo(big);

        LogReadInfo none = log.read(3, 100, FetchIsolation.LOG_END, false);
        assertThat(none.slice().isEmpty()).isTrue();
        assertThat(none.fetchOffset()).isEqualTo(new LogOffsetMetadata(3, 0, 0));
    }

    @Test
    void consumerReadsNeverPassTheHighWatermark() {
        List<byte[]> batches = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batches.add(append(2));
        }

        assertThat(log.highWatermark()).isZero();
        assertThat(log.read(0, Integer.MAX_VALUE, FetchIsolation.HIGH_WATERMARK, true).slice().isEmpty()).isTrue();
        assertThat(TestBatches.bytes(log.read(0, Integer.MAX_VALUE, FetchIsolation.LOG_END, true).slice())).isEqualTo(concat(batches));

        assertThat(log.maybeIncrementHighWatermark(4)).isTrue();
        assertThat(log.highWatermark()).isEqualTo(4);
        assertThat(log.highWatermarkMetadata()).isEqualTo(new LogOffsetMetadata(4, 0, 2 * batches.get(0).length));
        assertThat(TestBatches.bytes(log.read(0, Integer.MAX_VALUE, FetchIsolation.HIGH_WATERMARK, true).slice()))
                .isEqualTo(concat(batches.subList(0, 2)));
        assertThat(TestBatches.bytes(log.read(3, Integer.MAX_VALUE, FetchIsolation.HIGH_WATERMARK, true).slice()))
                .isEqualTo(batches.get(1));
        LogReadInfo atHighWatermark = log.read(4, Integer.MAX_VALUE, FetchIsolation.HIGH_WATERMARK, true);
        assertThat(atHighWatermark.slice().isEmpty()).isTrue();
        assertThat(atHighWatermark.highWatermark()).isEqualTo(4);
        assertThat(atHighWatermark.fetchOffset()).isEqualTo(log.highWatermarkMetadata());
        assertThat(log.read(8, Integer.MAX_VALUE, FetchIsolation.HIGH_WATERMARK, true).slice().isEmpty()).isTrue();

        assertThat(log.maybeIncrementHighWatermark(3)).as("never moves back").isFalse();
        assertThat(log.maybeIncrementHighWatermark(4)).isFalse();
        assertThat(log.maybeIncrementHighWatermark(1000)).as("bounded by the log end").isTrue();
        assertThat(log.highWatermark()).isEqualTo(10);
        assertThat(log.highWatermarkMetadata()).isEqualTo(log.logEndOffsetMetadata());
        assertThat(TestBatches.bytes(log.read(0, Integer.MAX_VALUE, FetchIsolation.HIGH_WATERMARK, true).slice()))
                .isEqualTo(concat(batches));

        byte[] later = append(2);
        assertThat(TestBatches.bytes(log.read(0, Integer.MAX_VALUE, FetchIsolation.HIGH_WATERMARK, true).slice()))
                .as("a batch appended after the high watermark is not visible").isEqualTo(concat(batches));
        assertThat(later).isNotEmpty();
    }

    @Test
    void readsOutsideTheLogThrow() {
        append(3);

        LogReadInfo atEnd = log.read(3, 1000, FetchIsolation.LOG_END, true);
        assertThat(atEnd.slice().isEmpty()).as("at the log end").isTrue();
        assertThat(atEnd.fetchOffset()).isEqualTo(log.logEndOffsetMetadata());
        assertThatThrownBy(() -> log.read(4, 1000, FetchIsolation.LOG_END, true)).isInstanceOf(LogOffsetOutOfRangeException.class)
                .hasMessageContaining("4");
        assertThatThrownBy(() -> log.read(-1, 1000, FetchIsolation.LOG_END, true)).isInstanceOf(LogOffsetOutOfRangeException.class);
        assertThatThrownBy(() -> log.read(100, 1000, FetchIsolation.HIGH_WATERMARK, true))
                .isInstanceOf(LogOffsetOutOfRangeException.class);
    }

    @Test
    void rollsASegmentWhenTheNextBatchWouldPassSegmentBytes() {
        int batchSize = TestBatches.batch().records(2).valueSize(50).build().remaining();
        reopenWith(TestLogs.CONFIG.withSegmentBytes(3 * batchSize));

        List<byte[]> batches = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            batches.add(append(2));
        }

        assertThat(log.segmentCount()).isEqualTo(3);
        assertThat(TestLogs.files(dir, LogSegment.LOG_SUFFIX)).extracting(path -> path.getFileName().toString())
                .containsExactly("00000000000000000000.log", "00000000000000000006.log", "00000000000000000012.log");
        assertThat(TestLogs.files(dir, LogSegment.INDEX_SUFFIX)).as("the active segment's index file comes with its first entry or its roll")
                .hasSize(2);
        assertThat(log.logEndOffset()).isEqualTo(14);
        assertThat(log.logEndOffsetMetadata()).isEqualTo(new LogOffsetMetadata(14, 12, batchSize));
        assertThat(log.sizeInBytes()).isEqualTo(7L * batchSize);
        assertThat(TestBatches.bytes(log.read(0, Integer.MAX_VALUE, FetchIsolation.LOG_END, false).slice()))
                .as("one read returns one segment's batches").isEqualTo(concat(batches.subList(0, 3)));
        assertThat(TestBatches.bytes(log.read(5, Integer.MAX_VALUE, FetchIsolation.LOG_END, false).slice()))
                .isEqualTo(batches.get(2));
        LogReadInfo second = log.read(6, Integer.MAX_VALUE, FetchIsolation.LOG_END, false);
        assertThat(second.fetchOffset()).isEqualTo(new LogOffsetMetadata(6, 6, 0));
        assertThat(TestBatches.bytes(second.slice())).isEqualTo(concat(batches.subList(3, 6)));
        assertThat(TestLogs.readAll(log, 0)).isEqualTo(concat(batches));
        assertThat(TestLogs.readAll(log, 9)).isEqualTo(concat(batches.subList(4, 7)));
    }

    @Test
    void theHighWatermarkStopsReadsInAnEarlierSegment() {
        int batchSize = TestBatches.batch().records(2).valueSize(50).build().remaining();
        reopenWith(TestLogs.CONFIG.withSegmentBytes(3 * batchSize));
        List<byte[]> batches = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            batches.add(append(2));
        }

        log.maybeIncrementHighWatermark(4);

        assertThat(TestBatches.bytes(log.read(0, Integer.MAX_VALUE, FetchIsolation.HIGH_WATERMARK, false).slice()))
                .isEqualTo(concat(batches.subList(0, 2)));
        log.maybeIncrementHighWatermark(8);
        assertThat(TestBatches.bytes(log.read(0, Integer.MAX_VALUE, FetchIsolation.HIGH_WATERMARK, false).slice()))
                .isEqualTo(concat(batches.subList(0, 3)));
        assertThat(TestBatches.bytes(log.read(6, Integer.MAX_VALUE, FetchIsolation.HIGH_WATERMARK, false).slice()))
                .isEqualTo(batches.get(3));
    }

    @Test
    void aBatchSetLargerThanASegmentIsRefused() {
        reopenWith(TestLogs.CONFIG.withSegmentBytes(500));
        append(1);
        long size = log.sizeInBytes();

        assertThatThrownBy(() -> log.appendAsLeader(TestBatches.batch().records(10).valueSize(100).build(), 0))
                .isInstanceOfSatisfying(LogAppendException.class,
                        e -> assertThat(e.error()).isEqualTo(AppendError.BATCH_LARGER_THAN_SEGMENT));

        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(log.sizeInBytes()).isEqualTo(size);
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(append(1)).isNotEmpty();
        assertThat(log.logEndOffset()).isEqualTo(2);
    }

    @Test
    void aBatchExactlyAsLargeAsASegmentIsAccepted() {
        ByteBuffer batch = TestBatches.batch().records(3).valueSize(100).build();
        reopenWith(TestLogs.CONFIG.withSegmentBytes(batch.remaining()));

        log.appendAsLeader(batch, 0);
        log.appendAsLeader(TestBatches.batch().records(3).valueSize(100).build(), 0);

        assertThat(log.segmentCount()).isEqualTo(2);
        assertThat(log.logEndOffset()).isEqualTo(6);
    }

    @Test
    void logAppendTimeStampsTheBatchesAndKeepsAValidCrc() {
        reopenWith(TestLogs.CONFIG.withTimestampType(TimestampType.LOG_APPEND_TIME));
        time.advanceMillis(1234);
        ByteBuffer batch = TestBatches.batch().records(3).timestamp(1000L).build();

        LogAppendInfo info = log.appendAsLeader(batch, 0);

        assertThat(info.logAppendTime()).isEqualTo(time.milliseconds());
        ByteBuffer stored = ByteBuffer.wrap(TestBatches.bytes(log.read(0, 1000, FetchIsolation.LOG_END, true).slice()));
        assertThat(BatchHeader.isLogAppendTime(stored, 0)).isTrue();
        assertThat(BatchHeader.maxTimestamp(stored, 0)).isEqualTo(time.milliseconds());
        assertThat(BatchHeader.baseTimestamp(stored, 0)).isEqualTo(1000L);
        assertThat(BatchHeader.isCrcValid(stored, 0)).isTrue();
    }

    @Test
    void createTimeKeepsTheProducersTimestamps() {
        ByteBuffer batch = TestBatches.batch().records(3).timestamp(1000L).build();
        long crc = BatchHeader.crc(batch, 0);

        LogAppendInfo info = log.appendAsLeader(batch, 0);

        assertThat(info.logAppendTime()).isEqualTo(-1L);
        ByteBuffer stored = ByteBuffer.wrap(TestBatches.bytes(log.read(0, 1000, FetchIsolation.LOG_END, true).slice()));
        assertThat(BatchHeader.isLogAppendTime(stored, 0)).isFalse();
        assertThat(BatchHeader.maxTimestamp(stored, 0)).isEqualTo(1002L);
        assertThat(BatchHeader.crc(stored, 0)).isEqualTo(crc);
    }

    @Test
    void updateConfigAppliesToLaterAppends() {
        log.updateConfig(TestLogs.CONFIG.withTimestampType(TimestampType.LOG_APPEND_TIME));

        assertThat(log.config().timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(log.appendAsLeader(TestBatches.plain(1), 0).logAppendTime()).isEqualTo(time.milliseconds());
    }

    @Test
    void recordsTheLeaderEpochOfEachAppend() {
        log.appendAsLeader(TestBatches.plain(5), 0);
        log.appendAsLeader(TestBatches.plain(5), 0);
        log.appendAsLeader(TestBatches.plain(5), 3);
        log.appendAsLeader(TestBatches.plain(5), 4);

        assertThat(log.latestEpoch()).isEqualTo(4);
        assertThat(log.endOffsetForEpoch(0)).isEqualTo(new LeaderEpochCache.EpochEndOffset(0, 10));
        assertThat(log.endOffsetForEpoch(2)).isEqualTo(new LeaderEpochCache.EpochEndOffset(0, 10));
        assertThat(log.endOffsetForEpoch(3)).isEqualTo(new LeaderEpochCache.EpochEndOffset(3, 15));
        assertThat(log.endOffsetForEpoch(4)).isEqualTo(new LeaderEpochCache.EpochEndOffset(4, 20));
        assertThat(log.endOffsetForEpoch(5)).isEqualTo(LeaderEpochCache.EpochEndOffset.UNDEFINED);
    }

    @Test
    void aNewLeaderRecordsWhereItsEpochStarts() {
        log.appendAsLeader(TestBatches.plain(4), 1);

        log.assignEpochStartOffset(3);

        assertThat(log.latestEpoch()).isEqualTo(3);
        assertThat(log.endOffsetForEpoch(1)).isEqualTo(new LeaderEpochCache.EpochEndOffset(1, 4));
        assertThat(log.endOffsetForEpoch(3)).isEqualTo(new LeaderEpochCache.EpochEndOffset(3, 4));
        log.appendAsLeader(TestBatches.plain(2), 3);
        assertThat(log.endOffsetForEpoch(3)).isEqualTo(new LeaderEpochCache.EpochEndOffset(3, 6));
        assertThat(log.endOffsetForEpoch(1)).isEqualTo(new LeaderEpochCache.EpochEndOffset(1, 4));
    }

    @Test
    void theLogStartEpochIsTheEpochOfTheFirstBatch() {
        assertThat(log.logStartEpoch()).isEqualTo(LeaderEpochCache.UNDEFINED_EPOCH);

        log.appendAsLeader(TestBatches.plain(2), 2);
        log.appendAsLeader(TestBatches.plain(2), 5);

        assertThat(log.logStartEpoch()).isEqualTo(2);
    }

    @Test
    void findsTheFirstBatchWithATimestampBelowTheHighWatermark() {
        byte[] early = append(TestBatches.batch().records(2).timestamp(100L).build());
        byte[] middle = append(TestBatches.batch().records(2).timestamp(200L).build());
        append(TestBatches.batch().records(2).timestamp(300L).build());

        assertThat(log.firstBatchWithTimestampAtLeast(0L)).as("nothing is below the high watermark yet").isNull();

        log.maybeIncrementHighWatermark(4);
        assertThat(TestBatches.bytes(log.firstBatchWithTimestampAtLeast(0L))).isEqualTo(early);
        assertThat(TestBatches.bytes(log.firstBatchWithTimestampAtLeast(101L))).isEqualTo(early);
        assertThat(TestBatches.bytes(log.firstBatchWithTimestampAtLeast(150L))).isEqualTo(middle);
        assertThat(log.firstBatchWithTimestampAtLeast(250L)).as("only above the high watermark").isNull();

        log.maybeIncrementHighWatermark(6);
        assertThat(log.firstBatchWithTimestampAtLeast(250L)).isNotNull();
        assertThat(log.firstBatchWithTimestampAtLeast(302L)).isNull();
    }

    @Test
    void findsTheBatchWithTheLargestTimestampAcrossSegments() {
        int batchSize = TestBatches.batch().records(2).build().remaining();
        reopenWith(TestLogs.CONFIG.withSegmentBytes(2 * batchSize));
        append(TestBatches.batch().records(2).timestamp(100L).build());
        byte[] largest = append(TestBatches.batch().records(2).timestamp(900L).build());
        append(TestBatches.batch().records(2).timestamp(300L).build());
        append(TestBatches.batch().records(2).timestamp(900L).build());
        append(TestBatches.batch().records(2).timestamp(200L).build());

        assertThat(log.segmentCount()).isEqualTo(3);
        assertThat(TestBatches.bytes(log.batchWithMaxTimestamp())).isEqualTo(largest);
    }

    @Test
    void aClosedLogRefusesAppends() {
        log.close();

        assertThat(log.isClosed()).isTrue();
        assertThatThrownBy(() -> log.appendAsLeader(TestBatches.plain(1), 0))
                .isInstanceOfSatisfying(LogAppendException.class, e -> assertThat(e.error()).isEqualTo(AppendError.STORAGE_ERROR));
    }

    @Test
    void openingAgainWithAnotherTopicIdRewritesThePartitionMetadata() throws Exception {
        log.close();
        UUID other = UUID.randomUUID();

        log = PartitionLog.open(TestLogs.TP, dir, other, TestLogs.CONFIG, 0L, 0L, true, time, flusher, TestLogs.NO_DELAY);

        assertThat(PartitionMetadataFile.read(dir)).isEqualTo(Optional.of(other));
        assertThat(Files.readString(dir.resolve(PartitionMetadataFile.FILE_NAME)))
                .isEqualTo("version: 0\ntopic_id: " + PartitionMetadataFile.encode(other) + "\n");
    }
}
