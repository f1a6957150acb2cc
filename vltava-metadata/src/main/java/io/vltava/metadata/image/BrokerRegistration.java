package io.vltava.metadata.image;

import io.vltava.metadata.record.RegisterBrokerRecord.BrokerEndpoint;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A registered broker and the endpoints clients reach it at. Immutable. */
public record BrokerRegistration(int id, UUID incarnationId, List<BrokerEndpoint> endpoints, String rack) {

    public BrokerRegistration {
        endpoints = List.copyOf(endpoints);
    }

    /** The endpoint of the listener with this name, if the broker has one. */
    public Optional<BrokerEndpoint> endpoint(String listenerName) {
        return endpoints.stream().filter(e -> e.listenerName().equals(listenerName)).findFirst();
    }
}
