package io.vltava.broker.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error a client gets for one partition when serving it failed unexpectedly (a bug, or an I/O
 * error the log did not turn into an error of its own), so that the other partitions of the request
 * are still answered: a failed read or write of the log is KAFKA_STORAGE_ERROR, anything else
 * UNKNOWN_SERVER_ERROR. Each failure is logged at error with the partition.
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class PartitionFailures {

    private static final Logger log = LoggerFactory.getLogger(PartitionFailures.class);

    private PartitionFailures() {
    }

    /**
     * Logs {@code failure} and returns the error for the partition.
     *
     * @param api       what was being done, e.g. "Produce"
     * @param topic     the topic's name, or null if unknown
     * @param partition the partition's index as the client gave it
     */
    static Errors toKafka(String api, String topic, int partition, RuntimeException failure) {
        Errors error = isStorageFailure(failure) ? Errors.KAFKA_STORAGE_ERROR : Errors.UNKNOWN_SERVER_ERROR;
        log.error("{} failed for partition {}-{}; answering {} for it", api, topic, partition, error, failure);
        return error;
    }

    /** Whether {@code failure} was caused by an {@link IOException}, as every {@link UncheckedIOException} is. */
    static boolean isStorageFailure(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
