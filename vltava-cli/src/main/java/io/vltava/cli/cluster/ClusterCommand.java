package io.vltava.cli.cluster;

import io.vltava.cli.ParentCommand;
import picocli.CommandLine.Command;

/**
 * {@code vltava cluster}: what the cluster is made of.
 *
 * <p>Threading: runs on the main thread.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Show the cluster: its id, controller, brokers and topics.",
        subcommands = ClusterInfo.class)
public final class ClusterCommand extends ParentCommand {
}
