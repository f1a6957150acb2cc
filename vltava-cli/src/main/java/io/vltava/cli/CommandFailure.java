package io.vltava.cli;

/**
 * Ends a command with one line for the user and an {@linkplain ExitCodes exit code}; no stack trace is
 * printed unless {@code --verbose} is given.
 *
 * <p>Threading: an exception, thrown and caught on the command's thread.
 */
public final class CommandFailure extends RuntimeException {

    private final int exitCode;

    public CommandFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CommandFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
