package io.vltava.cli.topic;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.TopicPartitions;
import io.vltava.cli.config.ConfigSources;
import io.vltava.cli.output.OutputOption;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code vltava topic describe}: a topic's partitions (leader, replicas, in-sync replicas, offsets,
 * size on disk) and its configuration with where each value comes from.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show a topic's partitions (leaders, replicas, ISR, offsets, sizes) and configuration.")
final class TopicDescribe implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Parameters(paramLabel = "TOPIC", description = "Name of the topic.")
    private String topic;

    @Override
    public Integer call() {
        String subject = TopicPartitions.subject(topic);
        try (Admin admin = client.admin()) {
            TopicDescription description = client.await(admin.describeTopics(List.of(topic)).allTopicNames(), subject).get(topic);
            List<TopicPartition> partitions = description.partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, ListOffsetsResultInfo> earliest = client.await(
                    admin.listOffsets(specs(partitions, OffsetSpec.earliest())).all(), subject);
            Map<TopicPartition, ListOffsetsResultInfo> latest = client.await(
                    admin.listOffsets(specs(partitions, OffsetSpec.latest())).all(), subject);
            Map<TopicPartition, Long> sizes = sizes(admin, description, subject);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = client.await(admin.describeConfigs(List.of(resource)).all(), subject).get(resource);

            List<PartitionRow> partitionRows = description.partitions().stream()
                    .sorted(Comparator.comparingInt(TopicPartitionInfo::partition))
                    .map(p -> {
                        TopicPartition tp = new TopicPartition(topic, p.partition());
                        return new PartitionRow(p.partition(), p.leader() == null ? null : p.leader().id(), ids(p.replicas()), ids(p.isr()),
                                earliest.get(tp).offset(), latest.get(tp).offset(), sizes.get(tp));
                    })
                    .toList();
            List<ConfigRow> configRows = config.entries().stream()
                    .sorted(Comparator.comparing(ConfigEntry::name))
                    .map(e -> new ConfigRow(e.name(), e.isSensitive() ? "(sensitive)" : e.value(), ConfigSources.label(e.source())))
                    .toList();
            int replicationFactor = description.partitions().isEmpty() ? 0 : description.partitions().get(0).replicas().size();
            output.printer().print(new Description(topic, description.topicId().toString(), description.isInternal(),
                    description.partitions().size(), replicationFactor, partitionRows, configRows));
        }
        return ExitCodes.OK;
    }

    private static Map<TopicPartition, OffsetSpec> specs(List<TopicPartition> partitions, OffsetSpec spec) {
        return partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> spec));
    }

    /** Bytes on disk per partition, from the leaders' log directories; none where a broker cannot tell. */
    private Map<TopicPartition, Long> sizes(Admin admin, TopicDescription description, String subject) {
        Set<Integer> brokers = description.partitions().stream().map(TopicPartitionInfo::leader)
                .filter(leader -> leader != null).map(Node::id).collect(Collectors.toSet());
        Map<Integer, Map<String, LogDirDescription>> logDirs;
        try {
            logDirs = client.await(admin.describeLogDirs(brokers).allDescriptions(), subject);
        } catch (CommandFailure e) {
            if (e.getCause() instanceof UnsupportedVersionException) {
                return Map.of();
            }
            throw e;
        }
        Map<TopicPartition, Long> sizes = new HashMap<>();
        for (Map<String, LogDirDescription> dirs : logDirs.values()) {
            for (LogDirDescription dir : dirs.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                    if (replica.getKey().topic().equals(topic)) {
                        sizes.merge(replica.getKey(), replica.getValue().size(), Math::max);
                    }
                }
            }
        }
        return sizes;
    }

    private static List<Integer> ids(Collection<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    /** A topic as {@code describe} shows it. */
    record Description(String name, String topicId, boolean internal, int partitionCount, int replicationFactor,
                       List<PartitionRow> partitions, List<ConfigRow> configs) {
    }

    /** One partition: its leader and replicas, and its first and next offsets and size. */
    record PartitionRow(int partition, Integer leader, List<Integer> replicas, List<Integer> isr, long logStartOffset,
                        long logEndOffset, Long sizeBytes) {
    }

    /** One configuration entry and where its value comes from. */
    record ConfigRow(String key, String value, String source) {
    }
}
