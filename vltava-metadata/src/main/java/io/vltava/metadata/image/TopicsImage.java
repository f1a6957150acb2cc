package io.vltava.metadata.image;

import io.vltava.common.topic.TopicNames;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Every topic, by id and by name, and the names of the topics by their {@link TopicNames#collisionKey}, so
 * that a new name is checked against the existing ones in one lookup (the metadata may hold colliding names
 * written before that check, hence a set).
 *
 * <p>Threading: immutable; safe from any thread.
 */
public record TopicsImage(Map<UUID, TopicImage> byId, Map<String, TopicImage> byName, Map<String, Set<String>> namesByCollisionKey) {

    public static final TopicsImage EMPTY = new TopicsImage(Map.of(), Map.of());

    public TopicsImage {
        byId = Map.copyOf(byId);
        byName = Map.copyOf(byName);
        Map<String, Set<String>> keys = new HashMap<>();
        namesByCollisionKey.forEach((key, names) -> keys.put(key, Set.copyOf(names)));
        namesByCollisionKey = Map.copyOf(keys);
    }

    /** The image of these topics, their collision keys derived from their names. */
    public TopicsImage(Map<UUID, TopicImage> byId, Map<String, TopicImage> byName) {
        this(byId, byName, collisionKeys(byName.keySet()));
    }

    private static Map<String, Set<String>> collisionKeys(Set<String> names) {
        Map<String, Set<String>> keys = new HashMap<>();
        for (String name : names) {
            keys.computeIfAbsent(TopicNames.collisionKey(name), key -> new HashSet<>()).add(name);
        }
        return keys;
    }

    public TopicImage get(String name) {
        return byName.get(name);
    }

    public TopicImage get(UUID id) {
        return byId.get(id);
    }

    /** The first, in name order, of the existing topics whose names collide with {@code name} (see {@link TopicNames#collide}). */
    public Optional<String> collidingWith(String name) {
        return namesByCollisionKey.getOrDefault(TopicNames.collisionKey(name), Set.of()).stream().min(Comparator.naturalOrder());
    }

    /** Whether the topic exists and has this partition. */
    public boolean hasPartition(String topic, int partition) {
        TopicImage image = byName.get(topic);
        return image != null && image.partitions().containsKey(partition);
    }
}
