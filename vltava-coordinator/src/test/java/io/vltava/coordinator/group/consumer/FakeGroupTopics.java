package io.vltava.coordinator.group.consumer;

import io.vltava.coordinator.group.GroupTopics;
import io.vltava.coordinator.group.assignor.AssignmentTopic;
import java.util.Collection;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * {@link GroupTopics} for tests: topics the test creates and grows, with a version that moves on each change.
 *
 * <p>Threading: confined to the test's thread.
 */
final class FakeGroupTopics implements GroupTopics {

    private final TreeMap<String, AssignmentTopic> topics = new TreeMap<>();
    private long version;

    /** Creates the topic, or changes its partition count; returns its id. */
    Uuid put(String name, int partitions) {
        AssignmentTopic existing = topics.get(name);
        Uuid id = existing == null ? Uuid.randomUuid() : existing.id();
        topics.put(name, new AssignmentTopic(id, name, partitions));
        version++;
        return id;
    }

    Uuid id(String name) {
        return topics.get(name).id();
    }

    @Override
    public AssignmentTopic topic(String name) {
        return topics.get(name);
    }

    @Override
    public Collection<String> topicNames() {
        return Set.copyOf(topics.keySet());
    }

    @Override
    public long version() {
        return version;
    }
}
