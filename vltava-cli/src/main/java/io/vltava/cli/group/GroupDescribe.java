package io.vltava.cli.group;

import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.output.OutputOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code vltava group describe}: a group's state and members, and per partition its committed offset,
 * the log end offset, the lag and the member that owns it.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show a group's state, members, and per partition the committed offset, log end offset, lag and owner.")
final class GroupDescribe implements Callable<Integer> {

    private static final Comparator<TopicPartition> BY_PARTITION = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Parameters(paramLabel = "GROUP", description = "The group id.")
    private String group;

    @Override
    public Integer call() {
        try (Admin admin = client.admin()) {
            ConsumerGroupDescription description = Groups.describe(client, admin, group);
            Map<TopicPartition, Long> committed = Groups.committed(client, admin, group);
            Map<TopicPartition, MemberDescription> owners = new HashMap<>();
            for (MemberDescription member : description.members()) {
                member.assignment().topicPartitions().forEach(tp -> owners.put(tp, member));
            }
            TreeSet<TopicPartition> partitions = new TreeSet<>(BY_PARTITION);
            partitions.addAll(committed.keySet());
            partitions.addAll(owners.keySet());
            Map<TopicPartition, Long> ends = Groups.offsetsOrNone(admin, partitions, OffsetSpec.latest());

            List<OffsetRow> offsets = partitions.stream().map(tp -> {
                Long current = committed.get(tp);
                Long end = ends.get(tp);
                MemberDescription owner = owners.get(tp);
                return new OffsetRow(tp.topic(), tp.partition(), current, end, current == null || end == null ? null : Math.max(0, end - current),
                        owner == null ? null : owner.consumerId(), owner == null ? null : owner.host(), owner == null ? null : owner.clientId());
            }).toList();
            List<MemberRow> members = description.members().stream()
                    .sorted(Comparator.comparing(MemberDescription::consumerId))
                    .map(m -> new MemberRow(m.consumerId(), m.groupInstanceId().orElse(null), m.clientId(), m.host(),
                            m.assignment().topicPartitions().stream().sorted(BY_PARTITION).map(TopicPartition::toString).toList()))
                    .toList();
            output.printer().print(new Description(group, coordinator(description.coordinator()), Groups.name(description.groupState()),
                    Groups.type(description.type()), description.partitionAssignor().isEmpty() ? null : description.partitionAssignor(),
                    members.size(), members, offsets));
        }
        return ExitCodes.OK;
    }

    private static String coordinator(Node node) {
        return node == null || node.isEmpty() ? null : node.id() + " (" + node.host() + ":" + node.port() + ")";
    }

    /** A group as {@code describe} shows it. */
    record Description(String group, String coordinator, String state, String type, String assignor, int memberCount,
                       List<MemberRow> members, List<OffsetRow> offsets) {
    }

    /** One member and the partitions assigned to it. */
    record MemberRow(String memberId, String groupInstanceId, String clientId, String host, List<String> partitions) {
    }

    /** One partition: the group's committed offset, the log end offset, the lag, and the member that owns it. */
    record OffsetRow(String topic, int partition, Long currentOffset, Long logEndOffset, Long lag, String memberId, String host,
                     String clientId) {
    }
}
