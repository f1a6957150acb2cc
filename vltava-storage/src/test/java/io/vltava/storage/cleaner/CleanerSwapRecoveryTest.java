package io.vltava.storage.cleaner;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.cleaner.KeyedRecords.Entry;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.LogFlusher;
import io.vltava.storage.log.LogSegment;
import io.vltava.storage.log.PartitionLog;
import io.vltava.storage.log.TestLogs;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A crash at any step of a cleaning's swap leaves files that the next load turns into a consistent log:
 * before the cleaned segment is complete, the old segments; from its rename to {@code .swap} on, the
 * cleaned one; never both, never neither. Each state is built from the files of a real cleaning: the
 * replaced segments (taken before it) and the cleaned segment (taken after it), named as the swap names
 * them at that step.
 */
class CleanerSwapRecoveryTest {

    /** Where the swap stood when the broker crashed. */
    enum Step {
        /** The cleaned segment was still being written. */
        WRITING_CLEANED(false),
        /** The cleaned segment's log file was renamed to .swap, its index not yet. */
        SWAP_LOG_RENAMED(true),
        /** The cleaned segment was renamed to .swap; the replaced segments were still in place. */
        SWAP_RENAMED(true),
        /** The first replaced segment was renamed to .deleted, the others not yet. */
        SOME_OLD_DELETED(true),
        /** Every replaced segment was renamed to .deleted. */
        ALL_OLD_DELETED(true),
        /** The replaced segments' files were already removed. */
        OLD_REMOVED(true),
        /** The swap's log file took its final name, its index not yet. */
        FINAL_LOG_RENAMED(true);

        final boolean cleanedWins;

        Step(boolean cleanedWins) {
            this.cleanedWins = cleanedWins;
        }
    }

    /**
     * The files of a log before and after the swap of one cleaned group.
     *
     * @param replacedBases base offsets of the segments the group replaced; the first is the cleaned segment's
     */
    record Swap(Path before, Path after, List<Entry> beforeEntries, List<Entry> afterEntries, List<Long> replacedBases, long logEnd) {

        long cleanedBase() {
            return replacedBases.get(0);
        }
    }

    private static final LogConfig CONFIG = CompactedLog.config(400);

    @TempDir
    Path root;

    private final ManualTime time = new ManualTime();

    @ParameterizedTest
    @EnumSource(Step.class)
    void aCleanShutdownCompletesOrUndoesTheSwap(Step step) throws IOException {
        Swap swap = mergeEverythingIntoOneSegment();
        checkLoads(build(swap, step), swap, step, true);
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void aCrashCompletesOrUndoesTheSwap(Step step) throws IOException {
        Swap swap = mergeEverythingIntoOneSegment();
        checkLoads(build(swap, step), swap, step, false);
    }

    @Test
    void aSwapWhoseIndexIsMissingGetsItsIndexRebuilt() throws IOException {
        Swap swap = mergeEverythingIntoOneSegment();
        Path dir = build(swap, Step.SWAP_RENAMED);
        Files.delete(dir.resolve(LogSegment.fileName(swap.cleanedBase(), LogSegment.INDEX_SUFFIX + LogSegment.SWAP_SUFFIX)));
        checkLoads(dir, swap, Step.SWAP_RENAMED, true);
    }

    @ParameterizedTest
    @EnumSource(value = Step.class, names = {"SWAP_RENAMED", "SOME_OLD_DELETED"})
    void aSwapReplacesItsWholeGroupEvenWhenTheGroupsLastSegmentLostAllItsRecords(Step step) throws IOException {
        Swap swap = cleanOnlyTheFirstGroupOfTwoSupersededSegments();
        checkLoads(build(swap, step), swap, step, false);
    }

    /** Cleans a log whose inactive segments all fit one group, so one swap replaces them all. */
    private Swap mergeEverythingIntoOneSegment() throws IOException {
        Path work = root.resolve("work");
        try (CompactedLog c = new CompactedLog(work, CONFIG, time)) {
            for (int round = 0; round < 8; round++) {
                for (int key = 0; key < 3; key++) {
                    c.put("k" + key, key == 1 && round == 7 ? null : "v" + round);
                }
            }
            c.rollWith("z");
            c.commit();
            List<Entry> beforeEntries = c.entries();
            List<LogSegment> segments = c.log.logSegments();
            List<Long> replaced = segments.subList(0, segments.size() - 1).stream().map(LogSegment::baseOffset).toList();
            c.log.close();
            Path before = copy(work, root.resolve("before"));

            c.reopen();
            c.commit();
            c.log.updateConfig(CONFIG.withSegmentBytes(64 * 1024));
            c.clean(c.cleaner(64 * 1024), null);
            assertThat(c.log.segmentCount()).as("one group: the cleaned segment and the active one").isEqualTo(2);
            List<Entry> afterEntries = c.entries();
            c.log.close();
            assertThat(afterEntries).isNotEqualTo(beforeEntries);
            assertThat(replaced.size()).isGreaterThan(2);
            return new Swap(before, copy(work, root.resolve("after")), beforeEntries, afterEntries, replaced, c.log.logEndOffset());
        }
    }

    /**
     * Cleans the first group only, of two segments whose records later ones all supersede: without care,
     * the cleaned segment would be empty and a restart could not tell that it replaces the second one.
     */
    private Swap cleanOnlyTheFirstGroupOfTwoSupersededSegments() throws IOException {
        Path work = root.resolve("work");
        try (CompactedLog c = new CompactedLog(work, CONFIG, time)) {
            for (int round = 0; round < 12; round++) {
                c.put("a", "v" + round);
                c.put("b", "v" + round);
            }
            c.rollWith("z");
            c.commit();
            List<Entry> beforeEntries = c.entries();
            List<LogSegment> segments = c.log.logSegments();
            List<Long> replaced = List.of(segments.get(0).baseOffset(), segments.get(1).baseOffset());
            assertThat(segments.get(0).size() + segments.get(1).size()).isLessThanOrEqualTo(800);
            assertThat(segments.get(0).size() + segments.get(1).size() + segments.get(2).size()).isGreaterThan(800);
            c.log.close();
            Path before = copy(work, root.resolve("before"));

            c.reopen();
            c.commit();
            c.log.updateConfig(CONFIG.withSegmentBytes(800));
            LogSegment firstBefore = c.log.logSegments().get(0);
            PartitionLog cleaning = c.log;
            Cleaner stopsAfterTheFirstSwap = new Cleaner(new OffsetMap(64 * 1024), 4096,
                    new Throttler(Double.MAX_VALUE, 300, time, millis -> { }), time, tp -> {
                        if (cleaning.logSegments().get(0) != firstBefore) {
                            throw new LogCleaningAbortedException("stop after the first group");
                        }
                    });
            try {
                c.clean(stopsAfterTheFirstSwap, null);
            } catch (LogCleaningAbortedException expected) {
                // The first group was swapped in; the others were not cleaned.
            }
            assertThat(c.log.logSegments()).extracting(LogSegment::baseOffset).doesNotContain(replaced.get(1));
            List<Entry> afterEntries = c.entries();
            c.log.close();
            assertThat(afterEntries).isNotEqualTo(beforeEntries);
            return new Swap(before, copy(work, root.resolve("after")), beforeEntries, afterEntries, replaced, c.log.logEndOffset());
        }
    }

    private void checkLoads(Path dir, Swap swap, Step step, boolean cleanShutdown) throws IOException {
        List<Entry> expected = step.cleanedWins ? swap.afterEntries() : swap.beforeEntries();
        List<Path> expectedSegments = names(TestLogs.files(step.cleanedWins ? swap.after() : swap.before(), LogSegment.LOG_SUFFIX));
        try (LogFlusher flusher = new LogFlusher("swap-test-flusher")) {
            PartitionLog log = cleanShutdown ? TestLogs.open(dir, CONFIG, time, flusher) : TestLogs.openAfterCrash(dir, CONFIG, time, flusher);
            assertThat(names(TestLogs.files(dir, LogSegment.LOG_SUFFIX))).isEqualTo(expectedSegments);
            assertThat(KeyedRecords.entries(log)).isEqualTo(expected);
            assertThat(log.logEndOffset()).isEqualTo(swap.logEnd());
            log.close();
            for (String suffix : List.of(LogSegment.SWAP_SUFFIX, LogSegment.CLEANED_SUFFIX, LogSegment.DELETED_SUFFIX)) {
                assertThat(TestLogs.files(dir, suffix)).as(suffix + " files").isEmpty();
            }
            TestLogs.checkIndexesMatchLogs(dir);
            PartitionLog reopened = TestLogs.open(dir, CONFIG, time, flusher);
            assertThat(KeyedRecords.entries(reopened)).isEqualTo(expected);
            reopened.close();
        }
    }

    /** A log directory as the crash at {@code step} of {@code swap} left it. */
    private Path build(Swap swap, Step step) throws IOException {
        Path dir = root.resolve("crashed-" + step);
        Files.createDirectories(dir);
        String cleanedLog = LogSegment.fileName(swap.cleanedBase(), LogSegment.LOG_SUFFIX);
        String cleanedIndex = LogSegment.fileName(swap.cleanedBase(), LogSegment.INDEX_SUFFIX);
        for (Path file : list(swap.after())) {
            String name = file.getFileName().toString();
            if (!name.equals(cleanedLog) && !name.equals(cleanedIndex)) {
                Files.copy(file, dir.resolve(name));
            }
        }
        for (Path file : list(swap.before())) {
            String name = file.getFileName().toString();
            boolean segmentFile = name.endsWith(LogSegment.LOG_SUFFIX) || name.endsWith(LogSegment.INDEX_SUFFIX);
            if (!segmentFile || !swap.replacedBases().contains(Long.parseLong(name.substring(0, 20)))) {
                continue;
            }
            boolean first = Long.parseLong(name.substring(0, 20)) == swap.cleanedBase();
            switch (step) {
                case OLD_REMOVED, FINAL_LOG_RENAMED -> { }
                case ALL_OLD_DELETED -> Files.copy(file, dir.resolve(name + LogSegment.DELETED_SUFFIX));
                case SOME_OLD_DELETED -> Files.copy(file, dir.resolve(first ? name + LogSegment.DELETED_SUFFIX : name));
                default -> Files.copy(file, dir.resolve(name));
            }
        }
        Path newLog = swap.after().resolve(cleanedLog);
        Path newIndex = swap.after().resolve(cleanedIndex);
        switch (step) {
            case WRITING_CLEANED -> {
                Files.copy(newLog, dir.resolve(cleanedLog + LogSegment.CLEANED_SUFFIX));
                Files.copy(newIndex, dir.resolve(cleanedIndex + LogSegment.CLEANED_SUFFIX));
            }
            case SWAP_LOG_RENAMED -> {
                Files.copy(newLog, dir.resolve(cleanedLog + LogSegment.SWAP_SUFFIX));
                Files.copy(newIndex, dir.resolve(cleanedIndex + LogSegment.CLEANED_SUFFIX));
            }
            case FINAL_LOG_RENAMED -> {
                Files.copy(newLog, dir.resolve(cleanedLog));
                Files.copy(newIndex, dir.resolve(cleanedIndex + LogSegment.SWAP_SUFFIX));
            }
            default -> {
                Files.copy(newLog, dir.resolve(cleanedLog + LogSegment.SWAP_SUFFIX));
                Files.copy(newIndex, dir.resolve(cleanedIndex + LogSegment.SWAP_SUFFIX));
            }
        }
        return dir;
    }

    private static List<Path> names(List<Path> files) {
        return files.stream().map(Path::getFileName).toList();
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (Path file : list(from)) {
            Files.copy(file, to.resolve(file.getFileName()));
        }
        return to;
    }

    private static List<Path> list(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isRegularFile)) {
            entries.forEach(files::add);
        }
        return files;
    }
}
