package io.vltava.cli.config;

import io.vltava.cli.ParentCommand;
import picocli.CommandLine.Command;

/**
 * {@code vltava config}: reads and changes the configuration of a topic or a broker.
 *
 * <p>Threading: runs on the main thread.
 */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Show and change topic and broker configuration.",
        subcommands = {ConfigGet.class, ConfigSet.class})
public final class ConfigCommand extends ParentCommand {
}
