package io.vltava.broker.api;

import io.vltava.storage.log.AppendError;
import org.apache.kafka.common.protocol.Errors;

/**
 * The Kafka error code a producer gets for each reason the log refuses an append.
 *
 * <p>Threading: stateless.
 */
final class StorageErrors {

    private StorageErrors() {
    }

    static Errors toKafka(AppendError error) {
        return switch (error) {
            case OUT_OF_ORDER_SEQUENCE -> Errors.OUT_OF_ORDER_SEQUENCE_NUMBER;
            case INVALID_PRODUCER_EPOCH -> Errors.INVALID_PRODUCER_EPOCH;
            case TRANSACTION_COORDINATOR_FENCED -> Errors.TRANSACTION_COORDINATOR_FENCED;
            case INVALID_TXN_STATE -> Errors.INVALID_TXN_STATE;
            case BATCH_LARGER_THAN_SEGMENT -> Errors.RECORD_LIST_TOO_LARGE;
            case STORAGE_ERROR -> Errors.KAFKA_STORAGE_ERROR;
        };
    }
}
