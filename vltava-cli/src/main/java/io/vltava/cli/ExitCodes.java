package io.vltava.cli;

import io.vltava.common.config.ConfigException;

/**
 * The exit codes of the {@code vltava} command, the same for every verb.
 *
 * <p>Threading: constants only.
 */
public final class ExitCodes {

    /** It worked. */
    public static final int OK = 0;
    /** It failed at run time: the broker refused, a record could not be written, and the like. */
    public static final int FAILURE = 1;
    /** Bad usage: an unknown flag, a missing argument, a bad value or setting. */
    public static final int USAGE = 2;
    /** The topic, group or other thing named does not exist. */
    public static final int NOT_FOUND = 3;
    /** No broker answered at the bootstrap address in time. */
    public static final int UNAVAILABLE = 4;

    private ExitCodes() {
    }

    static int of(Throwable error) {
        if (error instanceof CommandFailure failure) {
            return failure.exitCode();
        }
        return error instanceof ConfigException ? USAGE : FAILURE;
    }
}
