package io.vltava.storage.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The aborted transaction index of one segment ({@code <baseOffset>.txnindex}): one entry per ABORT
 * marker written in the segment, in marker order, in Kafka's on-disk format, big-endian:
 * <pre>
 * int16 version (0) | int64 producerId | int64 firstOffset | int64 lastOffset | int64 lastStableOffset
 * </pre>
 * ({@value #ENTRY_SIZE} bytes an entry). Unlike the offset and time indexes it is neither preallocated nor
 * mapped: entries are appended with positional writes and read whole (segments rarely hold many aborts).
 * The file is created by the first append, so a segment without aborts has none.
 *
 * <p>Crash behaviour: an entry may be missing or torn after a crash; a partial entry at the end is
 * ignored on load, and the log rebuilds the index of every segment it recovers (from the recovery point
 * on) by replaying the markers, so only indexes below the recovery point, fsynced with their segment,
 * are trusted.
 *
 * <p>Threading: every method is synchronized on the index; appends come under the owning log's lock,
 * reads from any thread.
 */
public final class TransactionIndex {

    public static final int ENTRY_SIZE = 2 + 8 + 8 + 8 + 8;
    private static final short VERSION = 0;

    private Path file;
    /** Null until the file is opened or created. */
    private FileChannel channel;
    /** Null until first read from the file; then kept in step with appends. */
    private List<AbortedTransaction> entries;
    private boolean dirty;

    public TransactionIndex(Path file) {
        this.file = file;
    }

    public synchronized Path file() {
        return file;
    }

    /** Adds an entry, creating the file if there is none. */
    public synchronized void append(AbortedTransaction aborted) throws IOException {
        List<AbortedTransaction> current = loaded();
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_SIZE);
        entry.putShort(VERSION).putLong(aborted.producerId()).putLong(aborted.firstOffset()).putLong(aborted.lastOffset())
                .putLong(aborted.lastStableOffset()).flip();
        long position = (long) current.size() * ENTRY_SIZE;
        while (entry.hasRemaining()) {
            position += channel.write(entry, position);
        }
        current.add(aborted);
        dirty = true;
    }

    /** Every entry, in the order the markers were written. */
    public synchronized List<AbortedTransaction> all() {
        return List.copyOf(loaded());
    }

    /**
     * Adds to {@code into} the entries of transactions that overlap {@code [startOffset, upperBoundOffset)}:
     * those whose marker is at or after {@code startOffset} and whose first offset is below {@code upperBoundOffset}.
     */
    public synchronized void collect(long startOffset, long upperBoundOffset, List<AbortedTransaction> into) {
        for (AbortedTransaction aborted : loaded()) {
            if (aborted.lastOffset() >= startOffset && aborted.firstOffset() < upperBoundOffset) {
                into.add(aborted);
            }
        }
    }

    /** Empties the index and removes its file, before the log rebuilds it from the segment's markers. */
    public synchronized void reset() throws IOException {
        closeChannel();
        Files.deleteIfExists(file);
        entries = new ArrayList<>();
        dirty = false;
    }

    /** Forces written entries to disk. */
    public synchronized void flush() throws IOException {
        if (dirty && channel != null) {
            channel.force(false);
        }
        dirty = false;
    }

    /** Renames the file, if there is one; an index without a file takes the new name for its first append. */
    public synchronized void renameTo(Path target) throws IOException {
        if (Files.exists(file)) {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        }
        file = target;
    }

    /** Flushes and closes the file; a later use opens it again. */
    public synchronized void close() throws IOException {
        flush();
        closeChannel();
    }

    /** Closes the file without flushing, for a segment being deleted. */
    public synchronized void closeWithoutFlush() throws IOException {
        closeChannel();
    }

    /** Closes and deletes the file. */
    public synchronized void delete() throws IOException {
        closeChannel();
        Files.deleteIfExists(file);
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private List<AbortedTransaction> loaded() {
        if (entries == null) {
            entries = new ArrayList<>();
            if (Files.exists(file)) {
                try {
                    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
                    while (bytes.remaining() >= ENTRY_SIZE) {
                        short version = bytes.getShort();
                        if (version != VERSION) {
                            throw new IOException("Unknown aborted transaction entry version " + version + " in " + file);
                        }
                        entries.add(new AbortedTransaction(bytes.getLong(), bytes.getLong(), bytes.getLong(), bytes.getLong()));
                    }
                } catch (IOException e) {
                    entries = null;
                    throw new UncheckedIOException("Cannot read " + file, e);
                }
            }
        }
        return entries;
    }
}
