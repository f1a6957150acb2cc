package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class PartitionFailuresTest {

    @Test
    void anIoErrorIsAStorageError() {
        assertThat(PartitionFailures.toKafka("Fetch", "orders", 0, new UncheckedIOException(new ClosedChannelException())))
                .isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(PartitionFailures.toKafka("Fetch", "orders", 0, new IllegalStateException("wrapped", new IOException("disk gone"))))
                .isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(PartitionFailures.toKafka("Fetch", "orders", 0, new KafkaException(new RuntimeException(new IOException("deep")))))
                .isEqualTo(Errors.KAFKA_STORAGE_ERROR);
    }

    @Test
    void anythingElseIsAnUnknownServerError() {
        assertThat(PartitionFailures.toKafka("Produce", "orders", 1, new NullPointerException())).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
        assertThat(PartitionFailures.toKafka("Produce", null, -1, new IllegalStateException("bug", new IllegalArgumentException())))
                .isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
    }

    @Test
    void aCycleOfCausesEnds() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second", first);
        first.initCause(second);

        assertThat(PartitionFailures.isStorageFailure(first)).isFalse();
    }
}
