package io.vltava.broker.partition;

import io.vltava.broker.config.TopicConfigResolver;
import io.vltava.broker.config.TopicSettings;
import io.vltava.common.topic.TopicPartition;
import io.vltava.metadata.image.ConfigResource;
import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.MetadataPublisher;
import io.vltava.metadata.image.PartitionRegistration;
import io.vltava.metadata.image.TopicImage;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.storage.LogCreateRequest;
import io.vltava.storage.LogManager;
import io.vltava.storage.log.PartitionLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker holds replicas of, kept in step with the metadata: it creates a
 * partition's log when the metadata assigns it here, follows leader and ISR changes, applies topic
 * configuration changes to the logs, and deletes the logs of deleted topics. On the first update (the
 * whole image) it also deletes logs the metadata no longer knows, such as those of a topic deleted
 * while the broker was down.
 *
 * <p>Threading: {@link #onMetadataUpdate} on the metadata apply thread; lookups from any thread.
 */
public final class ReplicaManager implements MetadataPublisher {

    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    private final int localBrokerId;
    private final LogManager logManager;
    private final TopicConfigResolver configs;
    private final ConcurrentHashMap<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private boolean initialised;

    public ReplicaManager(int localBrokerId, LogManager logManager, TopicConfigResolver configs) {
        this.localBrokerId = localBrokerId;
        this.logManager = logManager;
        this.configs = configs;
    }

    /** The local replica of {@code tp}, or null. */
    public Partition partition(TopicPartition tp) {
        return partitions.get(tp);
    }

    public Collection<Partition> partitions() {
        return partitions.values();
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage image) {
        List<TopicPartition> deletedPartitions = new ArrayList<>();
        for (TopicImage deleted : delta.deletedTopics()) {
            for (int p : deleted.partitions().keySet()) {
                TopicPartition tp = new TopicPartition(deleted.name(), p);
                removePartition(tp);
                deletedPartitions.add(tp);
            }
        }
        if (!deletedPartitions.isEmpty()) {
            logManager.deleteLogs(deletedPartitions);
        }
        Map<TopicPartition, NewReplica> newReplicas = new LinkedHashMap<>();
        for (MetadataDelta.ChangedTopic topic : delta.changedTopics()) {
            TopicSettings settings = null;
            for (Map.Entry<Integer, PartitionRegistration> entry : topic.changedPartitions().entrySet()) {
                TopicPartition tp = new TopicPartition(topic.name(), entry.getKey());
                PartitionRegistration registration = entry.getValue();
                if (!registration.replicas().contains(localBrokerId)) {
                    remove(tp);
                    continue;
                }
                Partition existing = partitions.get(tp);
                if (existing != null && existing.topicId().equals(topic.id())) {
                    if (registration.leader() == localBrokerId && registration.leaderEpoch() > existing.leaderEpoch()) {
                        existing.log().assignEpochStartOffset(registration.leaderEpoch());
                    }
                    existing.update(registration);
                    continue;
                }
                if (existing != null) {
                    remove(tp);
                }
                if (settings == null) {
                    settings = configs.settings(image, topic.name());
                }
                newReplicas.put(tp, new NewReplica(topic.id(), registration, settings));
            }
        }
        if (!newReplicas.isEmpty()) {
            addReplicas(newReplicas);
        }
        for (ConfigResource resource : delta.changedConfigResources()) {
            if (resource.type() == ConfigResourceType.TOPIC && image.topics().get(resource.name()) != null) {
                TopicSettings settings = configs.settings(image, resource.name());
                for (Partition partition : partitions.values()) {
                    if (partition.topicPartition().topic().equals(resource.name())) {
                        partition.updateSettings(settings);
                    }
                }
            }
        }
        if (!initialised) {
            deleteStrayLogs(image);
            initialised = true;
        }
    }

    /**
     * Opens or creates the logs of replicas new to this broker, all in one go (see
     * {@link LogManager#getOrCreateLogs}), and lists the partitions. A log that cannot be opened leaves its
     * partition offline here: clients get UNKNOWN_TOPIC_OR_PARTITION or KAFKA_STORAGE_ERROR for it, and the
     * others still load.
     */
    private void addReplicas(Map<TopicPartition, NewReplica> newReplicas) {
        List<LogCreateRequest> requests = new ArrayList<>(newReplicas.size());
        newReplicas.forEach((tp, replica) -> requests.add(new LogCreateRequest(tp, replica.topicId(), replica.settings().logConfig())));
        Map<TopicPartition, PartitionLog> logs = logManager.getOrCreateLogs(requests);
        newReplicas.forEach((tp, replica) -> {
            PartitionLog partitionLog = logs.get(tp);
            if (partitionLog == null) {
                return;
            }
            PartitionRegistration registration = replica.registration();
            try {
                Partition partition = new Partition(tp, replica.topicId(), localBrokerId, partitionLog, registration, replica.settings());
                if (registration.leader() == localBrokerId) {
                    partitionLog.assignEpochStartOffset(registration.leaderEpoch());
                }
                partitions.put(tp, partition);
                partition.update(registration);
            } catch (RuntimeException e) {
                log.error("Cannot open the log of {}; the partition stays offline on this broker", tp, e);
            }
        });
    }

    private void remove(TopicPartition tp) {
        removePartition(tp);
        logManager.deleteLog(tp);
    }

    /** Stops serving the local replica of {@code tp}, if there is one; its log is the caller's to delete. */
    private void removePartition(TopicPartition tp) {
        Partition removed = partitions.remove(tp);
        if (removed != null) {
            removed.markRemoved();
        }
    }

    /** Deletes logs whose partition the image does not assign to this broker under the same topic id. */
    private void deleteStrayLogs(MetadataImage image) {
        List<TopicPartition> strays = new ArrayList<>();
        for (PartitionLog partitionLog : logManager.logs()) {
            if (!assignedHere(image, partitionLog)) {
                strays.add(partitionLog.topicPartition());
            }
        }
        for (TopicPartition tp : strays) {
            log.info("Deleting the log of {}: the metadata does not assign it to this broker", tp);
            try {
                logManager.deleteLog(tp);
            } catch (RuntimeException e) {
                log.error("Cannot delete the stray log of {}", tp, e);
            }
        }
        if (!strays.isEmpty()) {
            log.info("Deleted {} stray logs at metadata offset {}", strays.size(), image.offset());
        }
    }

    private boolean assignedHere(MetadataImage image, PartitionLog partitionLog) {
        TopicPartition tp = partitionLog.topicPartition();
        TopicImage topic = image.topics().get(tp.topic());
        if (topic == null || !topic.id().equals(partitionLog.topicId())) {
            return false;
        }
        PartitionRegistration registration = topic.partitions().get(tp.partition());
        return registration != null && registration.replicas().contains(localBrokerId);
    }

    /** A replica the metadata assigns to this broker that it does not hold yet. */
    private record NewReplica(UUID topicId, PartitionRegistration registration, TopicSettings settings) {
    }
}
