package io.vltava.coordinator.txn;

import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.group.record.RecordDecoder;
import io.vltava.coordinator.group.record.RecordEncoder;
import io.vltava.coordinator.runtime.CoordinatorRecord;

/**
 * The records of __transaction_state: one per transactional id, its whole state, so compaction keeps
 * only the latest. Fields are big-endian in the layout of {@link RecordEncoder} (strings: int16 length
 * + UTF-8).
 *
 * <pre>
 * key:   int16 type (1 = transaction) | string transactional id
 * value: int16 version (0) | int64 producer id | int64 last producer id | int16 producer epoch
 *        | int16 last producer epoch | int32 timeout ms | int16 state ({@link TransactionState#id()})
 *        | int32 partition count | (string topic | int32 partition)* | int32 group count | string group*
 *        | int64 transaction start ms (-1 if none) | int64 last update ms
 *        (absent: a tombstone, the id has expired)
 * </pre>
 * A type or version this code does not know fails the load.
 *
 * <p>Threading: stateless.
 */
public final class TransactionRecords {

    static final short TRANSACTION_TYPE = 1;
    private static final short VERSION = 0;

    private TransactionRecords() {
    }

    public static byte[] key(String transactionalId) {
        return new RecordEncoder().int16(TRANSACTION_TYPE).string(transactionalId).toByteArray();
    }

    /** The record of {@code txn}'s current state. */
    public static CoordinatorRecord record(TransactionMetadata txn) {
        RecordEncoder value = RecordEncoder.value(VERSION).int64(txn.producerId).int64(txn.lastProducerId).int16(txn.producerEpoch)
                .int16(txn.lastProducerEpoch).int32(txn.timeoutMs).int16(txn.state.id()).int32(txn.partitions.size());
        for (TopicPartition partition : txn.partitions) {
            value.string(partition.topic()).int32(partition.partition());
        }
        value.int32(txn.groups.size());
        for (String group : txn.groups) {
            value.string(group);
        }
        value.int64(txn.startTimestamp).int64(txn.lastUpdateTimestamp);
        return new CoordinatorRecord(key(txn.transactionalId), value.toByteArray());
    }

    public static CoordinatorRecord tombstone(String transactionalId) {
        return CoordinatorRecord.tombstone(key(transactionalId));
    }

    /** The transactional id a key names. */
    public static String readKey(byte[] key) {
        RecordDecoder decoder = new RecordDecoder(key);
        short type = decoder.int16();
        if (type != TRANSACTION_TYPE) {
            throw new IllegalStateException("Unknown __transaction_state record type " + type);
        }
        String transactionalId = decoder.string();
        decoder.end();
        return transactionalId;
    }

    /** The state a value describes. */
    public static TransactionMetadata readValue(String transactionalId, byte[] value) {
        RecordDecoder decoder = new RecordDecoder(value);
        short version = decoder.int16();
        if (version != VERSION) {
            throw new IllegalStateException("Unknown __transaction_state value version " + version);
        }
        TransactionMetadata txn = new TransactionMetadata(transactionalId);
        txn.producerId = decoder.int64();
        txn.lastProducerId = decoder.int64();
        txn.producerEpoch = decoder.int16();
        txn.lastProducerEpoch = decoder.int16();
        txn.timeoutMs = decoder.int32();
        txn.state = TransactionState.of(decoder.int16());
        int partitions = decoder.count(6);
        for (int i = 0; i < partitions; i++) {
            txn.partitions.add(new TopicPartition(decoder.string(), decoder.int32()));
        }
        int groups = decoder.count(2);
        for (int i = 0; i < groups; i++) {
            txn.groups.add(decoder.string());
        }
        txn.startTimestamp = decoder.int64();
        txn.lastUpdateTimestamp = decoder.int64();
        decoder.end();
        return txn;
    }
}
