package io.vltava.coordinator.group;

/**
 * Who sent a group request, as the coordinator records it for members.
 *
 * @param clientId   the client.id of the request header
 * @param clientHost the client's address, as Kafka shows it ("/127.0.0.1")
 * @param apiVersion the version of the request
 */
public record GroupRequestContext(String clientId, String clientHost, short apiVersion) {
}
