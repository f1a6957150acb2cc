package io.vltava.storage.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The sparse offset index of one log segment ({@code .index}): maps offsets to byte positions in the
 * segment's {@code .log}, so a read by offset needs a binary search and a short forward scan.
 *
 * <pre>
 * entry (8 bytes, big-endian): int32 relativeOffset (offset - baseOffset), int32 position
 * </pre>
 * Entries are added in increasing offset and position order, one each time more than
 * {@code index.interval.bytes} were appended since the last. The file is memory-mapped; it is
 * preallocated to its maximum size while the segment is active and trimmed to its entries when the
 * segment rolls or closes. It has no checksum: after an unclean shutdown it is rebuilt from the log.
 *
 * <p>Threading: one appender (the log's append lock); readers on any thread. The entry count is
 * published through a volatile write after the entry's bytes, so a reader that sees the count sees
 * the entries.
 */
public final class OffsetIndex implements AutoCloseable {

    /** Bytes per entry. */
    public static final int ENTRY_SIZE = 8;
    private static final int RELATIVE_OFFSET_OFFSET = 0;
    private static final int POSITION_OFFSET = 4;

    private volatile Path file;
    private final long baseOffset;
    private volatile MappedByteBuffer mmap;
    private int maxEntries;
    private volatile int entries;
    private final boolean createdEmpty;

    /**
     * Opens or creates the index at {@code file}, mapping it with room for {@code maxIndexBytes}.
     * Entries already in the file (up to its length) are kept; the segment checks them before
     * trusting them.
     */
    public OffsetIndex(Path file, long baseOffset, int maxIndexBytes) {
        this.file = file;
        this.baseOffset = baseOffset;
        try {
            boolean existed = Files.exists(file);
            this.createdEmpty = !existed;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long length = existed ? channel.size() : 0;
                int validBytes = (int) (Math.min(length, Integer.MAX_VALUE) / ENTRY_SIZE * ENTRY_SIZE);
                int capacity = Math.max(validBytes, maxIndexBytes / ENTRY_SIZE * ENTRY_SIZE);
                this.mmap = channel.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
                this.maxEntries = capacity / ENTRY_SIZE;
                this.entries = validBytes / ENTRY_SIZE;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open offset index " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Whether the file did not exist when the index was opened (a lost index must be rebuilt). */
    public boolean createdEmpty() {
        return createdEmpty;
    }

    public int entries() {
        return entries;
    }

    public boolean isFull() {
        return entries >= maxEntries;
    }

    /** The offset of the last entry, or the base offset when there is none. */
    public long lastOffset() {
        int n = entries;
        return n == 0 ? baseOffset : baseOffset + relativeOffset(n - 1);
    }

    /**
     * The entry with the largest offset at most {@code target}, or (baseOffset, 0) when every entry is
     * above it.
     */
    public OffsetPosition lookup(long target) {
        int n = entries;
        int slot = largestAtMost(target, n);
        if (slot < 0) {
            return new OffsetPosition(baseOffset, 0);
        }
        return new OffsetPosition(baseOffset + relativeOffset(slot), position(slot));
    }

    /** Adds an entry; offsets and positions must increase. */
    public void append(long offset, int position) {
        if (isFull()) {
            throw new IllegalStateException("Offset index " + file + " is full (" + maxEntries + " entries)");
        }
        int n = entries;
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Offset " + offset + " does not fit in the index of segment " + baseOffset);
        }
        if (n > 0 && (offset <= lastOffset() || position <= position(n - 1))) {
            throw new IllegalArgumentException("Index entry (" + offset + ", " + position + ") is not after the last entry (" + lastOffset() + ", " + position(n - 1) + ") of " + file);
        }
        int at = n * ENTRY_SIZE;
        mmap.putInt(at + RELATIVE_OFFSET_OFFSET, (int) relative);
        mmap.putInt(at + POSITION_OFFSET, position);
        entries = n + 1;
    }

    /** Removes every entry. */
    public void clear() {
        entries = 0;
    }

    /** Writes the mapped pages to disk. */
    public void flush() {
        mmap.force();
    }

    /**
     * Shrinks the file to its entries and maps only those; called when the segment stops being the
     * active one, so an inactive segment does not hold a preallocated index.
     */
    public void trimToEntries() {
        remap((long) entries * ENTRY_SIZE);
        maxEntries = entries;
    }

    /**
     * Trims the file to its entries. The mapping is not unmapped by hand: a reader on another thread
     * may still hold it, and an unmapped buffer crashes the JVM when read; the garbage collector
     * unmaps it once nothing refers to it. Reads never go past the entry count, so they stay inside
     * the trimmed file.
     */
    @Override
    public void close() {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate((long) entries * ENTRY_SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot trim offset index " + file, e);
        }
    }

    /** Deletes the index file; readers holding the mapping can still finish. */
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    /** Renames the index file; the mapping stays valid. */
    public void renameTo(Path target) throws IOException {
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        file = target;
    }

    private void remap(long capacity) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (channel.size() > capacity) {
                channel.truncate(capacity);
            }
            mmap = channel.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot resize offset index " + file, e);
        }
    }

    private int largestAtMost(long target, int n) {
        long relativeTarget = target - baseOffset;
        if (n == 0 || relativeTarget < relativeOffset(0)) {
            return -1;
        }
        int low = 0;
        int high = n - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (relativeOffset(mid) <= relativeTarget) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    private int relativeOffset(int slot) {
        return mmap.getInt(slot * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET);
    }

    private int position(int slot) {
        return mmap.getInt(slot * ENTRY_SIZE + POSITION_OFFSET);
    }

    /** An offset and the byte position of the batch it is in. */
    public record OffsetPosition(long offset, int position) {
    }
}
