package io.vltava.cli.group;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.output.OutputOption;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vltava group list}: lists the groups with their type, state and protocol type. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List groups.")
final class GroupList implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Option(names = "--state", paramLabel = "STATE", description = "Only groups in this state (e.g. Empty, Stable); repeatable.")
    private List<String> states = List.of();

    @Option(names = "--type", paramLabel = "TYPE", description = "Only groups of this type (classic, consumer, share, streams); repeatable.")
    private List<String> types = List.of();

    @Override
    public Integer call() {
        ListGroupsOptions options = new ListGroupsOptions();
        if (!states.isEmpty()) {
            options.inGroupStates(Set.copyOf(states.stream().map(GroupList::state).toList()));
        }
        if (!types.isEmpty()) {
            options.withTypes(Set.copyOf(types.stream().map(GroupList::type).toList()));
        }
        try (Admin admin = client.admin()) {
            List<Row> rows = client.await(admin.listGroups(options).all(), "the group list").stream()
                    .sorted(Comparator.comparing(GroupListing::groupId))
                    .map(g -> new Row(g.groupId(), Groups.type(g.type().orElse(null)), Groups.name(g.groupState().orElse(null)),
                            g.protocol().isEmpty() ? null : g.protocol()))
                    .toList();
            output.printer().print(rows);
        }
        return ExitCodes.OK;
    }

    private static GroupState state(String name) {
        GroupState state = GroupState.parse(name.replace("-", "").replace("_", ""));
        if (state == GroupState.UNKNOWN) {
            throw new CommandFailure(ExitCodes.USAGE, "'" + name + "' is not a group state (for example Empty, Stable, PreparingRebalance)");
        }
        return state;
    }

    private static GroupType type(String name) {
        GroupType type = GroupType.parse(name);
        if (type == GroupType.UNKNOWN) {
            throw new CommandFailure(ExitCodes.USAGE, "'" + name + "' is not a group type (classic, consumer, share or streams)");
        }
        return type;
    }

    /** One group in the list. */
    record Row(String group, String type, String state, String protocolType) {
    }
}
