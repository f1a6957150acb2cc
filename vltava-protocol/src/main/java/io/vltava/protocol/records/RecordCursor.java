package io.vltava.protocol.records;

/**
 * The records of one produced batch, one at a time, exposing only what validation checks: the offset
 * delta, the timestamp and whether the record has a key. A cursor throws kafka-clients'
 * {@code InvalidRecordException} or {@code CorruptRecordException} for a record it cannot read.
 *
 * <p>Threading: one cursor per validation, on one thread.
 */
interface RecordCursor extends AutoCloseable {

    /** Moves to the next record; false after the last one. */
    boolean next();

    int offsetDelta();

    long timestamp();

    boolean hasKey();

    @Override
    void close();
}
