package io.vltava.cli.config;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.TopicPartitions;
import java.util.Collection;
import java.util.Comparator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Option;

/**
 * The {@code --topic} or {@code --broker} whose configuration a {@code config} verb works on; used as
 * an exclusive picocli argument group. Without either, it is the broker with the lowest id.
 *
 * <p>Threading: filled in by picocli, then read by the command's thread.
 */
final class ConfigTarget {

    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC", required = true, description = "A topic's configuration.")
    private String topic;

    @Option(names = "--broker", paramLabel = "ID", required = true, description = "A broker's configuration.")
    private Integer broker;

    /** The resource {@code target} names, or the broker with the lowest id if {@code target} is null. */
    static ConfigResource resource(ConfigTarget target, ClientOptions client, Admin admin) {
        if (target != null && target.topic != null) {
            return new ConfigResource(ConfigResource.Type.TOPIC, target.topic);
        }
        Collection<Node> nodes = client.await(admin.describeCluster().nodes(), "the cluster");
        if (target == null) {
            Node first = nodes.stream().min(Comparator.comparingInt(Node::id))
                    .orElseThrow(() -> new CommandFailure(ExitCodes.UNAVAILABLE, "the cluster has no brokers"));
            return new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(first.id()));
        }
        if (nodes.stream().noneMatch(node -> node.id() == target.broker)) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, "broker " + target.broker + " does not exist");
        }
        return new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(target.broker));
    }

    /** How failures name {@code resource}: {@code topic 'orders'} or {@code broker 1}. */
    static String subject(ConfigResource resource) {
        return resource.type() == ConfigResource.Type.TOPIC ? TopicPartitions.subject(resource.name()) : "broker " + resource.name();
    }
}
