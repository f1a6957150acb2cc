package io.vltava.cli.quota;

import io.vltava.cli.ParentCommand;
import picocli.CommandLine.Command;

/**
 * {@code vltava quota}: lists, sets and deletes client quotas.
 *
 * <p>Threading: runs on the main thread.
 */
@Command(name = "quota", mixinStandardHelpOptions = true,
        description = "Show and change client quotas (producer_byte_rate, consumer_byte_rate, request_percentage, controller_mutation_rate).",
        subcommands = {QuotaList.class, QuotaSet.class, QuotaDelete.class})
public final class QuotaCommand extends ParentCommand {
}
