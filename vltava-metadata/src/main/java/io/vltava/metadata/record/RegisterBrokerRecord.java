package io.vltava.metadata.record;

import java.util.List;
import java.util.UUID;

/**
 * A broker registered, or registered again with new endpoints.
 *
 * <p>Threading: immutable; safe from any thread.
 *
 * @param brokerId      the broker's node id
 * @param incarnationId a new random id each time the broker process starts
 * @param endpoints     the addresses clients reach it at
 * @param rack          its rack, or null
 */
public record RegisterBrokerRecord(int brokerId, UUID incarnationId, List<BrokerEndpoint> endpoints, String rack) implements MetadataRecord {

    public RegisterBrokerRecord {
        endpoints = List.copyOf(endpoints);
    }

    /**
     * One advertised listener of a broker.
     *
     * <p>Threading: immutable; safe from any thread.
     */
    public record BrokerEndpoint(String listenerName, String host, int port, String securityProtocol) {
    }
}
