package io.vltava.cli.topic;

import io.vltava.cli.ParentCommand;
import picocli.CommandLine.Command;

/**
 * {@code vltava topic}: creates, lists, describes, changes and deletes topics.
 *
 * <p>Threading: runs on the main thread.
 */
@Command(name = "topic", mixinStandardHelpOptions = true, description = "Create, list, describe, change and delete topics.",
        subcommands = {TopicCreate.class, TopicList.class, TopicDescribe.class, TopicDelete.class, TopicAlterConfig.class,
                TopicAddPartitions.class})
public final class TopicCommand extends ParentCommand {
}
