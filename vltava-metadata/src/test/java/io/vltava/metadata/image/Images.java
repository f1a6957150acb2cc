package io.vltava.metadata.image;

import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.RegisterBrokerRecord;
import io.vltava.metadata.record.TopicRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Small builders of records and images for the image tests. */
final class Images {

    private Images() {
    }

    /** The records of a new topic whose partitions each have the replicas {@code [1]}. */
    static List<MetadataRecord> topic(String name, UUID id, int partitions) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new TopicRecord(name, id));
        for (int p = 0; p < partitions; p++) {
            records.add(partition(id, p));
        }
        return records;
    }

    static PartitionRecord partition(UUID id, int partition) {
        return new PartitionRecord(id, partition, List.of(1), List.of(1), 1, 0, 0);
    }

    static ConfigRecord topicConfig(String topic, String key, String value) {
        return new ConfigRecord(ConfigResourceType.TOPIC, topic, key, value);
    }

    static ConfigResource topicResource(String topic) {
        return new ConfigResource(ConfigResourceType.TOPIC, topic);
    }

    static RegisterBrokerRecord broker(int id, int port) {
        return new RegisterBrokerRecord(id, new UUID(id, port), List.of(new RegisterBrokerRecord.BrokerEndpoint("PLAINTEXT", "localhost", port,
                "PLAINTEXT")), null);
    }

    /** {@code base} with {@code records} applied as one delta at {@code offset}. */
    static MetadataImage apply(MetadataImage base, long offset, List<? extends MetadataRecord> records) {
        MetadataDelta delta = new MetadataDelta(base);
        records.forEach(delta::replay);
        return delta.apply(offset);
    }

    static MetadataImage apply(MetadataImage base, long offset, MetadataRecord... records) {
        return apply(base, offset, List.of(records));
    }
}
