package io.vltava.metadata.image;

import java.util.Map;
import java.util.UUID;

/** A topic in a {@link MetadataImage}: its name, id and partitions by index. Immutable. */
public record TopicImage(String name, UUID id, Map<Integer, PartitionRegistration> partitions) {

    public TopicImage {
        partitions = Map.copyOf(partitions);
    }

    public int partitionCount() {
        return partitions.size();
    }
}
