package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.TestBatches;
import io.vltava.storage.record.BatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever was appended, and wherever a crash cut the active segment file, an unclean reopen keeps
 * exactly the batches that lie entirely before the cut, with their offsets and bytes, and appends
 * continue right after them. The batches come from one idempotent producer, so the property also
 * covers the producer state rebuilt from snapshots and the log.
 */
class TornTailPropertyTest {

    private static final long PRODUCER_ID = 77L;
    private static final short PRODUCER_EPOCH = 0;

    /** The shape of one appended batch. */
    record BatchSpec(int records, int valueSize) {
    }

    /** One appended batch as stored. */
    record Appended(long firstOffset, long lastOffset, int firstSequence, byte[] bytes) {
    }

    @Provide
    Arbitrary<List<BatchSpec>> appends() {
        Arbitrary<BatchSpec> spec = Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(0, 120))
                .as(BatchSpec::new);
        return spec.list().ofMinSize(0).ofMaxSize(25);
    }

    @Property(tries = 150)
    void anUncleanReopenKeepsExactlyTheBatchesBeforeTheCut(@ForAll("appends") List<BatchSpec> specs,
                                                         @ForAll @IntRange(min = 900, max = 4000) int segmentBytes,
                                                         @ForAll @IntRange(min = 20, max = 600) int indexIntervalBytes,
                                                         @ForAll @DoubleRange(min = 0.0, max = 1.0) double cutAt) throws IOException {
        Path dir = Files.createTempDirectory("torn-tail");
        ManualTime time = new ManualTime();
        LogConfig config = LogConfig.builder().segmentBytes(segmentBytes).segmentIndexBytes(4096)
                .indexIntervalBytes(indexIntervalBytes).fileDeleteDelayMs(0L).build();
        try {
            List<Appended> appended = new ArrayList<>();
            try (LogFlusher flusher = new LogFlusher("property-flusher")) {
                PartitionLog log = TestLogs.open(dir, config, time, flusher);
                int sequence = 0;
                for (BatchSpec spec : specs) {
                    ByteBuffer batch = TestBatches.batch().records(spec.records()).valueSize(spec.valueSize()).seed(appended.size())
                            .producer(PRODUCER_ID, PRODUCER_EPOCH, sequence).build();
                    LogAppendInfo info = log.appendAsLeader(batch, 0);
                    appended.add(new Appended(info.firstOffset(), info.lastOffset(), sequence, TestBatches.bytes(batch)));
                    sequence += spec.records();
                }
                // A crash: nothing is flushed (closing without flush keeps what the page cache has).
                log.closeWithoutFlush();
            }

            Path active = TestLogs.lastLogFile(dir);
            String name = active.getFileName().toString();
            long activeBase = Long.parseLong(name.substring(0, name.length() - LogSegment.LOG_SUFFIX.length()));
            long activeSize = Files.size(active);
            long cut = (long) Math.floor(cutAt * activeSize);
            try (FileChannel channel = FileChannel.open(active, StandardOpenOption.WRITE)) {
                channel.truncate(cut);
            }

            // The batches that survive: all before the active segment, and those of the active
            // segment that end at or before the cut.
            List<Appended> survivors = new ArrayList<>();
            long position = 0;
            for (Appended batch : appended) {
                if (batch.firstOffset() < activeBase) {
                    survivors.add(batch);
                    continue;
                }
                position += batch.bytes().length;
                if (position <= cut) {
                    survivors.add(batch);
                }
            }
            long expectedEnd = survivors.isEmpty() ? 0 : survivors.get(survivors.size() - 1).lastOffset() + 1;

            try (LogFlusher flusher = new LogFlusher("property-flusher-after-crash")) {
                PartitionLog log = TestLogs.openAfterCrash(dir, config, time, flusher);
                try {
                    assertThat(log.logEndOffset()).isEqualTo(expectedEnd);
                    assertThat(log.recoveryPoint()).isEqualTo(expectedEnd);
                    for (Appended batch : survivors) {
                        for (long offset = batch.firstOffset(); offset <= batch.lastOffset(); offset++) {
                            byte[] read = TestBatches.bytes(log.read(offset, batch.bytes().length, FetchIsolation.LOG_END, true).slice());
                            assertThat(read).as("read(%d)", offset).isEqualTo(batch.bytes());
                        }
                    }
                    assertThatThrownBy(() -> log.read(expectedEnd + 1, 1000, FetchIsolation.LOG_END, true))
                            .isInstanceOf(LogOffsetOutOfRangeException.class);
                    assertThat(log.read(expectedEnd, 1000, FetchIsolation.LOG_END, true).slice().isEmpty()).isTrue();

                    // The producer continues from its last surviving batch; a retry of that batch is a duplicate.
                    int nextSequence = 0;
                    if (!survivors.isEmpty()) {
                        Appended last = survivors.get(survivors.size() - 1);
                        nextSequence = last.firstSequence() + (int) (last.lastOffset() - last.firstOffset()) + 1;
                        ByteBuffer retry = ByteBuffer.wrap(last.bytes().clone());
                        LogAppendInfo retried = log.appendAsLeader(retry, 0);
                        assertThat(retried.duplicate()).isTrue();
                        assertThat(retried.firstOffset()).isEqualTo(last.firstOffset());
                    }
                    ByteBuffer next = TestBatches.batch().records(2).producer(PRODUCER_ID, PRODUCER_EPOCH, nextSequence).build();
                    LogAppendInfo info = log.appendAsLeader(next, 0);
                    assertThat(info.duplicate()).isFalse();
                    assertThat(info.firstOffset()).isEqualTo(expectedEnd);
                    assertThat(TestBatches.bytes(log.read(expectedEnd, Integer.MAX_VALUE, FetchIsolation.LOG_END, true).slice()))
                            .isEqualTo(TestBatches.bytes(next));
                    assertThat(BatchHeader.baseOffset(next, 0)).isEqualTo(expectedEnd);
                } finally {
                    log.close();
                }
            }
            TestLogs.checkIndexesMatchLogs(dir);
        } finally {
            TestLogs.deleteRecursively(dir);
        }
    }
}
