package io.vltava.broker.coordinator;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Unwraps the failures of coordinator futures to the exception that names the error.
 *
 * <p>Threading: stateless.
 */
public final class CoordinatorFailures {

    private CoordinatorFailures() {
    }

    public static Throwable cause(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
