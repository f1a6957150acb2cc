package io.vltava.network;

/**
 * Completes a request's future when the connection must be closed instead of answered, e.g. an
 * {@code acks=0} produce that failed: the client learns of the failure only by losing its connection.
 *
 * <p>Threading: immutable; safe from any thread.
 */
public final class CloseConnectionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CloseConnectionException(String reason) {
        super(reason, null, false, false);
    }
}
