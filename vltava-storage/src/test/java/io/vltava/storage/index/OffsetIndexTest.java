package io.vltava.storage.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.storage.index.OffsetIndex.OffsetPosition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetIndexTest {

    private static final long BASE = 1000L;
    private static final int MAX_BYTES = 1024;

    @TempDir
    Path dir;

    private OffsetIndex newIndex() {
        return new OffsetIndex(dir.resolve("00000000000000001000.index"), BASE, MAX_BYTES);
    }

    private static OffsetIndex withEntries(OffsetIndex index, long... offsetsAndPositions) {
        for (int i = 0; i < offsetsAndPositions.length; i += 2) {
            index.append(offsetsAndPositions[i], (int) offsetsAndPositions[i + 1]);
        }
        return index;
    }

    @Test
    void anEmptyIndexPointsAtTheStartOfTheSegment() {
        OffsetIndex index = newIndex();

        assertThat(index.entries()).isZero();
        assertThat(index.isFull()).isFalse();
        assertThat(index.lastOffset()).isEqualTo(BASE);
        assertThat(index.lookup(BASE)).isEqualTo(new OffsetPosition(BASE, 0));
        assertThat(index.lookup(BASE + 500)).isEqualTo(new OffsetPosition(BASE, 0));
        assertThat(index.lookup(Long.MAX_VALUE)).isEqualTo(new OffsetPosition(BASE, 0));
    }

    @Test
    void aNewIndexFileIsCreatedOnFirstUsePreallocatedToItsMaximumSize() throws IOException {
        OffsetIndex index = newIndex();
        assertThat(index.file()).as("nothing on disk before an entry").doesNotExist();
        assertThat(index.lookup(BASE + 5)).isEqualTo(new OffsetPosition(BASE, 0));
        assertThat(index.file()).doesNotExist();

        index.append(BASE + 1, 10);

        assertThat(Files.size(index.file())).isEqualTo(MAX_BYTES);
        assertThat(index.baseOffset()).isEqualTo(BASE);
    }

    @Test
    void lookupFindsTheLargestEntryAtMostTheTarget() {
        OffsetIndex index = withEntries(newIndex(), BASE + 10, 100, BASE + 20, 200, BASE + 30, 300);

        assertThat(index.entries()).isEqualTo(3);
        assertThat(index.lastOffset()).isEqualTo(BASE + 30);
        assertThat(index.lookup(BASE - 5)).isEqualTo(new OffsetPosition(BASE, 0));
        assertThat(index.lookup(BASE)).isEqualTo(new OffsetPosition(BASE, 0));
        assertThat(index.lookup(BASE + 9)).isEqualTo(new OffsetPosition(BASE, 0));
        assertThat(index.lookup(BASE + 10)).isEqualTo(new OffsetPosition(BASE + 10, 100));
        assertThat(index.lookup(BASE + 19)).isEqualTo(new OffsetPosition(BASE + 10, 100));
        assertThat(index.lookup(BASE + 20)).isEqualTo(new OffsetPosition(BASE + 20, 200));
        assertThat(index.lookup(BASE + 25)).isEqualTo(new OffsetPosition(BASE + 20, 200));
        assertThat(index.lookup(BASE + 30)).isEqualTo(new OffsetPosition(BASE + 30, 300));
        assertThat(index.lookup(Long.MAX_VALUE)).isEqualTo(new OffsetPosition(BASE + 30, 300));
    }

    @Test
    void lookupAgreesWithALinearSearchOverManyEntries() {
        OffsetIndex index = newIndex();
        Random random = new Random(7);
        List<long[]> entries = new ArrayList<>();
        long offset = BASE;
        int position = 0;
        while (!index.isFull()) {
            offset += 1 + random.nextInt(20);
            position += 1 + random.nextInt(500);
            index.append(offset, position);
            entries.add(new long[] {offset, position});
        }
        assertThat(index.entries()).isEqualTo(MAX_BYTES / OffsetIndex.ENTRY_SIZE);

        for (long target = BASE - 2; target <= offset + 2; target++) {
            OffsetPosition expected = new OffsetPosition(BASE, 0);
            for (long[] entry : entries) {
                if (entry[0] <= target) {
                    expected = new OffsetPosition(entry[0], (int) entry[1]);
                }
            }
            assertThat(index.lookup(target)).as("lookup(%d)", target).isEqualTo(expected);
        }
    }

    @Test
    void refusesEntriesThatDoNotIncrease() {
        OffsetIndex index = withEntries(newIndex(), BASE + 10, 100);

        assertThatThrownBy(() -> index.append(BASE + 10, 200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.append(BASE + 5, 200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.append(BASE + 11, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.append(BASE + 11, 50)).isInstanceOf(IllegalArgumentException.class);
        assertThat(index.entries()).isEqualTo(1);
        index.append(BASE + 11, 101);
        assertThat(index.entries()).isEqualTo(2);
    }

    @Test
    void refusesOffsetsThatDoNotFitRelativeToTheBase() {
        OffsetIndex index = newIndex();

        assertThatThrownBy(() -> index.append(BASE - 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.append(BASE + Integer.MAX_VALUE + 1L, 0)).isInstanceOf(IllegalArgumentException.class);
        index.append(BASE + Integer.MAX_VALUE, 0);
        assertThat(index.lookup(Long.MAX_VALUE)).isEqualTo(new OffsetPosition(BASE + Integer.MAX_VALUE, 0));
    }

    @Test
    void refusesAppendsWhenFull() {
        OffsetIndex index = new OffsetIndex(dir.resolve("small.index"), 0L, 3 * OffsetIndex.ENTRY_SIZE + 5);
        withEntries(index, 1, 10, 2, 20, 3, 30);

        assertThat(index.isFull()).isTrue();
        assertThatThrownBy(() -> index.append(4, 40)).isInstanceOf(IllegalStateException.class).hasMessageContaining("full");
    }

    @Test
    void clearRemovesEveryEntry() {
        OffsetIndex index = withEntries(newIndex(), BASE + 10, 100, BASE + 20, 200);

        index.clear();

        assertThat(index.entries()).isZero();
        assertThat(index.lookup(BASE + 20)).isEqualTo(new OffsetPosition(BASE, 0));
        index.append(BASE + 1, 1);
        assertThat(index.entries()).isEqualTo(1);
    }

    @Test
    void trimToEntriesShrinksTheFileAndKeepsTheEntries() throws IOException {
        OffsetIndex index = withEntries(newIndex(), BASE + 10, 100, BASE + 20, 200);

        index.trimToEntries();

        assertThat(Files.size(index.file())).isEqualTo(2L * OffsetIndex.ENTRY_SIZE);
        assertThat(index.isFull()).isTrue();
        assertThat(index.lookup(BASE + 15)).isEqualTo(new OffsetPosition(BASE + 10, 100));
        assertThat(index.lookup(BASE + 25)).isEqualTo(new OffsetPosition(BASE + 20, 200));
        assertThat(index.entries()).isEqualTo(2);
    }

    @Test
    void trimmingAnIndexWithoutEntriesCreatesNoFileButMaterializeMakesAnEmptyOne() throws IOException {
        OffsetIndex index = newIndex();

        index.trimToEntries();

        assertThat(index.file()).doesNotExist();
        assertThat(index.isFull()).isTrue();
        assertThat(index.lookup(BASE + 3)).isEqualTo(new OffsetPosition(BASE, 0));
        index.flush();
        index.materialize();
        assertThat(Files.size(index.file())).isZero();
        index.close();
        assertThat(new OffsetIndex(index.file(), BASE, MAX_BYTES).createdEmpty()).as("an empty file is not a lost one").isFalse();
    }

    @Test
    void anIndexWithoutAFileIsRenamedWithoutTouchingTheDisk() throws IOException {
        OffsetIndex index = newIndex();
        Path renamed = dir.resolve("00000000000000001000.index.deleted");

        index.renameTo(renamed);

        assertThat(index.file()).isEqualTo(renamed).doesNotExist();
        index.append(BASE + 1, 10);
        assertThat(renamed).exists();
        index.delete();
        assertThat(renamed).doesNotExist();
    }

    @Test
    void closeTrimsTheFileAndReopeningKeepsTheEntries() throws IOException {
        OffsetIndex index = withEntries(newIndex(), BASE + 10, 100, BASE + 20, 200, BASE + 30, 300);
        index.flush();
        index.close();

        assertThat(Files.size(index.file())).isEqualTo(3L * OffsetIndex.ENTRY_SIZE);

        OffsetIndex reopened = newIndex();
        assertThat(reopened.entries()).isEqualTo(3);
        assertThat(reopened.lastOffset()).isEqualTo(BASE + 30);
        assertThat(reopened.lookup(BASE + 25)).isEqualTo(new OffsetPosition(BASE + 20, 200));
        assertThat(Files.size(reopened.file())).isEqualTo(MAX_BYTES);
        reopened.append(BASE + 40, 400);
        assertThat(reopened.lookup(Long.MAX_VALUE)).isEqualTo(new OffsetPosition(BASE + 40, 400));
    }

    @Test
    void reopeningIgnoresAPartialTrailingEntry() throws IOException {
        Path file = dir.resolve("partial.index");
        ByteBuffer bytes = ByteBuffer.allocate(2 * OffsetIndex.ENTRY_SIZE + 3);
        bytes.putInt(10).putInt(100).putInt(20).putInt(200).put(new byte[] {1, 2, 3});
        Files.write(file, bytes.array());

        OffsetIndex index = new OffsetIndex(file, BASE, 0);

        assertThat(index.entries()).isEqualTo(2);
        assertThat(index.isFull()).isTrue();
        assertThat(index.lookup(BASE + 15)).isEqualTo(new OffsetPosition(BASE + 10, 100));
        assertThat(index.lookup(BASE + 20)).isEqualTo(new OffsetPosition(BASE + 20, 200));
    }

    @Test
    void entriesAreStoredAsRelativeOffsetAndPositionBigEndian() throws IOException {
        OffsetIndex index = withEntries(newIndex(), BASE + 7, 1234);
        index.close();

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(index.file()));
        assertThat(bytes.remaining()).isEqualTo(OffsetIndex.ENTRY_SIZE);
        assertThat(bytes.getInt(0)).isEqualTo(7);
        assertThat(bytes.getInt(4)).isEqualTo(1234);
    }

    @Test
    void openingAnExistingIndexMapsNothingUntilItIsUsed() throws IOException {
        OffsetIndex index = withEntries(newIndex(), BASE + 10, 100, BASE + 20, 200);
        index.close();

        OffsetIndex reopened = newIndex();
        assertThat(reopened.isMapped()).isFalse();
        assertThat(reopened.entries()).isEqualTo(2);
        assertThat(reopened.isFull()).isFalse();
        reopened.trimToEntries();
        assertThat(reopened.isMapped()).as("trimming a file that already has the right length").isFalse();

        assertThat(reopened.lookup(BASE + 25)).isEqualTo(new OffsetPosition(BASE + 20, 200));
        assertThat(reopened.isMapped()).isTrue();
        assertThat(Files.size(reopened.file())).isEqualTo(2L * OffsetIndex.ENTRY_SIZE);
    }

    @Test
    void aReleasedIndexIsMappedAgainAndRenamesFollow() throws IOException {
        OffsetIndex index = withEntries(newIndex(), BASE + 10, 100, BASE + 20, 200);
        index.trimToEntries();
        index.flush();
        index.releaseIfIdle(0L, 1L);
        assertThat(index.releaseIfIdle(5L, 1L)).isTrue();

        Path renamed = dir.resolve("00000000000000001000.index.deleted");
        index.renameTo(renamed);

        assertThat(index.isMapped()).isFalse();
        assertThat(index.lookup(BASE + 15)).isEqualTo(new OffsetPosition(BASE + 10, 100));
        assertThat(index.lastOffset()).isEqualTo(BASE + 20);
        assertThat(index.file()).isEqualTo(renamed);
        assertThat(renamed).exists();
    }

    @Test
    void deleteRemovesTheFile() throws IOException {
        OffsetIndex index = withEntries(newIndex(), BASE + 1, 10);

        index.delete();

        assertThat(index.file()).doesNotExist();
        assertThat(index.lookup(BASE + 1)).isEqualTo(new OffsetPosition(BASE + 1, 10));
    }
}
