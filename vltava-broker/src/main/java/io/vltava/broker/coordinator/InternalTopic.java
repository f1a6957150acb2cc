package io.vltava.broker.coordinator;

import io.vltava.metadata.controller.QuorumController;
import io.vltava.metadata.image.MetadataImage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator's internal topic (__consumer_offsets, __transaction_state), created the first time a
 * client looks for such a coordinator, as Kafka does: compacted, with its configured partitions and
 * replicas (at most as many as there are brokers).
 *
 * <p>Threading: any thread; at most one creation is in flight.
 */
public final class InternalTopic {

    private static final Logger log = LoggerFactory.getLogger(InternalTopic.class);

    private final String name;
    private final Supplier<MetadataImage> image;
    private final QuorumController controller;
    private final int partitions;
    private final short replicationFactor;
    private final int segmentBytes;
    private final int minInsyncReplicas;
    private final AtomicBoolean creating = new AtomicBoolean();

    /** @param minInsyncReplicas its min.insync.replicas, at most its replicas; 0 for the broker's default */
    public InternalTopic(String name, Supplier<MetadataImage> image, QuorumController controller, int partitions, short replicationFactor,
                         int segmentBytes, int minInsyncReplicas) {
        this.name = name;
        this.image = image;
        this.controller = controller;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.segmentBytes = segmentBytes;
        this.minInsyncReplicas = minInsyncReplicas;
    }

    public String name() {
        return name;
    }

    /** Whether the topic exists; if not, starts creating it. */
    public boolean exists() {
        MetadataImage current = image.get();
        if (current.topics().get(name) != null) {
            return true;
        }
        if (creating.compareAndSet(false, true)) {
            short replicas = (short) Math.max(1, Math.min(replicationFactor, current.brokers().size()));
            CreatableTopic topic = new CreatableTopic().setName(name).setNumPartitions(partitions).setReplicationFactor(replicas);
            topic.configs().add(new CreatableTopicConfig().setName("cleanup.policy").setValue("compact"));
            topic.configs().add(new CreatableTopicConfig().setName("segment.bytes").setValue(Integer.toString(segmentBytes)));
            topic.configs().add(new CreatableTopicConfig().setName("compression.type").setValue("producer"));
            if (minInsyncReplicas > 0) {
                topic.configs().add(new CreatableTopicConfig().setName("min.insync.replicas").setValue(Integer.toString(Math.min(minInsyncReplicas, replicas))));
            }
            CreateTopicsRequestData request = new CreateTopicsRequestData();
            request.topics().add(topic);
            log.info("Creating {} with {} partitions and replication factor {}", name, partitions, replicas);
            controller.createTopics(request).whenComplete((response, failure) -> {
                creating.set(false);
                if (failure != null) {
                    log.warn("Cannot create {}", name, failure);
                }
            });
        }
        return false;
    }
}
