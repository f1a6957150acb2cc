package io.vltava.cli;

import io.vltava.common.config.ConfigException;

/** The exit codes of the {@code vltava} command. */
final class ExitCodes {

    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    private ExitCodes() {
    }

    static int of(Throwable error) {
        return error instanceof ConfigException ? USAGE : FAILURE;
    }
}
