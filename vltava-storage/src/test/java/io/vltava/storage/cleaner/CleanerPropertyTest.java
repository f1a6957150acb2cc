package io.vltava.storage.cleaner;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.cleaner.KeyedRecords.Entry;
import io.vltava.storage.log.LogConfig;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.record.internal.CompressionType;

/**
 * Whatever keyed records were written (a few keys, values and tombstones, several segments, any codec),
 * and however small the offset map, cleaning until the dirty section is used up leaves, for every key,
 * its latest record (or nothing, if that was a tombstone and its delete horizon passed), every kept
 * record at its own offset, the active segment and the log end as they were, and each key at most once
 * before the active segment; a reopened log reads the same.
 */
class CleanerPropertyTest {

    /** One record to write: key index and value (null for a tombstone). */
    record Put(int key, String value) {
    }

    /** One batch to write. */
    record BatchSpec(CompressionType codec, List<Put> puts) {
    }

    @Provide
    Arbitrary<List<BatchSpec>> workloads() {
        Arbitrary<String> values = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(30).injectNull(0.2);
        Arbitrary<Put> put = Combinators.combine(Arbitraries.integers().between(0, 5), values).as(Put::new);
        Arbitrary<CompressionType> codec = Arbitraries.of(CompressionType.NONE, CompressionType.NONE, CompressionType.GZIP,
                CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD);
        Arbitrary<BatchSpec> batch = Combinators.combine(codec, put.list().ofMinSize(1).ofMaxSize(4)).as(BatchSpec::new);
        return batch.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 80)
    void cleaningKeepsTheLatestRecordOfEveryKey(@ForAll("workloads") List<BatchSpec> workload,
                                               @ForAll @IntRange(min = 250, max = 1500) int segmentBytes,
                                               @ForAll @IntRange(min = 3, max = 60) int mapEntries,
                                               @ForAll @IntRange(min = 0, max = 2) int daysBetweenCleanings,
                                               @ForAll boolean expireTombstones) throws IOException {
        Path dir = Files.createTempDirectory("cleaner-property");
        ManualTime time = new ManualTime();
        LogConfig config = CompactedLog.config(segmentBytes);
        try (CompactedLog c = new CompactedLog(dir, config, time)) {
            for (BatchSpec spec : workload) {
                String[] keysAndValues = new String[spec.puts().size() * 2];
                for (int i = 0; i < spec.puts().size(); i++) {
                    keysAndValues[2 * i] = "k" + spec.puts().get(i).key();
                    keysAndValues[2 * i + 1] = spec.puts().get(i).value();
                }
                c.append(KeyedRecords.batch(spec.codec(), time.milliseconds(), keysAndValues));
                time.advanceMillis(1);
            }
            c.rollWith("roll");
            c.commit();
            List<Entry> before = c.entries();
            Map<Long, Long> timestamps = KeyedRecords.timestamps(c.log);
            long logEnd = c.log.logEndOffset();
            long activeBase = c.activeBase();
            Cleaner cleaner = c.cleaner(mapEntries * OffsetMap.BYTES_PER_ENTRY);

            long firstDirty = c.clean(cleaner, null);
            for (int round = 0; firstDirty < activeBase; round++) {
                assertThat(round).as("cleanings").isLessThan(200);
                time.advanceMillis(daysBetweenCleanings * CompactedLog.DAY);
                firstDirty = c.clean(cleaner, firstDirty);
            }
            if (expireTombstones) {
                time.advanceMillis(CompactedLog.DAY);
                c.clean(cleaner, firstDirty);
            }
            List<Entry> after = c.entries();

            check(before, after, activeBase);
            assertThat(timestamps).containsAllEntriesOf(KeyedRecords.timestamps(c.log));
            if (expireTombstones) {
                assertThat(after).filteredOn(e -> e.offset() < activeBase && e.value() == null).isEmpty();
            }
            assertThat(c.log.logEndOffset()).isEqualTo(logEnd);
            assertThat(c.activeBase()).isEqualTo(activeBase);

            c.reopen();
            assertThat(c.entries()).isEqualTo(after);
            assertThat(c.log.logEndOffset()).isEqualTo(logEnd);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void check(List<Entry> before, List<Entry> after, long activeBase) {
        Map<Long, Entry> written = new LinkedHashMap<>();
        Map<String, Entry> latestWritten = new LinkedHashMap<>();
        for (Entry entry : before) {
            written.put(entry.offset(), entry);
            latestWritten.put(entry.key(), entry);
        }
        long previous = -1;
        Map<String, Entry> latestKept = new LinkedHashMap<>();
        Map<String, Integer> keptBeforeActive = new LinkedHashMap<>();
        for (Entry entry : after) {
            assertThat(entry.offset()).isGreaterThan(previous);
            assertThat(entry).isEqualTo(written.get(entry.offset()));
            previous = entry.offset();
            latestKept.put(entry.key(), entry);
            if (entry.offset() < activeBase) {
                keptBeforeActive.merge(entry.key(), 1, Integer::sum);
            }
        }
        assertThat(keptBeforeActive.values()).allMatch(count -> count == 1);
        for (Entry latest : latestWritten.values()) {
            Entry kept = latestKept.get(latest.key());
            if (latest.value() != null || kept != null) {
                assertThat(kept).as("latest of %s", latest.key()).isEqualTo(latest);
            }
        }
        assertThat(after.stream().filter(e -> e.offset() >= activeBase).toList())
                .isEqualTo(before.stream().filter(e -> e.offset() >= activeBase).toList());
    }

    private static void deleteRecursively(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
