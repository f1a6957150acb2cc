package io.vltava.metadata.quorum;

import io.vltava.metadata.image.MetadataApplier;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.MetadataRecordSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link MetadataLog} for tests: each append is one entry, numbered 0, 1, 2, ..., passed through
 * {@link MetadataRecordSerde} (as the real log does) and applied to a {@link MetadataApplier} at once,
 * on the caller's thread.
 *
 * <p>{@link #hold()} makes later appends return futures that never complete, and {@link #failWith}
 * makes them fail, to exercise the controller's error paths.
 *
 * <p>Threading: safe from any thread.
 */
public final class InMemoryMetadataLog implements MetadataLog {

    private final MetadataApplier applier;
    private final List<List<MetadataRecord>> entries = new ArrayList<>();
    private long nextOffset;
    private boolean held;
    private RuntimeException failure;
    private boolean closed;

    public InMemoryMetadataLog() {
        this(new MetadataApplier());
    }

    public InMemoryMetadataLog(MetadataApplier applier) {
        this.applier = applier;
    }

    public MetadataApplier applier() {
        return applier;
    }

    @Override
    public synchronized CompletableFuture<Long> append(List<MetadataRecord> records) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("The metadata log is closed"));
        }
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        if (held) {
            return new CompletableFuture<>();
        }
        List<MetadataRecord> decoded = MetadataRecordSerde.decode(MetadataRecordSerde.encode(records));
        long offset = nextOffset++;
        entries.add(List.copyOf(decoded));
        applier.apply(offset, decoded);
        return CompletableFuture.completedFuture(offset);
    }

    @Override
    public MetadataImage image() {
        return applier.image();
    }

    /** Every entry appended so far, in order. */
    public synchronized List<List<MetadataRecord>> entries() {
        return List.copyOf(entries);
    }

    /** Every record appended so far, in order. */
    public synchronized List<MetadataRecord> records() {
        return entries.stream().flatMap(List::stream).toList();
    }

    /** From now on, appends are accepted but never committed. */
    public synchronized void hold() {
        held = true;
    }

    /** From now on, appends fail with {@code exception}. */
    public synchronized void failWith(RuntimeException exception) {
        failure = exception;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
