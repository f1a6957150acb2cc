package io.vltava.storage.index;

import io.vltava.storage.record.BatchHeader;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The sparse time index of one log segment ({@code .timeindex}): maps timestamps to offsets, so that
 * a lookup by timestamp (ListOffsets, retention) needs a binary search, an offset index lookup and a
 * short forward scan instead of reading every batch header.
 *
 * <pre>
 * entry (12 bytes, big-endian): int64 timestamp, int32 relativeOffset (offset - baseOffset)
 * </pre>
 * An entry (T, O) says: T is the largest batch max timestamp up to the batch appended when the entry
 * was added, and O is the last offset of the first batch that reached T; so every batch before the one
 * holding O has a smaller timestamp, and every batch with a larger one comes after it.
 *
 * <p>Invariants: timestamps strictly increase from entry to entry and offsets never decrease. The
 * segment adds an entry with the cadence of its offset index (once more than
 * {@code index.interval.bytes} were appended since the last), and only when its largest timestamp grew
 * since the last entry. The last slot is kept free while the segment is active: when the segment rolls
 * or closes it appends its largest timestamp there ({@link #maybeAppendFinal}), so the last entry of an
 * inactive segment holds the segment's largest timestamp and its offset, and reopening the segment
 * needs no scan of the log to know them. The file is mapped on first use, preallocated while active
 * and trimmed to its entries on roll and close (see {@link AbstractIndex}).
 *
 * <p>Crash behaviour: the file has no checksum. After an unclean shutdown it is rebuilt from the log,
 * like the offset index; after a clean one it is rebuilt when missing or when it fails a sanity check
 * ({@link #entry}, {@link #lastEntry} let the segment compare first and last entries).
 *
 * <p>Threading: one appender (the log's lock); readers on any thread. The entry count is published
 * through a volatile write after the entry's bytes, as in {@link OffsetIndex}.
 */
public final class TimeIndex extends AbstractIndex {

    /** Bytes per entry. */
    public static final int ENTRY_SIZE = 12;
    private static final int TIMESTAMP_OFFSET = 0;
    private static final int RELATIVE_OFFSET_OFFSET = 8;

    /**
     * Opens or creates the time index at {@code file}, with room for {@code maxIndexBytes} (rounded down
     * to whole entries) while active. Nothing is mapped until the first use.
     */
    public TimeIndex(Path file, long baseOffset, int maxIndexBytes) {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE);
    }

    /** Full one entry early: the last slot is kept for the entry appended on roll or close. */
    @Override
    public boolean isFull() {
        return entries() >= maxEntries() - 1;
    }

    /**
     * The last entry, or ({@link BatchHeader#NO_TIMESTAMP}, baseOffset) when there is none. Reads it from
     * the file without mapping it when the index is not mapped.
     */
    public TimestampOffset lastEntry() {
        int n = entries();
        return n == 0 ? new TimestampOffset(BatchHeader.NO_TIMESTAMP, baseOffset()) : entry(n - 1);
    }

    /** Entry {@code n} (0-based, below {@link #entries()}), read without mapping the file when it is not mapped. */
    public TimestampOffset entry(int n) {
        if (n < 0 || n >= entries()) {
            throw new IllegalArgumentException("No entry " + n + " in time index " + file() + " of " + entries() + " entries");
        }
        ByteBuffer entry = readEntry(n);
        return new TimestampOffset(entry.getLong(TIMESTAMP_OFFSET), baseOffset() + entry.getInt(RELATIVE_OFFSET_OFFSET));
    }

    /**
     * The entry with the largest timestamp at most {@code target}, or ({@link BatchHeader#NO_TIMESTAMP},
     * baseOffset) when every entry is above it.
     */
    public TimestampOffset lookup(long target) {
        int n = entries();
        if (n == 0) {
            return new TimestampOffset(BatchHeader.NO_TIMESTAMP, baseOffset());
        }
        MappedByteBuffer m = buffer();
        int slot = largestAtMost(m, target, n);
        if (slot < 0) {
            return new TimestampOffset(BatchHeader.NO_TIMESTAMP, baseOffset());
        }
        return new TimestampOffset(timestamp(m, slot), baseOffset() + relativeOffset(m, slot));
    }

    /**
     * Adds the entry ({@code timestamp}, {@code offset}) if {@code timestamp} is larger than the last
     * entry's; an equal timestamp is ignored.
     *
     * @throws IllegalStateException    if the index is full
     * @throws IllegalArgumentException if the offset does not fit, or the entry goes back in timestamp or offset
     */
    public void maybeAppend(long timestamp, long offset) {
        if (isFull()) {
            throw new IllegalStateException("Time index " + file() + " is full (" + entries() + " entries)");
        }
        append(timestamp, offset);
    }

    /**
     * Adds the segment's largest timestamp and its offset when the segment rolls or closes, into the slot
     * kept free for it; as {@link #maybeAppend}, nothing is added unless the timestamp is larger than the
     * last entry's. An index too small to hold even one entry is left as it is.
     */
    public void maybeAppendFinal(long timestamp, long offset) {
        if (entries() < maxEntries()) {
            append(timestamp, offset);
        }
    }

    private void append(long timestamp, long offset) {
        int n = entries();
        long relative = offset - baseOffset();
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Offset " + offset + " does not fit in the time index of segment " + baseOffset());
        }
        if (n == 0 && timestamp <= BatchHeader.NO_TIMESTAMP) {
            return;
        }
        MappedByteBuffer m = buffer();
        if (n > 0) {
            long lastTimestamp = timestamp(m, n - 1);
            int lastRelative = relativeOffset(m, n - 1);
            if (timestamp < lastTimestamp || relative < lastRelative) {
                throw new IllegalArgumentException("Time index entry (" + timestamp + ", " + offset + ") goes back from the last entry ("
                        + lastTimestamp + ", " + (baseOffset() + lastRelative) + ") of " + file());
            }
            if (timestamp == lastTimestamp) {
                return;
            }
        }
        int at = n * ENTRY_SIZE;
        m.putLong(at + TIMESTAMP_OFFSET, timestamp);
        m.putInt(at + RELATIVE_OFFSET_OFFSET, (int) relative);
        entriesAppended(n + 1);
    }

    private static int largestAtMost(MappedByteBuffer m, long target, int n) {
        if (target < timestamp(m, 0)) {
            return -1;
        }
        int low = 0;
        int high = n - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (timestamp(m, mid) <= target) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    private static long timestamp(MappedByteBuffer m, int slot) {
        return m.getLong(slot * ENTRY_SIZE + TIMESTAMP_OFFSET);
    }

    private static int relativeOffset(MappedByteBuffer m, int slot) {
        return m.getInt(slot * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET);
    }
}
