package io.vltava.cli;

import picocli.CommandLine;

/**
 * A command that only holds verbs ({@code vltava topic}, {@code vltava group}, ...): run without one,
 * it prints its usage.
 *
 * <p>Threading: runs on the main thread.
 */
public abstract class ParentCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
