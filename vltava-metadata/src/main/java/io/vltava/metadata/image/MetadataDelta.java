package io.vltava.metadata.image;

import io.vltava.common.topic.TopicNames;
import io.vltava.metadata.record.ClientQuotaRecord;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.ProducerIdsRecord;
import io.vltava.metadata.record.QuotaEntity;
import io.vltava.metadata.record.RegisterBrokerRecord;
import io.vltava.metadata.record.RemoveTopicRecord;
import io.vltava.metadata.record.TopicRecord;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The changes made by a run of records on top of a base {@link MetadataImage}: records are replayed
 * into it, then {@link #apply} builds the next image. Publishers read the delta to learn what changed
 * (topics created or changed, topics deleted, configurations touched) without diffing images.
 *
 * <p>Threading: used by one thread (the metadata log's apply thread).
 */
public final class MetadataDelta {

    private final MetadataImage base;
    private final Map<UUID, ChangedTopic> changedTopics = new LinkedHashMap<>();
    private final Map<UUID, TopicImage> deletedTopics = new LinkedHashMap<>();
    private final Map<ConfigResource, Map<String, String>> changedConfigs = new LinkedHashMap<>();
    private final Map<Integer, BrokerRegistration> changedBrokers = new HashMap<>();
    private final Map<QuotaEntity, Map<String, Double>> changedQuotas = new LinkedHashMap<>();
    private long nextProducerId;

    public MetadataDelta(MetadataImage base) {
        this.base = base;
        this.nextProducerId = base.nextProducerId();
    }

    /** Applies one record to the delta. */
    public void replay(MetadataRecord record) {
        switch (record) {
            case TopicRecord r -> changedTopics.put(r.topicId(), new ChangedTopic(r.name(), r.topicId(), new HashMap<>(), new HashMap<>()));
            case PartitionRecord r -> {
                ChangedTopic topic = changedTopic(r.topicId());
                PartitionRegistration registration = new PartitionRegistration(r.replicas(), r.isr(), r.leader(), r.leaderEpoch(), r.partitionEpoch());
                topic.partitions().put(r.partitionId(), registration);
                topic.changedPartitions().put(r.partitionId(), registration);
            }
            case RemoveTopicRecord r -> {
                ChangedTopic created = changedTopics.remove(r.topicId());
                TopicImage existing = base.topics().get(r.topicId());
                if (existing != null) {
                    deletedTopics.put(r.topicId(), existing);
                    changedConfigs.put(new ConfigResource(ConfigResourceType.TOPIC, existing.name()), new HashMap<>());
                } else if (created != null) {
                    // Created earlier in this delta: its configuration goes with it.
                    changedConfigs.put(new ConfigResource(ConfigResourceType.TOPIC, created.name()), new HashMap<>());
                }
            }
            case ConfigRecord r -> {
                ConfigResource resource = new ConfigResource(r.resourceType(), r.resourceName());
                Map<String, String> configs = changedConfigs.computeIfAbsent(resource, res -> new HashMap<>(base.configs(res)));
                if (r.value() == null) {
                    configs.remove(r.name());
                } else {
                    configs.put(r.name(), r.value());
                }
            }
            case ProducerIdsRecord r -> nextProducerId = Math.max(nextProducerId, r.nextProducerId());
            case RegisterBrokerRecord r -> changedBrokers.put(r.brokerId(), new BrokerRegistration(r.brokerId(), r.incarnationId(), r.endpoints(), r.rack()));
            case ClientQuotaRecord r -> {
                Map<String, Double> quotas = changedQuotas.computeIfAbsent(r.entity(), entity -> new HashMap<>(base.clientQuotas(entity)));
                if (r.value() == null) {
                    quotas.remove(r.key());
                } else {
                    quotas.put(r.key(), r.value());
                }
            }
        }
    }

    private ChangedTopic changedTopic(UUID topicId) {
        ChangedTopic topic = changedTopics.get(topicId);
        if (topic != null) {
            return topic;
        }
        TopicImage existing = base.topics().get(topicId);
        if (existing == null) {
            throw new IllegalStateException("Partition record for unknown topic id " + topicId);
        }
        topic = new ChangedTopic(existing.name(), topicId, new HashMap<>(existing.partitions()), new HashMap<>());
        changedTopics.put(topicId, topic);
        return topic;
    }

    /** The image with every replayed record applied, as of log entry {@code offset}. */
    public MetadataImage apply(long offset) {
        TopicsImage topics = base.topics();
        if (!changedTopics.isEmpty() || !deletedTopics.isEmpty()) {
            Map<UUID, TopicImage> byId = new HashMap<>(topics.byId());
            Map<String, TopicImage> byName = new HashMap<>(topics.byName());
            Map<String, Set<String>> namesByCollisionKey = new HashMap<>(topics.namesByCollisionKey());
            for (TopicImage deleted : deletedTopics.values()) {
                byId.remove(deleted.id());
                byName.remove(deleted.name());
                namesByCollisionKey.computeIfPresent(TopicNames.collisionKey(deleted.name()), (key, names) -> {
                    Set<String> rest = new HashSet<>(names);
                    rest.remove(deleted.name());
                    return rest.isEmpty() ? null : rest;
                });
            }
            for (ChangedTopic changed : changedTopics.values()) {
                TopicImage image = new TopicImage(changed.name(), changed.id(), changed.partitions());
                byId.put(image.id(), image);
                byName.put(image.name(), image);
                namesByCollisionKey.compute(TopicNames.collisionKey(image.name()), (key, names) -> {
                    if (names != null && names.contains(image.name())) {
                        return names;
                    }
                    Set<String> more = names == null ? new HashSet<>() : new HashSet<>(names);
                    more.add(image.name());
                    return more;
                });
            }
            topics = new TopicsImage(byId, byName, namesByCollisionKey);
        }
        Map<ConfigResource, Map<String, String>> configs = base.configs();
        if (!changedConfigs.isEmpty()) {
            configs = new HashMap<>(configs);
            for (Map.Entry<ConfigResource, Map<String, String>> entry : changedConfigs.entrySet()) {
                if (entry.getValue().isEmpty()) {
                    configs.remove(entry.getKey());
                } else {
                    configs.put(entry.getKey(), Map.copyOf(entry.getValue()));
                }
            }
        }
        Map<Integer, BrokerRegistration> brokers = base.brokers();
        if (!changedBrokers.isEmpty()) {
            brokers = new HashMap<>(brokers);
            brokers.putAll(changedBrokers);
        }
        Map<QuotaEntity, Map<String, Double>> clientQuotas = base.clientQuotas();
        if (!changedQuotas.isEmpty()) {
            clientQuotas = new HashMap<>(clientQuotas);
            for (Map.Entry<QuotaEntity, Map<String, Double>> entry : changedQuotas.entrySet()) {
                if (entry.getValue().isEmpty()) {
                    clientQuotas.remove(entry.getKey());
                } else {
                    clientQuotas.put(entry.getKey(), Map.copyOf(entry.getValue()));
                }
            }
        }
        return new MetadataImage(offset, topics, configs, brokers, nextProducerId, clientQuotas);
    }

    /** Topics created or with changed partitions, by id. */
    public Collection<ChangedTopic> changedTopics() {
        return changedTopics.values();
    }

    /** Topics deleted, as they were in the base image. */
    public Collection<TopicImage> deletedTopics() {
        return deletedTopics.values();
    }

    /** Resources whose configuration changed. */
    public Set<ConfigResource> changedConfigResources() {
        return changedConfigs.keySet();
    }

    /** Entities whose client quotas changed. */
    public Set<QuotaEntity> changedQuotaEntities() {
        return changedQuotas.keySet();
    }

    /**
     * A topic created or changed in this delta.
     *
     * <p>Threading: filled while the delta replays records, then only read, by publishers on the same thread.
     *
     * @param partitions        every partition of the topic after the delta
     * @param changedPartitions the partitions this delta wrote
     */
    public record ChangedTopic(String name, UUID id, Map<Integer, PartitionRegistration> partitions,
                               Map<Integer, PartitionRegistration> changedPartitions) {
    }
}
