package io.vltava.protocol.records;

import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * A produced batch that may not be stored, with the error code the producer gets for it and, for
 * errors in individual records, which records were at fault (ProduceResponse v8+ reports them).
 *
 * <p>Threading: immutable; safe from any thread.
 */
public final class BatchValidationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Errors error;
    private final transient List<RecordError> recordErrors;

    public BatchValidationException(Errors error, String message) {
        this(error, message, List.of());
    }

    public BatchValidationException(Errors error, String message, List<RecordError> recordErrors) {
        super(message, null, false, false);
        this.error = error;
        this.recordErrors = List.copyOf(recordErrors);
    }

    public Errors error() {
        return error;
    }

    /** The records at fault, by index in the batch; empty when the batch as a whole is at fault. */
    public List<RecordError> recordErrors() {
        return recordErrors;
    }

    /**
     * One refused record: its index in the batch and why.
     *
     * <p>Threading: immutable; safe from any thread.
     */
    public record RecordError(int batchIndex, String message) {
    }
}
