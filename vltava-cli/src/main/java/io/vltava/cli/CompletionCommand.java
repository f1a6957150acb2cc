package io.vltava.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vltava completion}: prints a bash (and zsh) completion script for every verb and flag.
 *
 * <p>Threading: runs on the main thread.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script for bash or zsh.",
                "Load it in the current shell with:  source <(vltava completion)",
                "or install it with:  vltava completion > /etc/bash_completion.d/vltava"})
final class CompletionCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        System.out.print(AutoComplete.bash("vltava", spec.root().commandLine()));
    }
}
