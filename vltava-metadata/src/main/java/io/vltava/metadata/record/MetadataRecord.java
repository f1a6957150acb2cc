package io.vltava.metadata.record;

/**
 * One change to the cluster's metadata. The metadata log is a sequence of these records; applying
 * them in order to an empty image rebuilds the cluster's state.
 *
 * <p>Records are immutable values.
 */
public sealed interface MetadataRecord permits TopicRecord, PartitionRecord, RemoveTopicRecord, ConfigRecord, ProducerIdsRecord,
        RegisterBrokerRecord, ClientQuotaRecord {
}
