package io.vltava.storage.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.storage.TestBatches;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BatchHeaderTest {

    @Test
    void readsTheFieldsOfABuiltBatch() {
        ByteBuffer batch = TestBatches.batch().records(3).valueSize(10).timestamp(1000L).producer(7L, (short) 2, 40)
                .partitionLeaderEpoch(5).build();

        assertThat(BatchHeader.baseOffset(batch, 0)).isZero();
        assertThat(BatchHeader.sizeInBytes(batch, 0)).isEqualTo(batch.remaining());
        assertThat(BatchHeader.batchLength(batch, 0)).isEqualTo(batch.remaining() - BatchHeader.LOG_OVERHEAD);
        assertThat(BatchHeader.magic(batch, 0)).isEqualTo(BatchHeader.MAGIC_V2);
        assertThat(BatchHeader.partitionLeaderEpoch(batch, 0)).isEqualTo(5);
        assertThat(BatchHeader.isLogAppendTime(batch, 0)).isFalse();
        assertThat(BatchHeader.lastOffsetDelta(batch, 0)).isEqualTo(2);
        assertThat(BatchHeader.lastOffset(batch, 0)).isEqualTo(2);
        assertThat(BatchHeader.baseTimestamp(batch, 0)).isEqualTo(1000L);
        assertThat(BatchHeader.maxTimestamp(batch, 0)).isEqualTo(1002L);
        assertThat(BatchHeader.producerId(batch, 0)).isEqualTo(7L);
        assertThat(BatchHeader.producerEpoch(batch, 0)).isEqualTo((short) 2);
        assertThat(BatchHeader.baseSequence(batch, 0)).isEqualTo(40);
        assertThat(BatchHeader.lastSequence(batch, 0)).isEqualTo(42);
        assertThat(BatchHeader.isCrcValid(batch, 0)).isTrue();
    }

    @Test
    void plainBatchesHaveNoProducer() {
        ByteBuffer batch = TestBatches.plain(2);

        assertThat(BatchHeader.producerId(batch, 0)).isEqualTo(BatchHeader.NO_PRODUCER_ID);
        assertThat(BatchHeader.producerEpoch(batch, 0)).isEqualTo(BatchHeader.NO_PRODUCER_EPOCH);
        assertThat(BatchHeader.baseSequence(batch, 0)).isEqualTo(BatchHeader.NO_SEQUENCE);
        assertThat(BatchHeader.lastSequence(batch, 0)).isEqualTo(BatchHeader.NO_SEQUENCE);
    }

    @Test
    void readsABatchAtAnyPositionWithoutMovingTheBuffer() {
        ByteBuffer first = TestBatches.plain(1);
        ByteBuffer second = TestBatches.batch().records(4).baseOffset(1).build();
        ByteBuffer both = TestBatches.concat(first, second);
        int at = first.remaining();

        assertThat(BatchHeader.baseOffset(both, at)).isEqualTo(1);
        assertThat(BatchHeader.lastOffset(both, at)).isEqualTo(4);
        assertThat(BatchHeader.isCrcValid(both, at)).isTrue();
        assertThat(both.position()).isZero();
    }

    @Test
    void baseOffsetAndLeaderEpochAreOutsideTheCrc() {
        ByteBuffer batch = TestBatches.plain(3);

        BatchHeader.setBaseOffset(batch, 0, 1234L);
        BatchHeader.setPartitionLeaderEpoch(batch, 0, 9);

        assertThat(BatchHeader.baseOffset(batch, 0)).isEqualTo(1234L);
        assertThat(BatchHeader.lastOffset(batch, 0)).isEqualTo(1236L);
        assertThat(BatchHeader.partitionLeaderEpoch(batch, 0)).isEqualTo(9);
        assertThat(BatchHeader.isCrcValid(batch, 0)).isTrue();
    }

    @Test
    void anyChangedByteAfterTheCrcFieldInvalidatesIt() {
        ByteBuffer batch = TestBatches.plain(2);
        for (int i = BatchHeader.ATTRIBUTES_OFFSET; i < batch.limit(); i++) {
            ByteBuffer copy = ByteBuffer.wrap(TestBatches.bytes(batch));
            copy.put(i, (byte) (copy.get(i) ^ 0x01));
            assertThat(BatchHeader.isCrcValid(copy, 0)).as("byte %d flipped", i).isFalse();
        }
    }

    @Test
    void logAppendTimeSetsTheAttributeAndMaxTimestampAndKeepsTheCrcValid() {
        ByteBuffer batch = TestBatches.batch().records(3).timestamp(1000L).build();

        BatchHeader.setLogAppendTime(batch, 0, 5000L);

        assertThat(BatchHeader.isLogAppendTime(batch, 0)).isTrue();
        assertThat(BatchHeader.maxTimestamp(batch, 0)).isEqualTo(5000L);
        assertThat(BatchHeader.baseTimestamp(batch, 0)).isEqualTo(1000L);
        assertThat(BatchHeader.isCrcValid(batch, 0)).isTrue();
    }

    @Test
    void sequencesWrapPastIntegerMaxValueToZero() {
        assertThat(BatchHeader.incrementSequence(5, 3)).isEqualTo(8);
        assertThat(BatchHeader.incrementSequence(Integer.MAX_VALUE, 0)).isEqualTo(Integer.MAX_VALUE);
        assertThat(BatchHeader.incrementSequence(Integer.MAX_VALUE, 1)).isZero();
        assertThat(BatchHeader.incrementSequence(Integer.MAX_VALUE - 1, 3)).isEqualTo(1);
        assertThat(BatchHeader.incrementSequence(Integer.MAX_VALUE - 4, 4)).isEqualTo(Integer.MAX_VALUE);

        // Sequences MAX_VALUE - 1, MAX_VALUE, 0, 1.
        ByteBuffer wrapping = TestBatches.idempotent(1L, (short) 0, Integer.MAX_VALUE - 1, 4);
        assertThat(BatchHeader.lastSequence(wrapping, 0)).isEqualTo(1);
    }
}
