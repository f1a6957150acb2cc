package io.vltava.metadata.image;

import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.ProducerIdsRecord;
import io.vltava.metadata.record.RegisterBrokerRecord;
import io.vltava.metadata.record.RemoveTopicRecord;
import io.vltava.metadata.record.TopicRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random but valid histories of metadata changes: a list of {@link Op}s, each turned into the records
 * of one log entry against the image so far (as the controller would write them).
 */
final class RandomMetadata {

    private static final String[] NAMES = {"orders", "payments", "a.b", "a_b", "logs-1", "x"};
    private static final String[] KEYS = {"retention.ms", "cleanup.policy", "segment.bytes"};

    /** One admin change; {@code a} and {@code b} pick what it applies to. */
    record Op(int kind, int a, int b) {
    }

    private RandomMetadata() {
    }

    static Arbitrary<List<Op>> histories() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 8), Arbitraries.integers().between(0, 999),
                Arbitraries.integers().between(0, 999)).as(Op::new);
        return op.list().ofMaxSize(40);
    }

    /** The entries of a history: each op's records against the image the ops before it built; ops that do nothing are left out. */
    static List<List<MetadataRecord>> entries(List<Op> history) {
        List<List<MetadataRecord>> entries = new ArrayList<>();
        MetadataImage image = MetadataImage.EMPTY;
        long serial = 0;
        for (Op op : history) {
            List<MetadataRecord> records = records(op, image, ++serial);
            if (!records.isEmpty()) {
                entries.add(records);
                image = Images.apply(image, entries.size() - 1, records);
            }
        }
        return entries;
    }

    /** The image after every entry, each applied as its own delta at offsets 0, 1, 2, .... */
    static MetadataImage replayEntries(MetadataImage base, List<List<MetadataRecord>> entries) {
        MetadataImage image = base;
        for (List<MetadataRecord> entry : entries) {
            image = Images.apply(image, image.offset() + 1, entry);
        }
        return image;
    }

    static List<MetadataRecord> records(Op op, MetadataImage image, long serial) {
        List<TopicImage> topics = image.topics().byId().values().stream().sorted(Comparator.comparing(TopicImage::name)).toList();
        TopicImage topic = topics.isEmpty() ? null : topics.get(op.a() % topics.size());
        switch (op.kind()) {
            case 0 -> {
                String name = NAMES[op.a() % NAMES.length];
                if (image.topics().get(name) != null) {
                    return List.of();
                }
                UUID id = new UUID(1, serial);
                List<MetadataRecord> records = new ArrayList<>();
                records.add(new TopicRecord(name, id));
                for (int p = 0; p < 1 + op.b() % 3; p++) {
                    List<Integer> replicas = List.of(op.b() % 3, (op.b() + 1) % 3);
                    records.add(new PartitionRecord(id, p, replicas, replicas, replicas.get(0), 0, 0));
                }
                return records;
            }
            case 1 -> {
                if (topic == null) {
                    return List.of();
                }
                return List.of(new PartitionRecord(topic.id(), topic.partitionCount(), List.of(0), List.of(0), 0, 0, 0));
            }
            case 2 -> {
                if (topic == null) {
                    return List.of();
                }
                int p = op.b() % topic.partitionCount();
                PartitionRegistration old = topic.partitions().get(p);
                return List.of(new PartitionRecord(topic.id(), p, old.replicas(), old.replicas().subList(0, 1), old.replicas().get(0),
                        old.leaderEpoch() + 1, old.partitionEpoch() + 1));
            }
            case 3 -> {
                return topic == null ? List.of() : List.of(new RemoveTopicRecord(topic.id()));
            }
            case 4 -> {
                return topic == null ? List.of() : List.of(new ConfigRecord(ConfigResourceType.TOPIC, topic.name(), KEYS[op.b() % KEYS.length],
                        "v" + op.b()));
            }
            case 5 -> {
                return topic == null ? List.of() : List.of(new ConfigRecord(ConfigResourceType.TOPIC, topic.name(), KEYS[op.b() % KEYS.length],
                        null));
            }
            case 6 -> {
                return List.of(new ConfigRecord(ConfigResourceType.BROKER, op.a() % 2 == 0 ? "" : "1", "log.retention.ms",
                        op.b() % 4 == 0 ? null : Integer.toString(op.b())));
            }
            case 7 -> {
                return List.of(new RegisterBrokerRecord(op.a() % 3, new UUID(2, serial), List.of(
                        new RegisterBrokerRecord.BrokerEndpoint("PLAINTEXT", "host-" + op.a() % 3, 9000 + op.b(), "PLAINTEXT")),
                        op.b() % 2 == 0 ? null : "rack-" + op.b() % 2));
            }
            case 8 -> {
                return List.of(new ProducerIdsRecord(op.a() % 3, image.nextProducerId() + 1000));
            }
            default -> throw new IllegalArgumentException("No op kind " + op.kind());
        }
    }
}
