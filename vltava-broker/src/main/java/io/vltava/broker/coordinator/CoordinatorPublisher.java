package io.vltava.broker.coordinator;

import io.vltava.broker.partition.Partition;
import io.vltava.broker.partition.ReplicaManager;
import io.vltava.common.time.Time;
import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.runtime.PartitionedCoordinator;
import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.MetadataPublisher;
import io.vltava.metadata.image.PartitionRegistration;
import io.vltava.metadata.image.TopicImage;
import java.util.HashSet;
import java.util.Set;

/**
 * Keeps a coordinator's shards in step with the leadership of its internal topic (__consumer_offsets
 * for groups, __transaction_state for transactions): a partition this broker leads is loaded, one it
 * no longer leads (or a deleted topic's) is unloaded. Must be registered after the
 * {@link ReplicaManager}, which creates the partitions first.
 *
 * <p>Threading: called on the metadata apply thread.
 */
public final class CoordinatorPublisher implements MetadataPublisher {

    private final String topicName;
    private final int localBrokerId;
    private final ReplicaManager replicaManager;
    private final PartitionedCoordinator coordinator;
    private final Time time;
    private final Set<Integer> led = new HashSet<>();

    public CoordinatorPublisher(String topicName, int localBrokerId, ReplicaManager replicaManager, PartitionedCoordinator coordinator, Time time) {
        this.topicName = topicName;
        this.localBrokerId = localBrokerId;
        this.replicaManager = replicaManager;
        this.coordinator = coordinator;
        this.time = time;
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage image) {
        TopicImage topic = image.topics().get(topicName);
        Set<Integer> nowLed = new HashSet<>();
        if (topic != null) {
            for (var entry : topic.partitions().entrySet()) {
                PartitionRegistration registration = entry.getValue();
                Partition partition = replicaManager.partition(new TopicPartition(topicName, entry.getKey()));
                if (registration.leader() == localBrokerId && partition != null) {
                    nowLed.add(entry.getKey());
                    coordinator.onElection(entry.getKey(), registration.leaderEpoch(), new CoordinatorPartitionLog(partition, time));
                }
            }
        }
        for (int partition : led) {
            if (!nowLed.contains(partition)) {
                coordinator.onResignation(partition);
            }
        }
        led.clear();
        led.addAll(nowLed);
    }
}
