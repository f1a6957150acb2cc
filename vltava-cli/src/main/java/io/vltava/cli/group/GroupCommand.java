package io.vltava.cli.group;

import io.vltava.cli.ParentCommand;
import picocli.CommandLine.Command;

/**
 * {@code vltava group}: lists, describes and deletes consumer groups and resets their committed
 * offsets.
 *
 * <p>Threading: runs on the main thread.
 */
@Command(name = "group", mixinStandardHelpOptions = true, description = "List, describe and delete consumer groups; reset their offsets.",
        subcommands = {GroupList.class, GroupDescribe.class, GroupDelete.class, GroupResetOffsets.class})
public final class GroupCommand extends ParentCommand {

    static String subject(String group) {
        return "group '" + group + "'";
    }
}
