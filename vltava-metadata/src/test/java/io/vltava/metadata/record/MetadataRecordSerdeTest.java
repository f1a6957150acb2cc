package io.vltava.metadata.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MetadataRecordSerdeTest {

    private static final UUID ID = new UUID(0x0102030405060708L, 0x090a0b0c0d0e0f10L);

    // ---- round trips ----

    @Test
    void roundTripsOneRecordOfEveryType() {
        List<MetadataRecord> batch = List.of(
                new TopicRecord("orders", ID),
                new PartitionRecord(ID, 3, List.of(1, 2, 3), List.of(1, 3), 1, 7, 9),
                new RemoveTopicRecord(ID),
                new ConfigRecord(ConfigResourceType.TOPIC, "orders", "retention.ms", "1000"),
                new ConfigRecord(ConfigResourceType.BROKER, "", "log.retention.ms", null),
                new ProducerIdsRecord(1, 5000L),
                new RegisterBrokerRecord(1, ID, List.of(
                        new RegisterBrokerRecord.BrokerEndpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT"),
                        new RegisterBrokerRecord.BrokerEndpoint("SSL", "broker.example", 9093, "SSL")), "rack-1"),
                new ClientQuotaRecord(new QuotaEntity(QuotaEntity.Part.named("alice"), QuotaEntity.Part.named("app")), "producer_byte_rate", 1024.0));

        assertThat(MetadataRecordSerde.decode(MetadataRecordSerde.encode(batch))).isEqualTo(batch);
    }

    @Test
    void roundTripsEveryShapeOfQuotaEntityAndRemovals() {
        List<MetadataRecord> batch = List.of(
                new ClientQuotaRecord(new QuotaEntity(null, QuotaEntity.Part.DEFAULT), "consumer_byte_rate", 0.5),
                new ClientQuotaRecord(new QuotaEntity(QuotaEntity.Part.DEFAULT, null), "request_percentage", null),
                new ClientQuotaRecord(new QuotaEntity(QuotaEntity.Part.DEFAULT, QuotaEntity.Part.named("")), "controller_mutation_rate", 3.0),
                new ClientQuotaRecord(new QuotaEntity(QuotaEntity.Part.named("bob"), null), "producer_byte_rate", 1e12));

        assertThat(MetadataRecordSerde.decode(MetadataRecordSerde.encode(batch))).isEqualTo(batch);
    }

    @Test
    void roundTripsNullStringsAndEmptyLists() {
        List<MetadataRecord> batch = List.of(
                new TopicRecord(null, ID),
                new PartitionRecord(ID, -1, List.of(), List.of(), -1, 0, 0),
                new ConfigRecord(ConfigResourceType.TOPIC, null, null, null),
                new RegisterBrokerRecord(-1, ID, List.of(new RegisterBrokerRecord.BrokerEndpoint(null, null, 0, null)), null),
                new RegisterBrokerRecord(2, ID, List.of(), null));

        assertThat(MetadataRecordSerde.decode(MetadataRecordSerde.encode(batch))).isEqualTo(batch);
    }

    @Test
    void roundTripsNonAsciiText() {
        List<MetadataRecord> batch = List.of(new ConfigRecord(ConfigResourceType.TOPIC, "Vltava-řeka", "klíč", "hodnota 🐟 ∑ 日本"));

        assertThat(MetadataRecordSerde.decode(MetadataRecordSerde.encode(batch))).isEqualTo(batch);
    }

    @Test
    void roundTripsAnEmptyBatch() {
        byte[] bytes = MetadataRecordSerde.encode(List.of());

        assertThat(bytes).containsExactly(0, 0, 0, 0, 0);
        assertThat(MetadataRecordSerde.decode(bytes)).isEmpty();
    }

    @Property
    void roundTripsAnyBatch(@ForAll("batches") List<MetadataRecord> batch) {
        assertThat(MetadataRecordSerde.decode(MetadataRecordSerde.encode(batch))).isEqualTo(batch);
    }

    @Property(tries = 200)
    void roundTripsRegisterBrokerRecords(@ForAll("registerBrokerRecords") RegisterBrokerRecord record) {
        assertThat(MetadataRecordSerde.decode(MetadataRecordSerde.encode(List.of(record)))).containsExactly(record);
    }

    @Property(tries = 200)
    void roundTripsPartitionRecords(@ForAll("partitionRecords") PartitionRecord record) {
        assertThat(MetadataRecordSerde.decode(MetadataRecordSerde.encode(List.of(record)))).containsExactly(record);
    }

    @Property(tries = 200)
    void roundTripsConfigRecords(@ForAll("configRecords") ConfigRecord record) {
        assertThat(MetadataRecordSerde.decode(MetadataRecordSerde.encode(List.of(record)))).containsExactly(record);
    }

    // ---- the format itself: these bytes are in existing logs and snapshots ----

    @Test
    void encodesTheDocumentedLayout() {
        byte[] bytes = MetadataRecordSerde.encode(List.of(new TopicRecord("ab", ID)));

        ByteBuffer expected = ByteBuffer.allocate(1 + 4 + 2 + 4 + 2 + 16)
                .put((byte) 0).putInt(1)                   // format 0, one record
                .put((byte) 1).put((byte) 0)               // type 1 (topic), version 0
                .putInt(2).put("ab".getBytes(StandardCharsets.UTF_8))
                .putLong(ID.getMostSignificantBits()).putLong(ID.getLeastSignificantBits());
        assertThat(bytes).isEqualTo(expected.array());
    }

    @Test
    void encodesANullStringAsMinusOne() {
        byte[] bytes = MetadataRecordSerde.encode(List.of(new TopicRecord(null, ID)));

        assertThat(Arrays.copyOfRange(bytes, 7, 11)).containsExactly(0xff, 0xff, 0xff, 0xff);
    }

    // ---- bad input: always IllegalArgumentException ----

    @Test
    void refusesEmptyInput() {
        assertThatThrownBy(() -> MetadataRecordSerde.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnUnknownBatchFormat() {
        byte[] bytes = MetadataRecordSerde.encode(List.of(new RemoveTopicRecord(ID)));
        bytes[0] = 1;

        assertThatThrownBy(() -> MetadataRecordSerde.decode(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format");
    }

    @Test
    void refusesAnUnknownRecordType() {
        byte[] bytes = MetadataRecordSerde.encode(List.of(new RemoveTopicRecord(ID)));
        bytes[5] = 99;

        assertThatThrownBy(() -> MetadataRecordSerde.decode(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown metadata record type 99");
    }

    @Test
    void refusesRecordTypeZero() {
        byte[] bytes = MetadataRecordSerde.encode(List.of(new RemoveTopicRecord(ID)));
        bytes[5] = 0;

        assertThatThrownBy(() -> MetadataRecordSerde.decode(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnUnknownRecordVersion() {
        byte[] bytes = MetadataRecordSerde.encode(List.of(new RemoveTopicRecord(ID)));
        bytes[6] = 1;

        assertThatThrownBy(() -> MetadataRecordSerde.decode(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 1");
    }

    @Test
    void refusesAnUnknownConfigResourceType() {
        byte[] bytes = MetadataRecordSerde.encode(List.of(new ConfigRecord(ConfigResourceType.TOPIC, "t", "k", "v")));
        assertThat(bytes[7]).isEqualTo((byte) 2);
        bytes[7] = 8;

        assertThatThrownBy(() -> MetadataRecordSerde.decode(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesBytesLeftAfterTheRecords() {
        byte[] valid = MetadataRecordSerde.encode(List.of(new RemoveTopicRecord(ID)));
        byte[] bytes = Arrays.copyOf(valid, valid.length + 1);

        assertThatThrownBy(() -> MetadataRecordSerde.decode(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("left");
    }

    @Test
    void refusesARecordCountLargerThanTheInput() {
        byte[] bytes = ByteBuffer.allocate(5).put((byte) 0).putInt(Integer.MAX_VALUE).array();

        assertThatThrownBy(() -> MetadataRecordSerde.decode(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesANegativeRecordCount() {
        byte[] bytes = ByteBuffer.allocate(5).put((byte) 0).putInt(-1).array();

        assertThatThrownBy(() -> MetadataRecordSerde.decode(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAStringLengthLargerThanTheInput() {
        byte[] bytes = ByteBuffer.allocate(1 + 4 + 2 + 4 + 16)
                .put((byte) 0).putInt(1).put((byte) 1).put((byte) 0)
                .putInt(Integer.MAX_VALUE)
                .array();

        assertThatThrownBy(() -> MetadataRecordSerde.decode(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("string length");
    }

    @Test
    void refusesANegativeStringLengthOtherThanNull() {
        byte[] bytes = ByteBuffer.allocate(1 + 4 + 2 + 4 + 16)
                .put((byte) 0).putInt(1).put((byte) 1).put((byte) 0)
                .putInt(-2)
                .array();

        assertThatThrownBy(() -> MetadataRecordSerde.decode(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnIntListLengthLargerThanTheInput() {
        byte[] bytes = ByteBuffer.allocate(1 + 4 + 2 + 16 + 4 + 4 + 8)
                .put((byte) 0).putInt(1).put((byte) 2).put((byte) 0)
                .putLong(1).putLong(2).putInt(0)
                .putInt(Integer.MAX_VALUE)
                .array();

        assertThatThrownBy(() -> MetadataRecordSerde.decode(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("list length");
    }

    @Test
    void refusesAnEndpointCountLargerThanTheInput() {
        byte[] bytes = registerBrokerWithEndpointCount(Integer.MAX_VALUE);

        assertThatThrownBy(() -> MetadataRecordSerde.decode(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesANegativeEndpointCount() {
        byte[] bytes = registerBrokerWithEndpointCount(-1);

        assertThatThrownBy(() -> MetadataRecordSerde.decode(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A register-broker record claiming {@code count} endpoints, followed only by a null rack. */
    private static byte[] registerBrokerWithEndpointCount(int count) {
        return ByteBuffer.allocate(1 + 4 + 2 + 4 + 16 + 4 + 4)
                .put((byte) 0).putInt(1).put((byte) 6).put((byte) 0)
                .putInt(1).putLong(1).putLong(2)
                .putInt(count)
                .putInt(-1)
                .array();
    }

    @Property(tries = 200)
    void refusesEveryTruncation(@ForAll("smallBatches") List<MetadataRecord> batch) {
        byte[] bytes = MetadataRecordSerde.encode(batch);
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> MetadataRecordSerde.decode(truncated))
                    .as("decoding the first %d of %d bytes", length, bytes.length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Property
    void garbageFailsOnlyWithIllegalArgument(@ForAll @Size(max = 300) byte[] garbage) {
        assertDecodesOrRefuses(garbage);
    }

    @Property
    void garbageAfterAValidHeaderFailsOnlyWithIllegalArgument(@ForAll @Size(max = 300) byte[] garbage, @ForAll("smallCounts") int count) {
        byte[] bytes = ByteBuffer.allocate(5 + garbage.length).put((byte) 0).putInt(count).put(garbage).array();
        assertDecodesOrRefuses(bytes);
    }

    @Property
    void aCorruptedByteFailsOnlyWithIllegalArgument(@ForAll("smallBatches") List<MetadataRecord> batch, @ForAll int position,
                                                    @ForAll byte value) {
        byte[] bytes = MetadataRecordSerde.encode(batch);
        bytes[Math.floorMod(position, bytes.length)] = value;
        assertDecodesOrRefuses(bytes);
    }

    private static void assertDecodesOrRefuses(byte[] bytes) {
        Throwable thrown = catchThrowable(() -> MetadataRecordSerde.decode(bytes));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Provide
    Arbitrary<List<MetadataRecord>> batches() {
        return RecordArbitraries.batches();
    }

    @Provide
    Arbitrary<List<MetadataRecord>> smallBatches() {
        return RecordArbitraries.records().list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<RegisterBrokerRecord> registerBrokerRecords() {
        return RecordArbitraries.registerBrokerRecords();
    }

    @Provide
    Arbitrary<PartitionRecord> partitionRecords() {
        return RecordArbitraries.partitionRecords();
    }

    @Provide
    Arbitrary<ConfigRecord> configRecords() {
        return RecordArbitraries.configRecords();
    }

    @Provide
    Arbitrary<Integer> smallCounts() {
        return Arbitraries.integers().between(0, 5);
    }
}
