package io.vltava.storage.index;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The sparse offset index of one log segment ({@code .index}): maps offsets to byte positions in the
 * segment's {@code .log}, so a read by offset needs a binary search and a short forward scan.
 *
 * <pre>
 * entry (8 bytes, big-endian): int32 relativeOffset (offset - baseOffset), int32 position
 * </pre>
 * Entries are added in increasing offset and position order, one each time more than
 * {@code index.interval.bytes} were appended since the last. The file is mapped on first use; it is
 * preallocated to its maximum size while the segment is active and trimmed to its entries when the
 * segment rolls or closes (see {@link AbstractIndex}). It has no checksum: after an unclean shutdown it
 * is rebuilt from the log.
 *
 * <p>Threading: one appender (the log's append lock); readers on any thread. The entry count is
 * published through a volatile write after the entry's bytes, so a reader that sees the count sees
 * the entries.
 */
public final class OffsetIndex extends AbstractIndex {

    /** Bytes per entry. */
    public static final int ENTRY_SIZE = 8;
    private static final int RELATIVE_OFFSET_OFFSET = 0;
    private static final int POSITION_OFFSET = 4;

    /**
     * Opens or creates the index at {@code file}, with room for {@code maxIndexBytes} while active.
     * Entries already in the file (up to its length) are kept; the segment checks them before trusting
     * them. Nothing is mapped until the first use.
     */
    public OffsetIndex(Path file, long baseOffset, int maxIndexBytes) {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE);
    }

    /** The offset of the last entry, or the base offset when there is none. */
    public long lastOffset() {
        int n = entries();
        return n == 0 ? baseOffset() : baseOffset() + relativeOffset(buffer(), n - 1);
    }

    /**
     * The entry with the largest offset at most {@code target}, or (baseOffset, 0) when every entry is
     * above it.
     */
    public OffsetPosition lookup(long target) {
        int n = entries();
        if (n == 0) {
            return new OffsetPosition(baseOffset(), 0);
        }
        MappedByteBuffer m = buffer();
        int slot = largestAtMost(m, target - baseOffset(), n);
        if (slot < 0) {
            return new OffsetPosition(baseOffset(), 0);
        }
        return new OffsetPosition(baseOffset() + relativeOffset(m, slot), position(m, slot));
    }

    /** Adds an entry; offsets and positions must increase. */
    public void append(long offset, int position) {
        if (isFull()) {
            throw new IllegalStateException("Offset index " + file() + " is full (" + maxEntries() + " entries)");
        }
        int n = entries();
        long relative = offset - baseOffset();
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Offset " + offset + " does not fit in the index of segment " + baseOffset());
        }
        MappedByteBuffer m = buffer();
        if (n > 0 && (relative <= relativeOffset(m, n - 1) || position <= position(m, n - 1))) {
            throw new IllegalArgumentException("Index entry (" + offset + ", " + position + ") is not after the last entry ("
                    + (baseOffset() + relativeOffset(m, n - 1)) + ", " + position(m, n - 1) + ") of " + file());
        }
        int at = n * ENTRY_SIZE;
        m.putInt(at + RELATIVE_OFFSET_OFFSET, (int) relative);
        m.putInt(at + POSITION_OFFSET, position);
        entriesAppended(n + 1);
    }

    private static int largestAtMost(MappedByteBuffer m, long relativeTarget, int n) {
        if (relativeTarget < relativeOffset(m, 0)) {
            return -1;
        }
        int low = 0;
        int high = n - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (relativeOffset(m, mid) <= relativeTarget) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    private static int relativeOffset(MappedByteBuffer m, int slot) {
        return m.getInt(slot * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET);
    }

    private static int position(MappedByteBuffer m, int slot) {
        return m.getInt(slot * ENTRY_SIZE + POSITION_OFFSET);
    }

    /** An offset and the byte position of the batch it is in. */
    public record OffsetPosition(long offset, int position) {
    }
}
