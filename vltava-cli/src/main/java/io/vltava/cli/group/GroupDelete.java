package io.vltava.cli.group;

import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.output.OutputOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DeleteConsumerGroupsResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vltava group delete}: deletes groups that have no active members, with their committed offsets. */
@Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true,
        description = "Delete groups and their committed offsets; a group with active members is refused.")
final class GroupDelete implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Parameters(paramLabel = "GROUP", arity = "1..*", description = "Groups to delete.")
    private List<String> groups;

    @Override
    public Integer call() {
        try (Admin admin = client.admin()) {
            DeleteConsumerGroupsResult result = admin.deleteConsumerGroups(groups);
            List<Deleted> deleted = new ArrayList<>();
            for (String group : groups) {
                client.await(result.deletedGroups().get(group), GroupCommand.subject(group));
                deleted.add(new Deleted(group, "deleted"));
            }
            output.printer().print(deleted);
        }
        return ExitCodes.OK;
    }

    /** A deleted group. */
    record Deleted(String group, String status) {
    }
}
