package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.RawKafkaClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Garbage, truncated, oversized and lying input: each gets the protocol's error or closes only its own
 * connection; nothing bad is stored; the broker keeps serving a normal producer and consumer.
 */
class BadInputIT {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start();
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("guarded", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void closesConnectionsThatSendWhatIsNotARequest() {
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            byte[] garbage = new byte[1 + random.nextInt(4096)];
            random.nextBytes(garbage);
            assertClosedAfter(garbage);
        }
        assertClosedAfter("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertClosedAfter(ByteBuffer.allocate(4).putInt(-5).array());
        assertClosedAfter(ByteBuffer.allocate(4).putInt(0).array());
        assertClosedAfter(ByteBuffer.allocate(4).putInt(200 * 1024 * 1024).array());
        assertClosedAfter(ByteBuffer.allocate(12).putInt(8).putShort((short) 999).putShort((short) 0).putInt(1).array());
        assertClosedAfter(ByteBuffer.allocate(12).putInt(8).putShort(ApiKeys.PRODUCE.id).putShort((short) 2).putInt(1).array());
        byte[] truncatedMetadata = ByteBuffer.allocate(14).putInt(10).putShort(ApiKeys.METADATA.id).putShort((short) 12).putInt(7)
                .putShort((short) 100).array();
        assertClosedAfter(truncatedMetadata);
        byte[] hugeArray = ByteBuffer.allocate(20).putInt(16).putShort(ApiKeys.METADATA.id).putShort((short) 1).putInt(7)
                .putShort((short) -1).putInt(Integer.MAX_VALUE).array();
        assertClosedAfter(hugeArray);
        assertServesNormalClients();
    }

    @Test
    void answersApiVersionsAboveOurRangeWithTheVersionsWeSpeak() {
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.port())) {
            ApiVersionsRequest request = new ApiVersionsRequest(new ApiVersionsRequestData(), ApiKeys.API_VERSIONS.latestVersion());
            RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, (short) 99, "future-client", 1);
            ByteBuffer body = request.serializeWithHeader(new RequestHeader(ApiKeys.API_VERSIONS, ApiKeys.API_VERSIONS.latestVersion(), "future-client", 1));
            body.putShort(2, (short) 99);
            byte[] frame = new byte[4 + body.remaining()];
            ByteBuffer.wrap(frame).putInt(body.remaining()).put(body);
            client.writeBytes(frame);
            ApiVersionsResponse response = (ApiVersionsResponse) org.apache.kafka.common.requests.AbstractResponse.parseResponse(client.readFrame(),
                    new RequestHeader(ApiKeys.API_VERSIONS, (short) 0, "future-client", header.correlationId()));
            assertThat(response.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(response.data().apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion()).isEqualTo(ApiKeys.API_VERSIONS.latestVersion());
        }
    }

    @Test
    void refusesCorruptAndLyingBatchesWithoutStoringThem() {
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.port())) {
            MemoryRecords good = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()),
                    new SimpleRecord("k2".getBytes(), "v2".getBytes()));

            ByteBuffer badCrc = copy(good.buffer());
            badCrc.put(badCrc.limit() - 1, (byte) (badCrc.get(badCrc.limit() - 1) ^ 0x5a));
            assertThat(produce(client, MemoryRecords.readableRecords(badCrc))).isEqualTo(Errors.CORRUPT_MESSAGE);

            ByteBuffer lyingCount = copy(good.buffer());
            lyingCount.putInt(DefaultRecordBatch.RECORDS_COUNT_OFFSET, 5);
            lyingCount.putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, 4);
            fixCrc(lyingCount);
            assertThat(produce(client, MemoryRecords.readableRecords(lyingCount))).isEqualTo(Errors.INVALID_RECORD);

            ByteBuffer nonZeroBase = copy(good.buffer());
            nonZeroBase.putLong(0, 77);
            assertThat(produce(client, MemoryRecords.readableRecords(nonZeroBase))).isEqualTo(Errors.INVALID_RECORD);

            ByteBuffer truncated = copy(good.buffer());
            truncated.limit(truncated.limit() - 3);
            assertThat(produce(client, MemoryRecords.readableRecords(truncated.slice()))).isEqualTo(Errors.INVALID_RECORD);

            assertThat(produce(client, MemoryRecords.readableRecords(copy(good.buffer())))).isEqualTo(Errors.NONE);
        }
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition("guarded", 0);
            long end = admin.listOffsets(java.util.Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).partitionResult(tp).get().offset();
            assertThat(end).as("only the one good batch of two records is stored").isEqualTo(2);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> records =
                PartitionReader.readExactly(broker.bootstrapServers(), new org.apache.kafka.common.TopicPartition("guarded", 0), 2);
        assertThat(records).extracting(org.apache.kafka.clients.consumer.ConsumerRecord::value).containsExactly("v", "v2");
    }

    private static Errors produce(RawKafkaClient client, MemoryRecords records) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("guarded");
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(topic);
        ProduceRequest request = new ProduceRequest(data, (short) 12);
        ProduceResponse response = (ProduceResponse) client.send(request);
        return Errors.forCode(response.data().responses().iterator().next().partitionResponses().get(0).errorCode());
    }

    private static ByteBuffer copy(ByteBuffer source) {
        ByteBuffer copy = ByteBuffer.allocate(source.remaining());
        copy.put(source.duplicate()).flip();
        return copy;
    }

    private static void fixCrc(ByteBuffer batch) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(batch.duplicate().position(DefaultRecordBatch.CRC_OFFSET + 4));
        batch.putInt(DefaultRecordBatch.CRC_OFFSET, (int) crc.getValue());
    }

    private static void assertClosedAfter(byte[] bytes) {
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.port())) {
            client.writeBytes(bytes);
            assertThat(client.isClosedByBroker()).as("connection closed after %d bytes of bad input", bytes.length).isTrue();
        }
    }

    private static void assertServesNormalClients() {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            assertThat(producer.send(new ProducerRecord<>("guarded-after", "still here")).get().offset()).isZero();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(PartitionReader.readExactly(broker.bootstrapServers(), new org.apache.kafka.common.TopicPartition("guarded-after", 0), 1).get(0).value())
                .isEqualTo("still here");
    }
}
