package io.vltava.metadata.image;

import io.vltava.metadata.record.ClientQuotaRecord;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.ProducerIdsRecord;
import io.vltava.metadata.record.QuotaEntity;
import io.vltava.metadata.record.RegisterBrokerRecord;
import io.vltava.metadata.record.TopicRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An image written out as the records that rebuild it from nothing: what a metadata snapshot holds.
 *
 * <p>Threading: stateless.
 */
public final class MetadataSnapshot {

    private MetadataSnapshot() {
    }

    public static List<MetadataRecord> records(MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        for (BrokerRegistration broker : image.brokers().values()) {
            records.add(new RegisterBrokerRecord(broker.id(), broker.incarnationId(), broker.endpoints(), broker.rack()));
        }
        for (TopicImage topic : image.topics().byId().values()) {
            records.add(new TopicRecord(topic.name(), topic.id()));
            for (Map.Entry<Integer, PartitionRegistration> partition : topic.partitions().entrySet()) {
                PartitionRegistration p = partition.getValue();
                records.add(new PartitionRecord(topic.id(), partition.getKey(), p.replicas(), p.isr(), p.leader(), p.leaderEpoch(),
                        p.partitionEpoch()));
            }
        }
        for (Map.Entry<ConfigResource, Map<String, String>> resource : image.configs().entrySet()) {
            resource.getValue().forEach((name, value) ->
                    records.add(new ConfigRecord(resource.getKey().type(), resource.getKey().name(), name, value)));
        }
        for (Map.Entry<QuotaEntity, Map<String, Double>> entity : image.clientQuotas().entrySet()) {
            entity.getValue().forEach((key, value) -> records.add(new ClientQuotaRecord(entity.getKey(), key, value)));
        }
        if (image.nextProducerId() > 0) {
            records.add(new ProducerIdsRecord(-1, image.nextProducerId()));
        }
        return records;
    }
}
