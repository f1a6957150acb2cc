package io.vltava.protocol.frame;

/**
 * A frame that cannot be a Kafka request: a size prefix out of range, a header that does not parse,
 * an API or version this broker does not serve, or a body that does not fill its frame exactly. The
 * protocol gives no way to answer such a frame, so the connection that sent it is closed.
 *
 * <p>Threading: immutable; safe from any thread.
 */
public final class InvalidFrameException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidFrameException(String message) {
        super(message);
    }

    public InvalidFrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
