package io.vltava.metadata.image;

import io.vltava.metadata.record.QuotaEntity;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The whole cluster metadata at one point of the metadata log: an immutable value, replaced (never
 * changed) each time records are applied. Readers take the current image and use it without locks.
 *
 * @param offset         index of the last metadata log entry applied
 * @param topics         every topic
 * @param configs        dynamic configuration of topics and brokers, by resource
 * @param brokers        registered brokers by id
 * @param nextProducerId the first producer id not yet handed out
 * @param clientQuotas   client quotas (key to bound) by entity
 */
public record MetadataImage(long offset, TopicsImage topics, Map<ConfigResource, Map<String, String>> configs,
                            Map<Integer, BrokerRegistration> brokers, long nextProducerId, Map<QuotaEntity, Map<String, Double>> clientQuotas) {

    public static final MetadataImage EMPTY = new MetadataImage(-1L, TopicsImage.EMPTY, Map.of(), Map.of(), 0L, Map.of());

    public MetadataImage {
        configs = configs.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Map.copyOf(e.getValue())));
        brokers = Map.copyOf(brokers);
        clientQuotas = clientQuotas.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Map.copyOf(e.getValue())));
    }

    /** The dynamic configuration of a resource; empty when it has none. */
    public Map<String, String> configs(ConfigResource resource) {
        return configs.getOrDefault(resource, Map.of());
    }

    /** The client quotas of an entity; empty when it has none. */
    public Map<String, Double> clientQuotas(QuotaEntity entity) {
        return clientQuotas.getOrDefault(entity, Map.of());
    }
}
