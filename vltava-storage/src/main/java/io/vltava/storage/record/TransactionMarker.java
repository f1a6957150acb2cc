package io.vltava.storage.record;

import java.nio.ByteBuffer;
import java.util.Iterator;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * A COMMIT or ABORT marker: the control batch that ends a producer's transaction on a partition. On
 * disk it is a v2 batch with the transactional and control attributes, the producer's id and epoch,
 * no sequence, and one record whose key is the control record type (int16 version, int16 type: 0 ABORT,
 * 1 COMMIT) and whose value is the end-transaction marker (int16 version, int32 coordinator epoch).
 * kafka-clients' record classes encode and decode it.
 *
 * <p>Threading: immutable.
 *
 * @param producerId       the producer whose transaction ends
 * @param producerEpoch    the producer's epoch as the coordinator knows it
 * @param coordinatorEpoch the epoch of the transaction coordinator that decided
 * @param commit           COMMIT when true, ABORT when false
 */
public record TransactionMarker(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit) {

    /** A control batch holding this marker at offset 0, ready to be appended (the log assigns its offset). */
    public ByteBuffer toBatch(long timestamp, int partitionLeaderEpoch) {
        ControlRecordType type = commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT;
        return MemoryRecords.withEndTransactionMarker(0L, timestamp, partitionLeaderEpoch, producerId, producerEpoch,
                new EndTransactionMarker(type, coordinatorEpoch)).buffer();
    }

    /**
     * The marker in the whole control batch at {@code at} in {@code buffer}, or null when the batch holds
     * another kind of control record.
     */
    public static TransactionMarker read(ByteBuffer buffer, int at) {
        ByteBuffer batch = buffer.duplicate().position(at).limit(at + BatchHeader.sizeInBytes(buffer, at)).slice();
        Iterator<? extends RecordBatch> batches = MemoryRecords.readableRecords(batch).batches().iterator();
        if (!batches.hasNext()) {
            return null;
        }
        RecordBatch recordBatch = batches.next();
        Iterator<Record> records = recordBatch.iterator();
        if (!records.hasNext()) {
            return null;
        }
        Record record = records.next();
        ControlRecordType type = ControlRecordType.parse(record.key());
        if (type != ControlRecordType.COMMIT && type != ControlRecordType.ABORT) {
            return null;
        }
        EndTransactionMarker marker = EndTransactionMarker.deserialize(record);
        return new TransactionMarker(recordBatch.producerId(), recordBatch.producerEpoch(), marker.coordinatorEpoch(),
                type == ControlRecordType.COMMIT);
    }
}
