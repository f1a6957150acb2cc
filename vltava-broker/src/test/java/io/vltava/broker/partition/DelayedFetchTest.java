package io.vltava.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vltava.broker.LocalBroker;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.RemoveTopicRecord;
import io.vltava.storage.log.LogOffsetMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DelayedFetchTest {

    private static final long FOREVER_MS = 600_000L;

    @TempDir
    Path dir;

    private LocalBroker broker;
    private UUID topicId;
    private Partition p0;
    private Partition p1;
    private ScheduledThreadPoolExecutor eventLoop;
    private final AtomicInteger completions = new AtomicInteger();
    /** Bytes of one batch as {@link #appendBatch} writes it. */
    private int batchBytes;

    @BeforeEach
    void setUp() {
        broker = LocalBroker.open(dir);
        topicId = broker.createTopic("waiting", 2);
        p0 = broker.partition("waiting", 0);
        p1 = broker.partition("waiting", 1);
        eventLoop = new ScheduledThreadPoolExecutor(1);
        eventLoop.setRemoveOnCancelPolicy(true);
        int before = p0.log().highWatermarkMetadata().position();
        appendBatch(p0);
        batchBytes = p0.log().highWatermarkMetadata().position() - before;
    }

    @AfterEach
    void tearDown() {
        eventLoop.shutdownNow();
        broker.close();
    }

    private void appendBatch(Partition partition) {
        broker.append("waiting", partition.topicPartition().partition(), 1, 20);
    }

    /** A watch from the partition's current high watermark. */
    private static DelayedFetch.Watch watchFromEnd(Partition partition, int maxBytes) {
        return new DelayedFetch.Watch(partition, partition.log().highWatermarkMetadata(), maxBytes);
    }

    private DelayedFetch park(int minBytes, long maxWaitMs, DelayedFetch.Watch... watches) {
        return DelayedFetch.park(List.of(watches), minBytes, maxWaitMs, eventLoop, completions::incrementAndGet);
    }

    /** Runs everything the event loop was handed so far; completions run there. */
    private void drainEventLoop() throws Exception {
        eventLoop.submit(() -> { }).get();
    }

    @Test
    void completesOnceTheBytesBelowTheHighWatermarkReachMinBytes() throws Exception {
        park(2 * batchBytes + 1, FOREVER_MS, watchFromEnd(p0, Integer.MAX_VALUE));
        appendBatch(p0);
        appendBatch(p0);
        drainEventLoop();
        assertThat(completions).as("two batches are not enough").hasValue(0);

        appendBatch(p0);
        drainEventLoop();
        assertThat(completions).hasValue(1);
    }

    @Test
    void countsBytesAcrossPartitionsUpToEachPartitionLimit() throws Exception {
        park(2 * batchBytes, FOREVER_MS, watchFromEnd(p0, batchBytes), watchFromEnd(p1, batchBytes));
        appendBatch(p0);
        appendBatch(p0);
        appendBatch(p0);
        drainEventLoop();
        assertThat(completions).as("p0 counts for at most its own limit").hasValue(0);

        appendBatch(p1);
        drainEventLoop();
        assertThat(completions).hasValue(1);
    }

    @Test
    void completesAtOnceWhenTheDataIsAlreadyThere() throws Exception {
        LogOffsetMetadata start = new LogOffsetMetadata(0, 0, 0);
        park(batchBytes, FOREVER_MS, new DelayedFetch.Watch(p0, start, Integer.MAX_VALUE));
        drainEventLoop();
        assertThat(completions).hasValue(1);
    }

    @Test
    void completesWhenTheSegmentRolls() throws Exception {
        park(1 << 20, FOREVER_MS, watchFromEnd(p0, Integer.MAX_VALUE));
        p0.log().updateConfig(p0.log().config().withSegmentBytes(batchBytes + 1));

        appendBatch(p0);
        drainEventLoop();

        assertThat(p0.log().segmentCount()).isEqualTo(2);
        assertThat(completions).as("bytes cannot be counted across segments").hasValue(1);
    }

    @Test
    void completesWhenTheReadPositionIsAboveTheHighWatermark() throws Exception {
        long end = p0.log().highWatermark();
        park(1 << 20, FOREVER_MS, new DelayedFetch.Watch(p0, new LogOffsetMetadata(end + 5, 0, 10_000), Integer.MAX_VALUE));
        drainEventLoop();
        assertThat(completions).as("the log was truncated below the fetch").hasValue(1);
    }

    @Test
    void completesWhenThePartitionIsDeleted() throws Exception {
        park(1 << 20, FOREVER_MS, watchFromEnd(p0, Integer.MAX_VALUE), watchFromEnd(p1, Integer.MAX_VALUE));
        broker.apply(new RemoveTopicRecord(topicId));
        drainEventLoop();
        assertThat(completions).hasValue(1);
    }

    @Test
    void completesWhenLeadershipMovesAway() throws Exception {
        park(1 << 20, FOREVER_MS, watchFromEnd(p1, Integer.MAX_VALUE));
        broker.apply(new PartitionRecord(topicId, 1, List.of(1, 2), List.of(1, 2), 2, 1, 1));
        drainEventLoop();
        assertThat(completions).hasValue(1);
    }

    @Test
    void aMetadataUpdateThatKeepsTheLeaderKeepsWaiting() throws Exception {
        park(1 << 20, FOREVER_MS, watchFromEnd(p1, Integer.MAX_VALUE));
        broker.apply(new PartitionRecord(topicId, 1, List.of(1, 2), List.of(1), 1, 0, 1));
        drainEventLoop();
        assertThat(completions).hasValue(0);
    }

    @Test
    void completesWhenTimeRunsOut() {
        park(1 << 20, 20, watchFromEnd(p0, Integer.MAX_VALUE));
        await().atMost(Duration.ofSeconds(10)).until(completions::get, n -> n == 1);
    }

    @Test
    void completesOnlyOnceAndCancelsItsTimeout() throws Exception {
        DelayedFetch fetch = park(1, FOREVER_MS, watchFromEnd(p0, Integer.MAX_VALUE));
        assertThat(eventLoop.getQueue()).as("the armed timeout").hasSize(1);

        appendBatch(p0);
        drainEventLoop();
        assertThat(completions).hasValue(1);
        assertThat(eventLoop.getQueue()).as("the timeout was cancelled").isEmpty();

        appendBatch(p0);
        fetch.tryComplete();
        drainEventLoop();
        assertThat(completions).hasValue(1);
    }
}
