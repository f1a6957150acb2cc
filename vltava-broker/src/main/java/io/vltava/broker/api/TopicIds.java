package io.vltava.broker.api;

import java.util.UUID;
import org.apache.kafka.common.Uuid;

/**
 * Converts topic ids between the metadata's {@link UUID} and kafka-clients' {@link Uuid}, whose zero
 * value means "no id" on the wire.
 *
 * <p>Threading: stateless.
 */
public final class TopicIds {

    private TopicIds() {
    }

    public static Uuid toKafka(UUID id) {
        return id == null ? Uuid.ZERO_UUID : new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    /** The id, or null for Kafka's zero id. */
    public static UUID fromKafka(Uuid id) {
        return id == null || Uuid.ZERO_UUID.equals(id) ? null : new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }
}
