package io.vltava.metadata.image;

import java.util.Map;
import java.util.UUID;

/** Every topic, by id and by name. Immutable. */
public record TopicsImage(Map<UUID, TopicImage> byId, Map<String, TopicImage> byName) {

    public static final TopicsImage EMPTY = new TopicsImage(Map.of(), Map.of());

    public TopicsImage {
        byId = Map.copyOf(byId);
        byName = Map.copyOf(byName);
    }

    public TopicImage get(String name) {
        return byName.get(name);
    }

    public TopicImage get(UUID id) {
        return byId.get(id);
    }

    /** Whether the topic exists and has this partition. */
    public boolean hasPartition(String topic, int partition) {
        TopicImage image = byName.get(topic);
        return image != null && image.partitions().containsKey(partition);
    }
}
