package io.vltava.storage.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A segment index file of fixed-size entries, memory-mapped lazily: opening one only looks at the
 * file's length (entries = length / entry size), and the file is mapped on first use, so a broker with
 * many segments neither maps nor reads their indexes at start-up. An inactive index can give its
 * mapping back when idle ({@link #releaseIfIdle}) and is mapped again on its next use.
 *
 * <p>Size: while the segment is active the file is preallocated to its maximum size (whole entries of
 * {@code segment.index.bytes}); {@link #trimToEntries()} and {@link #close()} cut it down to its
 * entries, so after a clean shutdown the length of the file says how many entries it has. A missing
 * file is only created when the index is first mapped (or by {@link #materialize}), so the many empty
 * segments of a broker with many idle partitions have no index files at all.
 *
 * <p>Unmapping: a mapping is never unmapped by hand. Dropping it leaves a reader that still holds it
 * reading valid memory, and the garbage collector unmaps it once no one refers to it; unmapping a
 * buffer a reader still uses would crash the JVM. Reads never go past the entry count, so they stay
 * inside the file even after it was trimmed.
 *
 * <p>Threading: one appender (the owning log's lock); readers on any thread. Subclasses write an
 * entry's bytes first and then publish the new count through {@link #entriesAppended}, a volatile
 * write, so a reader that sees the count sees the entries. Mapping, remapping, trimming, releasing and
 * renaming are serialised on the index's monitor; the read path takes no lock once the file is mapped.
 */
public abstract class AbstractIndex {

    private final long baseOffset;
    private final int entrySize;
    private final int maxIndexEntries;
    private final boolean createdEmpty;
    private final boolean fileHeldWholeEntries;
    private volatile Path file;
    /** Null until first use and after a release. */
    private volatile MappedByteBuffer mmap;
    private volatile int maxEntries;
    private volatile int entries;
    /** Set after entries are written, cleared before they are forced: a flush never misses one. */
    private volatile boolean dirty;
    /** Set by every use; {@link #releaseIfIdle} clears it and remembers when it saw it. */
    private volatile boolean touched;
    /** Guarded by this. */
    private long fileBytes;
    /** Whether the file exists: it did when the index was opened, or a mapping or {@link #materialize} created it. Guarded by this. */
    private boolean onDisk;
    /** Guarded by this. */
    private long lastTouchedMs;

    /**
     * Opens the index at {@code file} without mapping it. An existing file keeps its entries (its length
     * rounded down to whole entries; the segment checks them before trusting them); a missing one is
     * created on first use, preallocated to {@code maxIndexBytes} rounded down to whole entries.
     */
    protected AbstractIndex(Path file, long baseOffset, int maxIndexBytes, int entrySize) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.maxIndexEntries = Math.max(0, maxIndexBytes) / entrySize;
        long length = existingLength(file);
        this.createdEmpty = length < 0;
        if (createdEmpty) {
            this.fileHeldWholeEntries = true;
            this.maxEntries = maxIndexEntries;
        } else {
            this.onDisk = true;
            this.fileHeldWholeEntries = length % entrySize == 0;
            int existing = (int) Math.min(length / entrySize, Integer.MAX_VALUE / entrySize);
            this.entries = existing;
            this.maxEntries = Math.max(existing, maxIndexEntries);
            this.fileBytes = length;
        }
    }

    private static long existingLength(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).size();
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open index " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Whether the file did not exist when the index was opened (a lost index of a segment holding records must be rebuilt). */
    public boolean createdEmpty() {
        return createdEmpty;
    }

    /** Whether the file's length was a whole number of entries when opened; a cut-off entry means it is not to be trusted. */
    public boolean fileHeldWholeEntries() {
        return fileHeldWholeEntries;
    }

    public int entries() {
        return entries;
    }

    /** How many entries fit: the preallocated room while active, the entries themselves once trimmed. */
    public int maxEntries() {
        return maxEntries;
    }

    public boolean isFull() {
        return entries >= maxEntries;
    }

    /** Whether the file is mapped now. */
    public boolean isMapped() {
        return mmap != null;
    }

    /** The mapped file for a read or an append, mapping it first if needed; counts as a use. */
    protected final MappedByteBuffer buffer() {
        if (!touched) {
            touched = true;
        }
        return mapping();
    }

    /** Publishes {@code count} entries after their bytes were written through {@link #buffer()}. */
    protected final void entriesAppended(int count) {
        entries = count;
        dirty = true;
    }

    /**
     * The bytes of entry {@code slot} (at position 0 of the result): through the mapping when there is
     * one, otherwise read from the file without mapping it, so that looking at one entry of an idle
     * index (its last, say) does not map it.
     */
    protected final ByteBuffer readEntry(int slot) {
        MappedByteBuffer m = mmap;
        return m != null ? m.slice(slot * entrySize, entrySize) : readEntryFromFile(slot);
    }

    /** Holds the monitor so that a rename (of a segment being deleted, say) cannot move the file away mid-read. */
    private synchronized ByteBuffer readEntryFromFile(int slot) {
        ByteBuffer entry = ByteBuffer.allocate(entrySize);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long at = (long) slot * entrySize;
            while (entry.hasRemaining()) {
                if (channel.read(entry, at + entry.position()) < 0) {
                    throw new IOException("Index " + file + " ends before entry " + slot);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read index " + file, e);
        }
        return entry.flip();
    }

    private MappedByteBuffer mapping() {
        MappedByteBuffer m = mmap;
        return m != null ? m : map();
    }

    private synchronized MappedByteBuffer map() {
        MappedByteBuffer m = mmap;
        if (m == null) {
            m = mapFile((long) maxEntries * entrySize);
            mmap = m;
        }
        return m;
    }

    /** Maps the first {@code bytes} of the file, creating it if it is missing and growing it if it is shorter. Guarded by this. */
    private MappedByteBuffer mapFile(long bytes) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            onDisk = true;
            MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
            fileBytes = Math.max(fileBytes, bytes);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot map index " + file, e);
        }
    }

    /** Cuts the file down to {@code bytes} if it is longer. Guarded by this. */
    private void truncateFile(long bytes) {
        if (fileBytes <= bytes) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(bytes);
            fileBytes = bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot trim index " + file, e);
        }
    }

    /**
     * Creates the file, empty, if it does not exist yet: for a segment that holds records but got no index
     * entry, whose missing index file would otherwise look lost at the next start.
     */
    public synchronized void materialize() {
        if (onDisk) {
            return;
        }
        try {
            Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
            onDisk = true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create index " + file, e);
        }
    }

    /**
     * Removes every entry and makes room for a full index again, as for a segment whose indexes are
     * being rebuilt from its log.
     */
    public synchronized void clear() {
        entries = 0;
        if (maxEntries < maxIndexEntries) {
            maxEntries = maxIndexEntries;
            if (mmap != null) {
                mmap = mapFile((long) maxEntries * entrySize);
            }
        }
    }

    /** Writes the entries appended since the last flush to disk; does nothing when there are none. */
    public void flush() {
        if (dirty) {
            dirty = false;
            try {
                mapping().force();
            } catch (RuntimeException e) {
                dirty = true;
                throw e;
            }
        }
    }

    /**
     * Shrinks the file to its entries; called when the segment stops being the active one, so an
     * inactive segment does not hold a preallocated index. An index that was never mapped and whose file
     * already has that length (the usual case after a clean shutdown) is left alone, without a system call.
     */
    public synchronized void trimToEntries() {
        int n = entries;
        long bytes = (long) n * entrySize;
        maxEntries = n;
        truncateFile(bytes);
        if (mmap != null) {
            mmap = mapFile(bytes);
            dirty = true;
        }
    }

    /**
     * Trims the file to its entries and drops the mapping; a reader still holding it can finish, and a
     * later read maps the trimmed file again.
     */
    public synchronized void close() {
        maxEntries = entries;
        truncateFile((long) entries * entrySize);
        mmap = null;
    }

    /**
     * Drops the mapping of an index no one used for {@code idleMs}, as measured between calls: the first
     * call after a use only notes the time. An index with entries not yet flushed is kept mapped. Call it
     * only for inactive segments.
     *
     * @return whether the mapping was dropped
     */
    public synchronized boolean releaseIfIdle(long nowMs, long idleMs) {
        if (mmap == null) {
            return false;
        }
        if (touched) {
            touched = false;
            lastTouchedMs = nowMs;
            return false;
        }
        if (dirty || nowMs - lastTouchedMs < idleMs) {
            return false;
        }
        mmap = null;
        return true;
    }

    /** Drops the mapping without touching the file, for a segment whose files are being removed; nothing is left to flush. */
    public synchronized void release() {
        mmap = null;
        dirty = false;
    }

    /** Deletes the index file; readers holding the mapping can still finish. */
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    /** Renames the index file; a mapping stays valid and a later one maps the new name. */
    public synchronized void renameTo(Path target) throws IOException {
        if (onDisk) {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        }
        file = target;
    }
}
