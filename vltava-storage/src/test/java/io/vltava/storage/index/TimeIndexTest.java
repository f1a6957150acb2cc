package io.vltava.storage.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.storage.record.BatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeIndexTest {

    private static final long BASE = 1000L;
    /** Ten entries. */
    private static final int MAX_BYTES = 10 * TimeIndex.ENTRY_SIZE + 5;

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("00000000000000001000.timeindex");
    }

    private TimeIndex newIndex() {
        return new TimeIndex(file(), BASE, MAX_BYTES);
    }

    private static TimeIndex withEntries(TimeIndex index, long... timestampsAndOffsets) {
        for (int i = 0; i < timestampsAndOffsets.length; i += 2) {
            index.maybeAppend(timestampsAndOffsets[i], timestampsAndOffsets[i + 1]);
        }
        return index;
    }

    private static TimestampOffset none() {
        return new TimestampOffset(BatchHeader.NO_TIMESTAMP, BASE);
    }

    @Test
    void anEmptyIndexPointsAtTheStartOfTheSegment() {
        TimeIndex index = newIndex();

        assertThat(index.entries()).isZero();
        assertThat(index.isFull()).isFalse();
        assertThat(index.lastEntry()).isEqualTo(none());
        assertThat(index.lookup(0L)).isEqualTo(none());
        assertThat(index.lookup(Long.MAX_VALUE)).isEqualTo(none());
    }

    @Test
    void aNewIndexIsPreallocatedToWholeEntriesOfItsMaximumSizeOnFirstUse() throws IOException {
        TimeIndex index = newIndex();
        assertThat(index.file()).doesNotExist();

        index.maybeAppend(100L, BASE + 1);

        assertThat(Files.size(index.file())).isEqualTo(10L * TimeIndex.ENTRY_SIZE);
        assertThat(index.maxEntries()).isEqualTo(10);
        assertThat(index.createdEmpty()).isTrue();
    }

    @Test
    void lookupFindsTheEntryWithTheLargestTimestampAtMostTheTarget() {
        TimeIndex index = withEntries(newIndex(), 100L, BASE + 3, 200L, BASE + 9, 300L, BASE + 9, 450L, BASE + 20);

        assertThat(index.entries()).isEqualTo(4);
        assertThat(index.lookup(99L)).isEqualTo(none());
        assertThat(index.lookup(100L)).isEqualTo(new TimestampOffset(100L, BASE + 3));
        assertThat(index.lookup(199L)).isEqualTo(new TimestampOffset(100L, BASE + 3));
        assertThat(index.lookup(200L)).isEqualTo(new TimestampOffset(200L, BASE + 9));
        assertThat(index.lookup(300L)).isEqualTo(new TimestampOffset(300L, BASE + 9));
        assertThat(index.lookup(449L)).isEqualTo(new TimestampOffset(300L, BASE + 9));
        assertThat(index.lookup(Long.MAX_VALUE)).isEqualTo(new TimestampOffset(450L, BASE + 20));
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(450L, BASE + 20));
        assertThat(index.entry(1)).isEqualTo(new TimestampOffset(200L, BASE + 9));
    }

    @Test
    void lookupAgreesWithALinearSearchOverManyEntries() {
        TimeIndex index = new TimeIndex(file(), BASE, 4096);
        Random random = new Random(11);
        List<TimestampOffset> entries = new ArrayList<>();
        long timestamp = 0;
        long offset = BASE;
        while (!index.isFull()) {
            timestamp += 1 + random.nextInt(30);
            offset += random.nextInt(5);
            index.maybeAppend(timestamp, offset);
            entries.add(new TimestampOffset(timestamp, offset));
        }

        for (long target = -2; target <= timestamp + 2; target++) {
            TimestampOffset expected = none();
            for (TimestampOffset entry : entries) {
                if (entry.timestamp() <= target) {
                    expected = entry;
                }
            }
            assertThat(index.lookup(target)).as("lookup(%d)", target).isEqualTo(expected);
        }
    }

    @Test
    void onlyALargerTimestampAddsAnEntry() {
        TimeIndex index = withEntries(newIndex(), 100L, BASE + 1);

        index.maybeAppend(100L, BASE + 5);
        assertThat(index.entries()).isEqualTo(1);
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(100L, BASE + 1));

        index.maybeAppend(101L, BASE + 5);
        assertThat(index.entries()).isEqualTo(2);
    }

    @Test
    void anEmptyIndexTakesNoEntryWithoutATimestamp() {
        TimeIndex index = newIndex();

        index.maybeAppend(BatchHeader.NO_TIMESTAMP, BASE + 1);
        index.maybeAppendFinal(BatchHeader.NO_TIMESTAMP, BASE + 1);

        assertThat(index.entries()).isZero();
    }

    @Test
    void refusesEntriesThatGoBack() {
        TimeIndex index = withEntries(newIndex(), 100L, BASE + 10);

        assertThatThrownBy(() -> index.maybeAppend(99L, BASE + 11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.maybeAppend(101L, BASE + 9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.maybeAppend(101L, BASE - 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.maybeAppend(101L, BASE + Integer.MAX_VALUE + 1L)).isInstanceOf(IllegalArgumentException.class);
        assertThat(index.entries()).isEqualTo(1);
    }

    @Test
    void theLastSlotIsKeptForTheEntryAppendedOnRollOrClose() {
        TimeIndex index = newIndex();
        for (int i = 0; i < 9; i++) {
            index.maybeAppend(100L + i, BASE + i);
        }

        assertThat(index.isFull()).isTrue();
        assertThatThrownBy(() -> index.maybeAppend(500L, BASE + 20)).isInstanceOf(IllegalStateException.class).hasMessageContaining("full");

        index.maybeAppendFinal(500L, BASE + 20);
        assertThat(index.entries()).isEqualTo(10);
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(500L, BASE + 20));

        index.maybeAppendFinal(600L, BASE + 30);
        assertThat(index.entries()).as("no room left").isEqualTo(10);
    }

    @Test
    void trimToEntriesShrinksTheFileAndKeepsTheEntries() throws IOException {
        TimeIndex index = withEntries(newIndex(), 100L, BASE + 1, 200L, BASE + 2);

        index.trimToEntries();

        assertThat(Files.size(index.file())).isEqualTo(2L * TimeIndex.ENTRY_SIZE);
        assertThat(index.isFull()).isTrue();
        assertThat(index.lookup(150L)).isEqualTo(new TimestampOffset(100L, BASE + 1));
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(200L, BASE + 2));
        index.maybeAppendFinal(300L, BASE + 3);
        assertThat(index.entries()).as("a trimmed index takes no final entry").isEqualTo(2);
    }

    @Test
    void closeTrimsTheFileAndReopeningKeepsTheEntriesWithoutMappingThem() throws IOException {
        TimeIndex index = withEntries(newIndex(), 100L, BASE + 1, 200L, BASE + 2, 300L, BASE + 7);
        index.flush();
        index.close();
        assertThat(Files.size(file())).isEqualTo(3L * TimeIndex.ENTRY_SIZE);

        TimeIndex reopened = newIndex();

        assertThat(reopened.createdEmpty()).isFalse();
        assertThat(reopened.fileHeldWholeEntries()).isTrue();
        assertThat(reopened.entries()).isEqualTo(3);
        assertThat(reopened.lastEntry()).isEqualTo(new TimestampOffset(300L, BASE + 7));
        assertThat(reopened.entry(0)).isEqualTo(new TimestampOffset(100L, BASE + 1));
        assertThat(reopened.isMapped()).as("reading single entries does not map the file").isFalse();

        assertThat(reopened.lookup(250L)).isEqualTo(new TimestampOffset(200L, BASE + 2));
        assertThat(reopened.isMapped()).isTrue();
        assertThat(Files.size(file())).as("room for appends again").isEqualTo(10L * TimeIndex.ENTRY_SIZE);
        reopened.maybeAppend(400L, BASE + 9);
        assertThat(reopened.lastEntry()).isEqualTo(new TimestampOffset(400L, BASE + 9));
    }

    @Test
    void entriesAreStoredAsTimestampAndRelativeOffsetBigEndian() throws IOException {
        TimeIndex index = withEntries(newIndex(), 1_600_000_000_123L, BASE + 7);
        index.close();

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file()));
        assertThat(bytes.remaining()).isEqualTo(TimeIndex.ENTRY_SIZE);
        assertThat(bytes.getLong(0)).isEqualTo(1_600_000_000_123L);
        assertThat(bytes.getInt(8)).isEqualTo(7);
    }

    @Test
    void aFileWithAPartialEntryDoesNotHoldWholeEntries() throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(TimeIndex.ENTRY_SIZE + 5);
        bytes.putLong(100L).putInt(3);
        Files.write(file(), bytes.array());

        TimeIndex index = newIndex();

        assertThat(index.fileHeldWholeEntries()).isFalse();
        assertThat(index.entries()).isEqualTo(1);
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(100L, BASE + 3));
    }

    @Test
    void clearRemovesEveryEntryAndMakesRoomAgain() {
        TimeIndex index = withEntries(newIndex(), 100L, BASE + 1, 200L, BASE + 2);
        index.trimToEntries();

        index.clear();

        assertThat(index.entries()).isZero();
        assertThat(index.maxEntries()).isEqualTo(10);
        assertThat(index.lookup(150L)).isEqualTo(none());
        index.maybeAppend(50L, BASE);
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(50L, BASE));
    }

    @Test
    void anIdleIndexGivesBackItsMappingAndMapsAgainOnUse() {
        TimeIndex index = withEntries(newIndex(), 100L, BASE + 1, 200L, BASE + 2);
        index.trimToEntries();
        index.flush();

        assertThat(index.releaseIfIdle(1_000L, 500L)).as("used since the last look").isFalse();
        assertThat(index.releaseIfIdle(1_499L, 500L)).isFalse();
        assertThat(index.releaseIfIdle(1_500L, 500L)).isTrue();
        assertThat(index.isMapped()).isFalse();
        assertThat(index.releaseIfIdle(9_000L, 500L)).isFalse();

        assertThat(index.lookup(150L)).isEqualTo(new TimestampOffset(100L, BASE + 1));
        assertThat(index.isMapped()).isTrue();
    }

    @Test
    void anIndexWithUnflushedEntriesKeepsItsMapping() {
        TimeIndex index = withEntries(newIndex(), 100L, BASE + 1);

        index.releaseIfIdle(0L, 10L);
        assertThat(index.releaseIfIdle(100L, 10L)).isFalse();

        index.flush();
        assertThat(index.releaseIfIdle(200L, 10L)).isTrue();
    }
}
