package io.vltava.storage.cleaner;

/**
 * Stops a cleaning before it completes: the cleaner is shutting down, the log's cleaning was aborted
 * (its log is being deleted or paused), or the log's segments changed under it. Nothing is lost: the
 * log keeps the segments it had, and its next cleaning starts over.
 *
 * <p>Threading: immutable.
 */
final class LogCleaningAbortedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    LogCleaningAbortedException(String message) {
        super(message, null, false, false);
    }
}
