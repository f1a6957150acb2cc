package io.vltava.storage.log;

/**
 * An append the log refused, with the reason as an {@link AppendError}. Nothing of the refused batches
 * was written.
 */
public final class LogAppendException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final AppendError error;

    public LogAppendException(AppendError error, String message) {
        super(message);
        this.error = error;
    }

    public LogAppendException(AppendError error, String message, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    public AppendError error() {
        return error;
    }
}
