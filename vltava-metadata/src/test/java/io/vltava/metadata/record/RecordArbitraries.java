package io.vltava.metadata.record;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators for metadata records with arbitrary field values, nulls and non-ASCII text included.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class RecordArbitraries {

    private RecordArbitraries() {
    }

    /** Any Unicode text (no lone surrogates, which UTF-8 cannot carry), sometimes null. */
    public static Arbitrary<String> strings() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0x20, 0x7e)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 0xd7ff)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0xe000, 0x10ffff)));
        return codePoint.list().ofMaxSize(24)
                .map(points -> new String(points.stream().mapToInt(Integer::intValue).toArray(), 0, points.size()))
                .injectNull(0.1);
    }

    public static Arbitrary<UUID> uuids() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
    }

    public static Arbitrary<List<Integer>> intLists() {
        return Arbitraries.integers().list().ofMaxSize(8);
    }

    public static Arbitrary<TopicRecord> topicRecords() {
        return Combinators.combine(strings(), uuids()).as(TopicRecord::new);
    }

    public static Arbitrary<PartitionRecord> partitionRecords() {
        return Combinators.combine(uuids(), Arbitraries.integers(), intLists(), intLists(), Arbitraries.integers(), Arbitraries.integers(),
                Arbitraries.integers()).as(PartitionRecord::new);
    }

    public static Arbitrary<RemoveTopicRecord> removeTopicRecords() {
        return uuids().map(RemoveTopicRecord::new);
    }

    public static Arbitrary<ConfigRecord> configRecords() {
        return Combinators.combine(Arbitraries.of(ConfigResourceType.class), strings(), strings(), strings()).as(ConfigRecord::new);
    }

    public static Arbitrary<ProducerIdsRecord> producerIdsRecords() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.longs()).as(ProducerIdsRecord::new);
    }

    public static Arbitrary<RegisterBrokerRecord> registerBrokerRecords() {
        Arbitrary<RegisterBrokerRecord.BrokerEndpoint> endpoint = Combinators.combine(strings(), strings(), Arbitraries.integers(), strings())
                .as(RegisterBrokerRecord.BrokerEndpoint::new);
        return Combinators.combine(Arbitraries.integers(), uuids(), endpoint.list().ofMaxSize(4), strings()).as(RegisterBrokerRecord::new);
    }

    public static Arbitrary<ClientQuotaRecord> clientQuotaRecords() {
        Arbitrary<QuotaEntity.Part> part = strings().map(name -> name == null ? QuotaEntity.Part.DEFAULT : QuotaEntity.Part.named(name))
                .injectNull(0.3);
        Arbitrary<QuotaEntity> entity = Combinators.combine(part, part).as((user, clientId) -> user == null && clientId == null
                ? new QuotaEntity(null, QuotaEntity.Part.DEFAULT) : new QuotaEntity(user, clientId));
        Arbitrary<Double> value = Arbitraries.doubles().injectNull(0.2);
        return Combinators.combine(entity, strings().filter(Objects::nonNull), value).as(ClientQuotaRecord::new);
    }

    public static Arbitrary<MetadataRecord> records() {
        return Arbitraries.oneOf(topicRecords(), partitionRecords(), removeTopicRecords(), configRecords(), producerIdsRecords(),
                registerBrokerRecords(), clientQuotaRecords());
    }

    public static Arbitrary<List<MetadataRecord>> batches() {
        return records().list().ofMaxSize(12);
    }
}
