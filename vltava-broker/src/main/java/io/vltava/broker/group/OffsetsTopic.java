package io.vltava.broker.group;

import io.vltava.common.topic.TopicNames;
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
 * Creates __consumer_offsets the first time a client looks for a group coordinator, as Kafka does:
 * compacted, with offsets.topic.num.partitions partitions and offsets.topic.replication.factor
 * replicas (at most as many as there are brokers).
 *
 * <p>Threading: any thread; at most one creation is in flight.
 */
public final class OffsetsTopic {

    private static final Logger log = LoggerFactory.getLogger(OffsetsTopic.class);

    private final Supplier<MetadataImage> image;
    private final QuorumController controller;
    private final int partitions;
    private final short replicationFactor;
    private final int segmentBytes;
    private final AtomicBoolean creating = new AtomicBoolean();

    public OffsetsTopic(Supplier<MetadataImage> image, QuorumController controller, int partitions, short replicationFactor, int segmentBytes) {
        this.image = image;
        this.controller = controller;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.segmentBytes = segmentBytes;
    }

    /** Whether the topic exists; if not, starts creating it. */
    public boolean exists() {
        MetadataImage current = image.get();
        if (current.topics().get(TopicNames.CONSUMER_OFFSETS) != null) {
            return true;
        }
        if (creating.compareAndSet(false, true)) {
            short replicas = (short) Math.max(1, Math.min(replicationFactor, current.brokers().size()));
            CreatableTopic topic = new CreatableTopic().setName(TopicNames.CONSUMER_OFFSETS).setNumPartitions(partitions)
                    .setReplicationFactor(replicas);
            topic.configs().add(new CreatableTopicConfig().setName("cleanup.policy").setValue("compact"));
            topic.configs().add(new CreatableTopicConfig().setName("segment.bytes").setValue(Integer.toString(segmentBytes)));
            topic.configs().add(new CreatableTopicConfig().setName("compression.type").setValue("producer"));
            CreateTopicsRequestData request = new CreateTopicsRequestData();
            request.topics().add(topic);
            log.info("Creating {} with {} partitions and replication factor {}", TopicNames.CONSUMER_OFFSETS, partitions, replicas);
            controller.createTopics(request).whenComplete((response, failure) -> {
                creating.set(false);
                if (failure != null) {
                    log.warn("Cannot create {}", TopicNames.CONSUMER_OFFSETS, failure);
                }
            });
        }
        return false;
    }
}
