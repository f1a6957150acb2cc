package io.vltava.metadata.image;

import static io.vltava.metadata.image.Images.apply;
import static io.vltava.metadata.image.Images.broker;
import static io.vltava.metadata.image.Images.topic;
import static io.vltava.metadata.image.Images.topicConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.metadata.record.ClientQuotaRecord;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.MetadataRecordSerde;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.ProducerIdsRecord;
import io.vltava.metadata.record.QuotaEntity;
import io.vltava.metadata.record.RemoveTopicRecord;
import io.vltava.metadata.record.TopicRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class MetadataSnapshotTest {

    private static final UUID ORDERS = new UUID(0, 1);
    private static final UUID PAYMENTS = new UUID(0, 2);

    @Test
    void theEmptyImageHasNoRecords() {
        assertThat(MetadataSnapshot.records(MetadataImage.EMPTY)).isEmpty();
    }

    @Test
    void writesEveryPartOfTheImage() {
        List<MetadataRecord> history = new ArrayList<>();
        history.add(broker(1, 9092));
        history.addAll(topic("orders", ORDERS, 2));
        history.add(topicConfig("orders", "retention.ms", "1000"));
        history.add(new ConfigRecord(ConfigResourceType.BROKER, "", "log.retention.ms", "5"));
        history.add(new ProducerIdsRecord(1, 3000));
        history.add(new ClientQuotaRecord(new QuotaEntity(QuotaEntity.Part.DEFAULT, QuotaEntity.Part.named("app")), "producer_byte_rate", 10.0));
        MetadataImage image = apply(MetadataImage.EMPTY, 9, history);

        List<MetadataRecord> records = MetadataSnapshot.records(image);

        assertThat(records).containsExactlyInAnyOrderElementsOf(List.of(
                broker(1, 9092),
                new TopicRecord("orders", ORDERS),
                new PartitionRecord(ORDERS, 0, List.of(1), List.of(1), 1, 0, 0),
                new PartitionRecord(ORDERS, 1, List.of(1), List.of(1), 1, 0, 0),
                topicConfig("orders", "retention.ms", "1000"),
                new ConfigRecord(ConfigResourceType.BROKER, "", "log.retention.ms", "5"),
                new ProducerIdsRecord(-1, 3000),
                new ClientQuotaRecord(new QuotaEntity(QuotaEntity.Part.DEFAULT, QuotaEntity.Part.named("app")), "producer_byte_rate", 10.0)));
        assertThat(records.indexOf(new TopicRecord("orders", ORDERS)))
                .isLessThan(records.indexOf(new PartitionRecord(ORDERS, 0, List.of(1), List.of(1), 1, 0, 0)));
    }

    @Test
    void leavesOutWhatWasDeleted() {
        List<MetadataRecord> history = new ArrayList<>(topic("orders", ORDERS, 1));
        history.addAll(topic("payments", PAYMENTS, 1));
        history.add(topicConfig("orders", "retention.ms", "1000"));
        MetadataImage created = apply(MetadataImage.EMPTY, 0, history);
        MetadataImage image = apply(created, 1, new RemoveTopicRecord(ORDERS));

        List<MetadataRecord> records = MetadataSnapshot.records(image);

        assertThat(records).containsExactlyInAnyOrder(new TopicRecord("payments", PAYMENTS),
                new PartitionRecord(PAYMENTS, 0, List.of(1), List.of(1), 1, 0, 0));
    }

    @Test
    void replayedIntoAnEmptyDeltaRebuildsTheImage() {
        List<MetadataRecord> history = new ArrayList<>(topic("orders", ORDERS, 3));
        history.add(topicConfig("orders", "cleanup.policy", "compact"));
        history.add(broker(2, 9092));
        history.add(new ProducerIdsRecord(2, 1000));
        MetadataImage image = apply(MetadataImage.EMPTY, 4, history);

        assertThat(apply(MetadataImage.EMPTY, 4, MetadataSnapshot.records(image))).isEqualTo(image);
    }

    @Property(tries = 300)
    void aSnapshotOfAnyHistoryRebuildsItsImage(@ForAll("histories") List<RandomMetadata.Op> history) {
        MetadataImage image = RandomMetadata.replayEntries(MetadataImage.EMPTY, RandomMetadata.entries(history));

        List<MetadataRecord> snapshot = MetadataSnapshot.records(image);
        List<MetadataRecord> stored = MetadataRecordSerde.decode(MetadataRecordSerde.encode(snapshot));

        assertThat(apply(MetadataImage.EMPTY, image.offset(), stored)).isEqualTo(image);
    }

    @Provide
    Arbitrary<List<RandomMetadata.Op>> histories() {
        return RandomMetadata.histories();
    }
}
