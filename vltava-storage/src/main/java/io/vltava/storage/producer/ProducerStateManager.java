package io.vltava.storage.producer;

import io.vltava.common.io.AtomicFile;
import io.vltava.storage.log.AppendError;
import io.vltava.storage.log.LogAppendException;
import io.vltava.storage.record.BatchHeader;
import io.vltava.storage.record.TransactionMarker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idempotent and transactional producers of one partition: for each producer id, its epoch, its
 * last {@value ProducerStateEntry#BATCHES_TO_RETAIN} batches, the first offset of its ongoing
 * transaction and the coordinator epoch of its last transaction marker. It recognises a retried batch
 * (answered with its original offsets, not written again), refuses a batch that skips sequences or
 * comes from an older epoch, refuses a marker from an older producer or coordinator epoch, and keeps
 * the ongoing transactions ordered by first offset. A transaction stays unstable after its marker until
 * the high watermark passes the marker ({@link #onHighWatermark}), so that a marker a crash could still
 * take away never lets read_committed consumers see the transaction; the first unstable transaction
 * bounds the last stable offset.
 *
 * <p>Snapshots ({@code <offset>.snapshot}, offset padded to 20 digits) hold the state as of an offset,
 * so that a restart only replays the batches after the newest snapshot. Vltava's snapshot format,
 * version {@value #SNAPSHOT_VERSION}:
 * <pre>
 * int16 version (2) | int32 CRC-32C of what follows | int32 entry count |
 * entries: int64 producerId, int16 epoch, int64 lastTimestamp, int64 currentTxnFirstOffset (-1: none),
 *          int32 coordinatorEpoch (-1: none), int8 batch count,
 *          batches: int32 lastSequence, int64 lastOffset, int32 offsetDelta, int64 timestamp
 * </pre>
 * Version 1 snapshots (entries without the three transaction-era fields, written before transactions
 * were accepted, so without ongoing transactions) are still read.
 *
 * <p>Threading: guarded by the owning log's lock.
 */
public final class ProducerStateManager {

    public static final String SNAPSHOT_SUFFIX = ".snapshot";
    private static final short SNAPSHOT_VERSION = 2;
    private static final short SNAPSHOT_VERSION_WITHOUT_TRANSACTIONS = 1;
    private static final int SNAPSHOT_HEADER_BYTES = 2 + 4 + 4;
    private static final int ENTRY_HEADER_BYTES = 8 + 2 + 8 + 8 + 4 + 1;
    private static final int BATCH_BYTES = 4 + 8 + 4 + 8;

    private static final Logger log = LoggerFactory.getLogger(ProducerStateManager.class);

    private final Path dir;
    private final Map<Long, ProducerStateEntry> producers = new HashMap<>();
    /** The ongoing transactions: first offset to producer id. */
    private final TreeMap<Long, Long> ongoing = new TreeMap<>();
    /** Transactions whose marker is not yet below the high watermark: first offset to marker offset. Not snapshotted. */
    private final TreeMap<Long, Long> unreplicated = new TreeMap<>();
    /** The offset of the snapshot that holds the current state exactly, or -1 after any change. */
    private long unchangedSince = -1;

    public ProducerStateManager(Path dir) {
        this.dir = dir;
    }

    /** Producers currently remembered. */
    int producerCount() {
        return producers.size();
    }

    /**
     * Checks a producer's batch before it is appended.
     *
     * @return the remembered batch if this one is a retry of it (do not append; answer with its
     *     offsets), or null if it may be appended
     * @throws LogAppendException with {@link AppendError#INVALID_PRODUCER_EPOCH} or
     *     {@link AppendError#OUT_OF_ORDER_SEQUENCE}
     */
    public BatchMetadata checkAppend(long producerId, short epoch, int firstSequence, int lastSequence) {
        ProducerStateEntry entry = producers.get(producerId);
        if (entry == null) {
            return null;
        }
        if (epoch == entry.epoch()) {
            BatchMetadata duplicate = entry.find(firstSequence, lastSequence);
            if (duplicate != null) {
                return duplicate;
            }
        }
        if (epoch < entry.epoch()) {
            throw new LogAppendException(AppendError.INVALID_PRODUCER_EPOCH, "Producer " + producerId + " wrote with epoch " + epoch
                    + ", older than its current epoch " + entry.epoch());
        }
        if (epoch != entry.epoch()) {
            if (firstSequence != 0) {
                throw new LogAppendException(AppendError.OUT_OF_ORDER_SEQUENCE, "Producer " + producerId + " started epoch " + epoch
                        + " at sequence " + firstSequence + " instead of 0");
            }
            return null;
        }
        int last = entry.lastSequence();
        if (last != -1 && !BatchMetadata.isNext(last, firstSequence)) {
            throw new LogAppendException(AppendError.OUT_OF_ORDER_SEQUENCE, "Producer " + producerId + " sent sequence " + firstSequence
                    + " after " + last + " (epoch " + epoch + ")");
        }
        return null;
    }

    /**
     * Checks that a producer's batch is inside a transaction exactly when the producer has one ongoing here.
     *
     * @throws LogAppendException with {@link AppendError#INVALID_TXN_STATE} for a batch outside the ongoing transaction
     */
    public void checkTransactional(long producerId, boolean transactional) {
        ProducerStateEntry entry = producers.get(producerId);
        if (!transactional && entry != null && entry.currentTxnFirstOffset() != ProducerStateEntry.NO_TRANSACTION) {
            throw new LogAppendException(AppendError.INVALID_TXN_STATE, "Producer " + producerId
                    + " wrote outside its transaction ongoing since offset " + entry.currentTxnFirstOffset());
        }
    }

    /**
     * Checks a transaction marker before it is appended.
     *
     * @throws LogAppendException with {@link AppendError#INVALID_PRODUCER_EPOCH} for a marker older than the
     *     producer's epoch, or {@link AppendError#TRANSACTION_COORDINATOR_FENCED} for one from an older coordinator
     */
    public void checkMarker(TransactionMarker marker) {
        ProducerStateEntry entry = producers.get(marker.producerId());
        if (entry == null) {
            return;
        }
        if (marker.producerEpoch() < entry.epoch()) {
            throw new LogAppendException(AppendError.INVALID_PRODUCER_EPOCH, "A marker for producer " + marker.producerId()
                    + " came with epoch " + marker.producerEpoch() + ", older than its current epoch " + entry.epoch());
        }
        if (marker.coordinatorEpoch() < entry.coordinatorEpoch()) {
            throw new LogAppendException(AppendError.TRANSACTION_COORDINATOR_FENCED, "A marker for producer " + marker.producerId()
                    + " came from coordinator epoch " + marker.coordinatorEpoch() + ", older than " + entry.coordinatorEpoch());
        }
    }

    /**
     * Records an appended batch of an idempotent or transactional producer (the batch at {@code at} in
     * {@code buffer}); the first batch of a transaction starts it. Control batches are recorded with
     * {@link #onMarker} instead.
     */
    public void onAppend(ByteBuffer buffer, int at) {
        long producerId = BatchHeader.producerId(buffer, at);
        if (producerId == BatchHeader.NO_PRODUCER_ID || BatchHeader.isControl(buffer, at)) {
            return;
        }
        short epoch = BatchHeader.producerEpoch(buffer, at);
        BatchMetadata batch = new BatchMetadata(BatchHeader.lastSequence(buffer, at), BatchHeader.lastOffset(buffer, at),
                BatchHeader.lastOffsetDelta(buffer, at), BatchHeader.maxTimestamp(buffer, at));
        ProducerStateEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerStateEntry(id, epoch));
        entry.add(epoch, batch);
        if (BatchHeader.isTransactional(buffer, at) && entry.currentTxnFirstOffset() == ProducerStateEntry.NO_TRANSACTION) {
            long firstOffset = BatchHeader.baseOffset(buffer, at);
            entry.currentTxnFirstOffset(firstOffset);
            ongoing.put(firstOffset, producerId);
        }
        unchangedSince = -1;
    }

    /**
     * Records a transaction marker appended at {@code offset}: the producer's ongoing transaction here, if
     * any, ends (and stays unstable until the high watermark passes {@code offset}); a newer epoch replaces
     * the producer's epoch and forgets its batches.
     *
     * @return the first offset of the transaction that ended, or -1 when none was ongoing
     */
    public long onMarker(TransactionMarker marker, long offset, long timestamp) {
        ProducerStateEntry entry = producers.computeIfAbsent(marker.producerId(), id -> new ProducerStateEntry(id, marker.producerEpoch()));
        long firstOffset = entry.currentTxnFirstOffset();
        if (firstOffset != ProducerStateEntry.NO_TRANSACTION) {
            ongoing.remove(firstOffset);
            unreplicated.put(firstOffset, offset);
        }
        entry.endTransaction(marker.producerEpoch(), marker.coordinatorEpoch(), timestamp);
        unchangedSince = -1;
        return firstOffset;
    }

    /** Completed transactions whose marker is now below {@code highWatermark} become stable. */
    public void onHighWatermark(long highWatermark) {
        unreplicated.values().removeIf(markerOffset -> markerOffset < highWatermark);
    }

    /** The first offset of the earliest unstable transaction (ongoing, or with its marker not below the high watermark), or -1. */
    public long firstUnstableOffset() {
        long ongoingFirst = firstOngoingOffset();
        if (unreplicated.isEmpty()) {
            return ongoingFirst;
        }
        long unreplicatedFirst = unreplicated.firstKey();
        return ongoingFirst < 0 ? unreplicatedFirst : Math.min(ongoingFirst, unreplicatedFirst);
    }

    /** The first offset of the earliest ongoing transaction, or -1 when none is ongoing. */
    public long firstOngoingOffset() {
        return ongoing.isEmpty() ? -1L : ongoing.firstKey();
    }

    /** Whether the producer has a transaction open on this partition. */
    public boolean hasOngoingTransaction(long producerId) {
        ProducerStateEntry entry = producers.get(producerId);
        return entry != null && entry.currentTxnFirstOffset() != ProducerStateEntry.NO_TRANSACTION;
    }

    /** The ongoing transactions, first offset to producer id, in offset order. */
    public Map<Long, Long> ongoingTransactions() {
        return new TreeMap<>(ongoing);
    }

    /** For each remembered producer, the last offset of its last batch. */
    public Map<Long, Long> lastBatchOffsets() {
        Map<Long, Long> offsets = new HashMap<>();
        for (ProducerStateEntry entry : producers.values()) {
            BatchMetadata last = entry.lastBatch();
            if (last != null) {
                offsets.put(entry.producerId(), last.lastOffset());
            }
        }
        return offsets;
    }

    /** Forgets producers whose last write is older than {@code expirationMs}, except those with a transaction ongoing. */
    public int removeExpired(long nowMs, long expirationMs) {
        int before = producers.size();
        if (producers.values().removeIf(entry -> entry.currentTxnFirstOffset() == ProducerStateEntry.NO_TRANSACTION
                && nowMs - entry.lastTimestamp() >= expirationMs)) {
            unchangedSince = -1;
        }
        return before - producers.size();
    }

    /**
     * Writes a snapshot of the current state as of {@code offset} and fsyncs it; skipped when the snapshot
     * at that offset already holds this state (an idle log closed again after a restart).
     */
    public void takeSnapshot(long offset) {
        if (offset == unchangedSince && Files.exists(snapshotFile(offset))) {
            return;
        }
        int size = SNAPSHOT_HEADER_BYTES;
        for (ProducerStateEntry entry : producers.values()) {
            size += ENTRY_HEADER_BYTES + entry.batchCount() * BATCH_BYTES;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putShort(SNAPSHOT_VERSION).putInt(0).putInt(producers.size());
        for (ProducerStateEntry entry : producers.values()) {
            buffer.putLong(entry.producerId()).putShort(entry.epoch()).putLong(entry.lastTimestamp()).putLong(entry.currentTxnFirstOffset())
                    .putInt(entry.coordinatorEpoch()).put((byte) entry.batchCount());
            for (BatchMetadata batch : entry.batches()) {
                buffer.putInt(batch.lastSequence()).putLong(batch.lastOffset()).putInt(batch.offsetDelta()).putLong(batch.timestamp());
            }
        }
        buffer.putInt(2, (int) crc(buffer, 6, size));
        Path file = snapshotFile(offset);
        try {
            AtomicFile.write(file, buffer.array());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write producer snapshot " + file, e);
        }
        unchangedSince = offset;
    }

    /**
     * Loads the newest readable snapshot at or below {@code maxOffset}, deleting snapshots above it and
     * any that are corrupt.
     *
     * @return the snapshot's offset, or -1 when there is none (state is then empty)
     */
    public long loadLatestSnapshot(long maxOffset) {
        clear();
        TreeMap<Long, Path> snapshots = listSnapshots();
        for (Map.Entry<Long, Path> above : snapshots.tailMap(maxOffset, false).entrySet()) {
            deleteQuietly(above.getValue());
        }
        Iterator<Map.Entry<Long, Path>> newestFirst = snapshots.headMap(maxOffset, true).descendingMap().entrySet().iterator();
        while (newestFirst.hasNext()) {
            Map.Entry<Long, Path> candidate = newestFirst.next();
            try {
                read(candidate.getValue());
                unchangedSince = candidate.getKey();
                return candidate.getKey();
            } catch (IOException | RuntimeException e) {
                log.warn("Deleting unreadable producer snapshot {}: {}", candidate.getValue(), e.toString());
                clear();
                deleteQuietly(candidate.getValue());
            }
        }
        return -1;
    }

    /** Keeps only the newest {@code keep} snapshots. */
    public void deleteOldSnapshots(int keep) {
        TreeMap<Long, Path> snapshots = listSnapshots();
        while (snapshots.size() > keep) {
            deleteQuietly(snapshots.pollFirstEntry().getValue());
        }
    }

    private void clear() {
        producers.clear();
        ongoing.clear();
        unreplicated.clear();
        unchangedSince = -1;
    }

    private void read(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
        short version = buffer.remaining() < SNAPSHOT_HEADER_BYTES ? -1 : buffer.getShort(0);
        if (version != SNAPSHOT_VERSION && version != SNAPSHOT_VERSION_WITHOUT_TRANSACTIONS) {
            throw new IOException("not a version " + SNAPSHOT_VERSION + " or " + SNAPSHOT_VERSION_WITHOUT_TRANSACTIONS + " snapshot");
        }
        if (Integer.toUnsignedLong(buffer.getInt(2)) != crc(buffer, 6, buffer.limit())) {
            throw new IOException("checksum mismatch");
        }
        buffer.position(SNAPSHOT_HEADER_BYTES - 4);
        int count = buffer.getInt();
        for (int i = 0; i < count; i++) {
            long producerId = buffer.getLong();
            short epoch = buffer.getShort();
            boolean withTransactions = version == SNAPSHOT_VERSION;
            long lastTimestamp = withTransactions ? buffer.getLong() : BatchHeader.NO_TIMESTAMP;
            long txnFirstOffset = withTransactions ? buffer.getLong() : ProducerStateEntry.NO_TRANSACTION;
            int coordinatorEpoch = withTransactions ? buffer.getInt() : ProducerStateEntry.NO_COORDINATOR_EPOCH;
            int batches = buffer.get();
            ProducerStateEntry entry = new ProducerStateEntry(producerId, epoch);
            for (int b = 0; b < batches; b++) {
                entry.add(epoch, new BatchMetadata(buffer.getInt(), buffer.getLong(), buffer.getInt(), buffer.getLong()));
            }
            entry.restoreTransaction(txnFirstOffset, coordinatorEpoch, lastTimestamp);
            producers.put(producerId, entry);
            if (txnFirstOffset != ProducerStateEntry.NO_TRANSACTION) {
                ongoing.put(txnFirstOffset, producerId);
            }
        }
    }

    private TreeMap<Long, Path> listSnapshots() {
        TreeMap<Long, Path> snapshots = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SNAPSHOT_SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                try {
                    snapshots.put(Long.parseLong(name.substring(0, name.length() - SNAPSHOT_SUFFIX.length())), file);
                } catch (NumberFormatException e) {
                    log.warn("Ignoring unexpected file {}", file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list producer snapshots in " + dir, e);
        }
        return snapshots;
    }

    private Path snapshotFile(long offset) {
        return dir.resolve(String.format("%020d", offset) + SNAPSHOT_SUFFIX);
    }

    private static long crc(ByteBuffer buffer, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().position(from).limit(to));
        return crc.getValue();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Cannot delete {}: {}", file, e.toString());
        }
    }

    /** Producer ids currently remembered, for tests and diagnostics. */
    List<Long> producerIds() {
        return new ArrayList<>(producers.keySet());
    }
}
