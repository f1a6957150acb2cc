package io.vltava.metadata.image;

import io.vltava.metadata.record.ClientQuotaRecord;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.QuotaEntity;
import io.vltava.metadata.record.RemoveTopicRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the current {@link MetadataImage}: applies each committed run of records to it through a
 * {@link MetadataDelta}, publishes the change, then makes the new image current. A committed record
 * that cannot apply (the controller never writes one) is skipped and logged rather than stopping the
 * log: every replica skips it alike.
 *
 * <p>Threading: {@link #apply} and {@link #reset} from the metadata log's single apply thread, and
 * {@link #addPublisher} from any thread, are serialized, so a publisher added late still sees every
 * change exactly once; {@link #image} from any thread (a volatile read of an immutable value).
 */
public final class MetadataApplier {

    private static final Logger log = LoggerFactory.getLogger(MetadataApplier.class);

    private final List<MetadataPublisher> publishers = new CopyOnWriteArrayList<>();
    private volatile MetadataImage image = MetadataImage.EMPTY;

    public MetadataImage image() {
        return image;
    }

    /**
     * Adds a publisher: it is first told of the whole current image, as a change from the empty image,
     * then of every later change.
     */
    public synchronized void addPublisher(MetadataPublisher publisher) {
        MetadataImage current = image;
        publisher.onMetadataUpdate(deltaFrom(MetadataImage.EMPTY, current), current);
        publishers.add(publisher);
    }

    /** Applies the records of the log entry at {@code offset}. */
    public synchronized void apply(long offset, List<MetadataRecord> records) {
        MetadataDelta delta = new MetadataDelta(image);
        for (MetadataRecord record : records) {
            try {
                delta.replay(record);
            } catch (RuntimeException e) {
                log.error("Skipping metadata record {} at offset {} that does not apply to the image", record, offset, e);
            }
        }
        publish(delta, delta.apply(offset));
    }

    /** Replaces the image wholesale, as when a snapshot is loaded; publishers see it as one change. */
    public synchronized void reset(MetadataImage snapshot) {
        publish(deltaFrom(image, snapshot), snapshot);
    }

    /**
     * A delta that turns {@code from} into {@code to}: everything in {@code to}, and removal of topics, configuration and
     * client quotas gone since.
     */
    private static MetadataDelta deltaFrom(MetadataImage from, MetadataImage to) {
        MetadataDelta delta = new MetadataDelta(from);
        for (TopicImage topic : from.topics().byId().values()) {
            if (to.topics().get(topic.id()) == null) {
                delta.replay(new RemoveTopicRecord(topic.id()));
            }
        }
        for (Map.Entry<ConfigResource, Map<String, String>> resource : from.configs().entrySet()) {
            Map<String, String> kept = to.configs(resource.getKey());
            for (String name : resource.getValue().keySet()) {
                if (!kept.containsKey(name)) {
                    delta.replay(new ConfigRecord(resource.getKey().type(), resource.getKey().name(), name, null));
                }
            }
        }
        for (Map.Entry<QuotaEntity, Map<String, Double>> entity : from.clientQuotas().entrySet()) {
            Map<String, Double> kept = to.clientQuotas(entity.getKey());
            for (String key : entity.getValue().keySet()) {
                if (!kept.containsKey(key)) {
                    delta.replay(new ClientQuotaRecord(entity.getKey(), key, null));
                }
            }
        }
        for (MetadataRecord record : MetadataSnapshot.records(to)) {
            delta.replay(record);
        }
        return delta;
    }

    private void publish(MetadataDelta delta, MetadataImage next) {
        for (MetadataPublisher publisher : publishers) {
            try {
                publisher.onMetadataUpdate(delta, next);
            } catch (RuntimeException e) {
                log.error("Metadata publisher {} failed on the change at offset {}", publisher, next.offset(), e);
            }
        }
        image = next;
    }
}
