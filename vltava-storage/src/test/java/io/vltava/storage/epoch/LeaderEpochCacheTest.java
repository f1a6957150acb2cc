package io.vltava.storage.epoch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.storage.epoch.LeaderEpochCache.EpochEndOffset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderEpochCacheTest {

    @TempDir
    Path dir;

    /** The cache {0: 0, 2: 100, 5: 250}, flushed. */
    private LeaderEpochCache sample() {
        LeaderEpochCache cache = LeaderEpochCache.load(dir);
        cache.assign(0, 0);
        cache.assign(2, 100);
        cache.assign(5, 250);
        cache.flush();
        return cache;
    }

    private String fileText() throws IOException {
        return Files.readString(dir.resolve(LeaderEpochCache.FILE_NAME));
    }

    @Test
    void endOffsetForAnswersWhereEachEpochEnded() {
        LeaderEpochCache cache = sample();

        assertThat(cache.endOffsetFor(5, 300)).isEqualTo(new EpochEndOffset(5, 300));
        assertThat(cache.endOffsetFor(3, 300)).isEqualTo(new EpochEndOffset(2, 250));
        assertThat(cache.endOffsetFor(2, 300)).isEqualTo(new EpochEndOffset(2, 250));
        assertThat(cache.endOffsetFor(1, 300)).isEqualTo(new EpochEndOffset(0, 100));
        assertThat(cache.endOffsetFor(0, 300)).isEqualTo(new EpochEndOffset(0, 100));
        assertThat(cache.endOffsetFor(7, 300)).isEqualTo(new EpochEndOffset(-1, -1));
        assertThat(cache.endOffsetFor(LeaderEpochCache.UNDEFINED_EPOCH, 300)).isEqualTo(EpochEndOffset.UNDEFINED);
    }

    @Test
    void anEpochBelowTheFirstEndsWhereTheFirstStarts() {
        LeaderEpochCache cache = LeaderEpochCache.load(dir);
        cache.assign(3, 40);
        cache.assign(4, 90);

        assertThat(cache.endOffsetFor(1, 120)).isEqualTo(new EpochEndOffset(1, 40));
    }

    @Test
    void anEmptyCacheKnowsNothing() {
        LeaderEpochCache cache = LeaderEpochCache.load(dir);

        assertThat(cache.latestEpoch()).isEqualTo(LeaderEpochCache.UNDEFINED_EPOCH);
        assertThat(cache.endOffsetFor(0, 10)).isEqualTo(EpochEndOffset.UNDEFINED);
        assertThat(dir.resolve(LeaderEpochCache.FILE_NAME)).doesNotExist();
    }

    @Test
    void assignRecordsOnlyNews() throws IOException {
        LeaderEpochCache cache = sample();

        cache.assign(5, 260);
        cache.assign(-1, 300);
        cache.assign(6, -1);

        assertThat(cache.latestEpoch()).isEqualTo(5);
        assertThat(cache.endOffsetFor(2, 400)).isEqualTo(new EpochEndOffset(2, 250));
        assertThat(fileText()).isEqualTo("0\n3\n0 0\n2 100\n5 250\n");
    }

    @Test
    void anAssignmentIsWrittenByTheNextFlushOnly() throws IOException {
        LeaderEpochCache cache = LeaderEpochCache.empty(dir);

        cache.assign(0, 0);
        assertThat(dir.resolve(LeaderEpochCache.FILE_NAME)).as("not written by the assignment").doesNotExist();
        cache.flush();
        assertThat(fileText()).isEqualTo("0\n1\n0 0\n");

        cache.assign(3, 40);
        assertThat(fileText()).isEqualTo("0\n1\n0 0\n");
        cache.flush();
        assertThat(fileText()).isEqualTo("0\n2\n0 0\n3 40\n");
        assertThat(LeaderEpochCache.load(dir).latestEpoch()).isEqualTo(3);
    }

    @Test
    void aTruncationWritesTheAssignmentsBeforeIt() throws IOException {
        LeaderEpochCache cache = sample();
        cache.assign(7, 300);

        cache.truncateFromStart(120);

        assertThat(fileText()).isEqualTo("0\n3\n2 120\n5 250\n7 300\n");
    }

    @Test
    void theLatestEpochMovingEarlierReplacesItsStart() {
        LeaderEpochCache cache = sample();

        cache.assign(5, 200);

        assertThat(cache.endOffsetFor(2, 300)).isEqualTo(new EpochEndOffset(2, 200));
        assertThat(cache.endOffsetFor(5, 300)).isEqualTo(new EpochEndOffset(5, 300));
    }

    @Test
    void assigningAnOlderEpochDropsTheEntriesItContradicts() {
        LeaderEpochCache cache = sample();

        cache.assign(3, 120);

        assertThat(cache.latestEpoch()).isEqualTo(3);
        assertThat(cache.endOffsetFor(2, 300)).isEqualTo(new EpochEndOffset(2, 120));
        assertThat(cache.endOffsetFor(5, 300)).isEqualTo(EpochEndOffset.UNDEFINED);
    }

    @Test
    void assigningALaterEpochAtAnEarlierOffsetDropsTheLaterEntries() {
        LeaderEpochCache cache = sample();

        cache.assign(6, 90);

        assertThat(cache.latestEpoch()).isEqualTo(6);
        assertThat(cache.endOffsetFor(0, 300)).isEqualTo(new EpochEndOffset(0, 90));
        assertThat(cache.endOffsetFor(2, 300)).isEqualTo(new EpochEndOffset(0, 90));
    }

    @Test
    void theCacheIsPersistedAndLoaded() throws IOException {
        sample();

        assertThat(fileText()).isEqualTo("0\n3\n0 0\n2 100\n5 250\n");
        assertThat(dir.resolve(LeaderEpochCache.FILE_NAME + ".tmp")).doesNotExist();

        LeaderEpochCache loaded = LeaderEpochCache.load(dir);
        assertThat(loaded.latestEpoch()).isEqualTo(5);
        assertThat(loaded.endOffsetFor(3, 300)).isEqualTo(new EpochEndOffset(2, 250));
        assertThat(loaded.endOffsetFor(1, 300)).isEqualTo(new EpochEndOffset(0, 100));
    }

    @Test
    void truncateFromEndForgetsEpochsStartingAtOrAfterTheOffset() throws IOException {
        LeaderEpochCache cache = sample();

        cache.truncateFromEnd(251);
        assertThat(cache.latestEpoch()).isEqualTo(5);

        cache.truncateFromEnd(250);
        assertThat(cache.latestEpoch()).isEqualTo(2);
        assertThat(cache.endOffsetFor(2, 240)).isEqualTo(new EpochEndOffset(2, 240));
        assertThat(fileText()).isEqualTo("0\n2\n0 0\n2 100\n");

        cache.truncateFromEnd(50);
        assertThat(cache.latestEpoch()).isZero();
        assertThat(LeaderEpochCache.load(dir).latestEpoch()).isZero();

        cache.truncateFromEnd(0);
        assertThat(cache.latestEpoch()).isEqualTo(LeaderEpochCache.UNDEFINED_EPOCH);
        assertThat(fileText()).isEqualTo("0\n0\n");
    }

    @Test
    void truncateFromStartMovesTheEpochHoldingTheNewLogStart() throws IOException {
        LeaderEpochCache cache = sample();

        cache.truncateFromStart(0);
        assertThat(fileText()).isEqualTo("0\n3\n0 0\n2 100\n5 250\n");

        cache.truncateFromStart(120);
        assertThat(fileText()).isEqualTo("0\n2\n2 120\n5 250\n");
        assertThat(cache.epochFor(120)).isEqualTo(2);
        assertThat(cache.epochFor(119)).isEqualTo(LeaderEpochCache.UNDEFINED_EPOCH);

        cache.truncateFromStart(300);
        assertThat(LeaderEpochCache.load(dir).epochFor(300)).isEqualTo(5);
        assertThat(fileText()).isEqualTo("0\n1\n5 300\n");
    }

    @Test
    void epochForFindsTheEpochThatWroteAnOffset() {
        LeaderEpochCache cache = sample();

        assertThat(cache.epochFor(0)).isZero();
        assertThat(cache.epochFor(99)).isZero();
        assertThat(cache.epochFor(100)).isEqualTo(2);
        assertThat(cache.epochFor(249)).isEqualTo(2);
        assertThat(cache.epochFor(250)).isEqualTo(5);
        assertThat(cache.epochFor(10_000)).isEqualTo(5);
        assertThat(LeaderEpochCache.load(dir.resolve("elsewhere")).epochFor(0)).isEqualTo(LeaderEpochCache.UNDEFINED_EPOCH);

        LeaderEpochCache late = LeaderEpochCache.load(dir);
        late.truncateFromEnd(0);
        late.assign(3, 10);
        assertThat(late.epochFor(9)).isEqualTo(LeaderEpochCache.UNDEFINED_EPOCH);
    }

    @Test
    void anUnreadableFileLoadsEmpty() throws IOException {
        Files.writeString(dir.resolve(LeaderEpochCache.FILE_NAME), "0\n2\n0 0\nthis is not an entry\n");

        assertThat(LeaderEpochCache.load(dir).latestEpoch()).isEqualTo(LeaderEpochCache.UNDEFINED_EPOCH);

        Files.writeString(dir.resolve(LeaderEpochCache.FILE_NAME), "7\n0\n");
        assertThat(LeaderEpochCache.load(dir).latestEpoch()).isEqualTo(LeaderEpochCache.UNDEFINED_EPOCH);
    }
}
