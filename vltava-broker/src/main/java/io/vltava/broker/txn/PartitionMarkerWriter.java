package io.vltava.broker.txn;

import io.vltava.broker.partition.Partition;
import io.vltava.broker.partition.ReplicaManager;
import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.group.GroupCoordinator;
import io.vltava.coordinator.txn.TransactionMarkerWriter;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.TopicImage;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;

/**
 * The transaction coordinator's markers, written in-process: a control batch appended to each
 * partition this broker leads ({@link Partition#appendTransactionMarker}), and the group coordinator
 * told the outcome of each group's transactional offsets. A partition whose topic no longer exists is
 * skipped; one this broker does not lead fails (and is retried) until WriteTxnMarkers between brokers
 * exists.
 *
 * <p>Threading: any thread.
 */
public final class PartitionMarkerWriter implements TransactionMarkerWriter {

    private final ReplicaManager replicaManager;
    private final Supplier<MetadataImage> image;
    private final Supplier<GroupCoordinator> groups;

    public PartitionMarkerWriter(ReplicaManager replicaManager, Supplier<MetadataImage> image, Supplier<GroupCoordinator> groups) {
        this.replicaManager = replicaManager;
        this.image = image;
        this.groups = groups;
    }

    @Override
    public CompletableFuture<Void> writeMarker(TopicPartition partition, long producerId, short producerEpoch, int coordinatorEpoch, boolean commit) {
        TopicImage topic = image.get().topics().get(partition.topic());
        if (topic == null || !topic.partitions().containsKey(partition.partition())) {
            return CompletableFuture.completedFuture(null);
        }
        Partition local = replicaManager.partition(partition);
        if (local == null || !local.isLeader()) {
            return CompletableFuture.failedFuture(new NotLeaderOrFollowerException("This broker does not lead " + partition));
        }
        try {
            return local.appendTransactionMarker(producerId, producerEpoch, coordinatorEpoch, commit).durable().thenApply(ignored -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> completeGroup(String groupId, long producerId, short producerEpoch, boolean commit) {
        return groups.get().completeTransaction(groupId, producerId, producerEpoch, commit);
    }
}
