package io.vltava.cli.perf;

import io.vltava.cli.ParentCommand;
import picocli.CommandLine.Command;

/**
 * {@code vltava perf}: load tools for any Kafka-compatible broker (produce, consume, end-to-end).
 *
 * <p>Threading: runs on the main thread; each tool starts its own client threads.
 */
@Command(name = "perf", mixinStandardHelpOptions = true,
        description = "Measure a cluster: produce and consume throughput and latency, and end-to-end latency.",
        subcommands = {PerfProduce.class, PerfConsume.class, PerfE2e.class})
public final class PerfCommand extends ParentCommand {
}
