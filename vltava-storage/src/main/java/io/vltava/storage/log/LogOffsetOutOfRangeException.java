package io.vltava.storage.log;

/** A read or lookup at an offset below the log start offset or above the log end offset. */
public final class LogOffsetOutOfRangeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LogOffsetOutOfRangeException(String message) {
        super(message);
    }
}
