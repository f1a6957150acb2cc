package io.vltava.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docs/cli.md is generated from the commands' own help, so it cannot drift from the code. Run with
 * {@code -Dvltava.docs.update=true} to rewrite it.
 */
class CommandReferenceTest {

    private static final Path REFERENCE = Path.of("..", "docs", "cli.md");

    @Test
    void referenceMatchesTheCommands() throws IOException {
        String expected = render();
        if (Boolean.getBoolean("vltava.docs.update")) {
            Files.writeString(REFERENCE, expected, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8))
                .as("docs/cli.md is out of date: run bin/test -pl vltava-cli -Dtest=CommandReferenceTest -Dvltava.docs.update=true")
                .isEqualTo(expected);
    }

    @Test
    void everyCommandHasHelp() {
        assertThat(Vltava.execute("topic", "create", "--help")).isZero();
        walk(new CommandLine(new Vltava()), command -> assertThat(command.getCommandSpec().usageMessage().description())
                .as("description of %s", command.getCommandSpec().qualifiedName()).isNotEmpty());
    }

    static String render() {
        StringBuilder out = new StringBuilder();
        out.append("# The vltava command\n\n");
        out.append("Generated from the commands' help by `CommandReferenceTest`; do not edit by hand. Every command\n");
        out.append("also prints this with `--help`.\n\n");
        out.append("Exit codes, the same for every command: 0 success; 1 failure at run time; 2 bad usage (an unknown\n");
        out.append("flag, a bad value or setting); 3 the topic, group or other thing named does not exist; 4 no broker\n");
        out.append("answered at the bootstrap address in time. A failure is one line on standard error, starting\n");
        out.append("with `vltava:`; `--verbose` adds the stack trace and the Kafka clients' warnings.\n\n");
        out.append("Shell completion for bash and zsh: `source <(vltava completion)`.\n");
        CommandLine root = new CommandLine(new Vltava());
        walk(root, command -> {
            out.append("\n## ").append(command.getCommandSpec().qualifiedName()).append("\n\n```\n");
            out.append(command.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()).append("\n```\n");
        });
        return out.toString();
    }

    private static void walk(CommandLine command, Consumer<CommandLine> visit) {
        visit.accept(command);
        for (CommandLine sub : command.getSubcommands().values().stream().distinct().toList()) {
            walk(sub, visit);
        }
    }
}
