package io.vltava.cli.group;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.TopicPartitions;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;

/**
 * What the group verbs ask the cluster for: a group's description (an unknown group is not found,
 * though the broker answers with a dead one), its committed offsets and the partitions' offsets.
 *
 * <p>Threading: stateless.
 */
final class Groups {

    private Groups() {
    }

    /** The group, or a not-found failure if it does not exist. */
    static ConsumerGroupDescription describe(ClientOptions client, Admin admin, String group) {
        ConsumerGroupDescription description = client.await(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group),
                GroupCommand.subject(group));
        if (description.groupState() == GroupState.DEAD) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, GroupCommand.subject(group) + " does not exist");
        }
        return description;
    }

    /** The group's committed offsets, by partition. */
    static Map<TopicPartition, Long> committed(ClientOptions client, Admin admin, String group) {
        Map<TopicPartition, OffsetAndMetadata> offsets = client.await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
                GroupCommand.subject(group));
        Map<TopicPartition, Long> committed = new HashMap<>();
        offsets.forEach((tp, offset) -> {
            if (offset != null) {
                committed.put(tp, offset.offset());
            }
        });
        return committed;
    }

    /** The offsets {@code spec} names; a partition whose offset cannot be had (its topic is gone) is left out. */
    static Map<TopicPartition, Long> offsetsOrNone(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec) {
        ListOffsetsResult result = admin.listOffsets(specs(partitions, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            try {
                offsets.put(tp, result.partitionResult(tp).get().offset());
            } catch (ExecutionException e) {
                // the partition has no offsets to show; its row says so
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailure(ExitCodes.FAILURE, "interrupted");
            }
        }
        return offsets;
    }

    /** The offsets {@code spec} names for every partition; any failure fails the command. */
    static Map<TopicPartition, Long> offsets(ClientOptions client, Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> infos = client.await(admin.listOffsets(specs(partitions, spec)).all(),
                topics(partitions));
        return infos.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** A group state as Kafka's tools show it ({@code Stable}), or null. */
    static String name(GroupState state) {
        return state == null ? null : state.toString();
    }

    /** A group type in lower case ({@code classic}, {@code consumer}), or null. */
    static String type(GroupType type) {
        return type == null ? null : type.toString().toLowerCase(Locale.ROOT);
    }

    private static Map<TopicPartition, OffsetSpec> specs(Collection<TopicPartition> partitions, OffsetSpec spec) {
        return partitions.stream().distinct().collect(Collectors.toMap(Function.identity(), tp -> spec));
    }

    private static String topics(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::topic).distinct().sorted().map(TopicPartitions::subject)
                .collect(Collectors.joining(", "));
    }
}
