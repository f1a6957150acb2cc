package io.vltava.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vltava} command: the entry point of {@code bin/vltava}.
 *
 * <p>Exit codes: 0 success, 1 failure at run time, 2 bad usage or configuration.
 *
 * <p>Threading: runs on the main thread; the server command then waits there for a stop signal.
 */
@Command(name = "vltava", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Vltava: a streaming platform that speaks Apache Kafka's protocol.",
        subcommands = {ServerCommand.class, VersionCommand.class})
public final class Vltava implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code. */
    public static int execute(String... args) {
        return new CommandLine(new Vltava()).setExitCodeExceptionMapper(ExitCodes::of).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
