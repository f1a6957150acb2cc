package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.RawKafkaClient;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;

/**
 * Idempotent produce over the wire, as a producer's retries exercise it: a retried batch is
 * acknowledged with its original offset and stored once, a gap in sequences is refused, and the
 * producer state survives a restart.
 */
class IdempotenceIT {

    @Test
    void retriesAreStoredOnceAndGapsRefusedAcrossRestarts() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic("idem", 1, (short) 1))).all().get();
            }
            long producerId;
            try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.port())) {
                InitProducerIdResponse init = (InitProducerIdResponse) client.send(new InitProducerIdRequest.Builder(
                        new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE)).build());
                producerId = init.data().producerId();
                assertThat(init.data().producerEpoch()).isZero();

                assertThat(produce(client, producerId, 0, "a", "b")).satisfies(r -> assertAppended(r, 0));
                assertThat(produce(client, producerId, 2, "c")).satisfies(r -> assertAppended(r, 2));
                assertThat(produce(client, producerId, 0, "a", "b")).as("a retry of the first batch").satisfies(r -> assertAppended(r, 0));
                assertThat(produce(client, producerId, 2, "c")).as("a retry of the second batch").satisfies(r -> assertAppended(r, 2));
                assertThat(Errors.forCode(produce(client, producerId, 5, "gap").errorCode())).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
            }

            broker.restart();

            try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.port())) {
                assertThat(produce(client, producerId, 2, "c")).as("a retry after the restart").satisfies(r -> assertAppended(r, 2));
                assertThat(Errors.forCode(produce(client, producerId, 7, "gap").errorCode())).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
                assertThat(produce(client, producerId, 3, "d")).satisfies(r -> assertAppended(r, 3));
            }
            List<ConsumerRecord<String, String>> records = PartitionReader.readExactly(broker.bootstrapServers(), new TopicPartition("idem", 0), 4);
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("a", "b", "c", "d");
        }
    }

    private static void assertAppended(PartitionProduceResponse response, long baseOffset) {
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
        assertThat(response.baseOffset()).isEqualTo(baseOffset);
    }

    private static PartitionProduceResponse produce(RawKafkaClient client, long producerId, int baseSequence, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(values[i].getBytes());
        }
        MemoryRecords batch = MemoryRecords.withIdempotentRecords(RecordBatch.CURRENT_MAGIC_VALUE, 0L, Compression.NONE, producerId,
                (short) 0, baseSequence, RecordBatch.NO_PARTITION_LEADER_EPOCH, records);
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("idem");
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch));
        data.topicData().add(topic);
        ProduceResponse response = (ProduceResponse) client.send(new ProduceRequest(data, (short) 12));
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }
}
