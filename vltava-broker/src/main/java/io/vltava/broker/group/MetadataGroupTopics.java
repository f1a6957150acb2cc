package io.vltava.broker.group;

import io.vltava.broker.api.TopicIds;
import io.vltava.coordinator.group.GroupTopics;
import io.vltava.coordinator.group.assignor.AssignmentTopic;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.TopicImage;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * The topics of the current metadata image, as the group coordinator sees them.
 *
 * <p>Threading: any thread; reads the latest immutable image.
 */
public final class MetadataGroupTopics implements GroupTopics {

    private final Supplier<MetadataImage> image;

    public MetadataGroupTopics(Supplier<MetadataImage> image) {
        this.image = image;
    }

    @Override
    public AssignmentTopic topic(String name) {
        TopicImage topic = image.get().topics().get(name);
        return topic == null ? null : new AssignmentTopic(TopicIds.toKafka(topic.id()), topic.name(), topic.partitionCount());
    }

    @Override
    public Collection<String> topicNames() {
        return image.get().topics().byName().keySet();
    }

    @Override
    public long version() {
        return image.get().offset();
    }
}
