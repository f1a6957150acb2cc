package io.vltava.broker.producer;

import io.vltava.common.topic.TopicPartition;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.Errors;

/**
 * Asks a transactional producer's coordinator whether a partition is in the producer's ongoing
 * transaction, before the transaction's first batch on that partition is appended (KIP-890's
 * verification): a batch outside any transaction its coordinator knows would leave the partition's
 * last stable offset stuck.
 *
 * <p>Threading: any thread; the future completes on the coordinator's thread of the transactional id.
 */
@FunctionalInterface
public interface TransactionVerifier {

    /**
     * @return NONE if the partition is in the transaction, else the error the produce gets
     *     (INVALID_TXN_STATE, PRODUCER_FENCED, ... or NOT_ENOUGH_REPLICAS when the coordinator cannot answer now)
     */
    CompletableFuture<Errors> verify(String transactionalId, long producerId, short producerEpoch, TopicPartition partition);
}
