package io.vltava.cli.cluster;

import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.output.OutputOption;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vltava cluster info}: the cluster id, the controller, the brokers, and how many topics and partitions there are. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the cluster id, the controller, the brokers, and the topic and partition counts.")
final class ClusterInfo implements Callable<Integer> {

    private static final String SUBJECT = "the cluster";

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Override
    public Integer call() {
        try (Admin admin = client.admin()) {
            DescribeClusterResult cluster = admin.describeCluster();
            String clusterId = client.await(cluster.clusterId(), SUBJECT);
            Node controller = client.await(cluster.controller(), SUBJECT);
            Collection<Node> nodes = client.await(cluster.nodes(), SUBJECT);
            Set<String> names = client.await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names(), SUBJECT);
            Map<String, TopicDescription> topics = client.await(admin.describeTopics(names).allTopicNames(), SUBJECT);
            List<BrokerRow> brokers = nodes.stream().sorted(Comparator.comparingInt(Node::id))
                    .map(n -> new BrokerRow(n.id(), n.host(), n.port(), n.rack()))
                    .toList();
            long internal = topics.values().stream().filter(TopicDescription::isInternal).count();
            int partitions = topics.values().stream().mapToInt(t -> t.partitions().size()).sum();
            output.printer().print(new Info(clusterId, controller == null || controller.isEmpty() ? null : controller.id(), brokers.size(),
                    topics.size() - (int) internal, (int) internal, partitions, brokers));
        }
        return ExitCodes.OK;
    }

    /** The cluster as {@code info} shows it; partitions count those of internal topics too. */
    record Info(String clusterId, Integer controller, int brokerCount, int topics, int internalTopics, int partitions, List<BrokerRow> brokers) {
    }

    /** One broker and where it listens. */
    record BrokerRow(int id, String host, int port, String rack) {
    }
}
