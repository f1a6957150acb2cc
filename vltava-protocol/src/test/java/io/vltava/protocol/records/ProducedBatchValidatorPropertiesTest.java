package io.vltava.protocol.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * A producer can send any bytes with a CRC that matches them. Whatever they are, validation either
 * accepts the batch or refuses it with a {@link BatchValidationException}; no other exception (from a
 * decompressor, a record reader, an allocation) escapes, and what is accepted can be read back in full
 * the way consumers read it.
 */
class ProducedBatchValidatorPropertiesTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final TopicWriteRules RULES = new TopicWriteRules(1_048_588, true, false, 86_400_000L, 3_600_000L, "producer", null);
    private static final TopicWriteRules RECOMPRESS = new TopicWriteRules(1_048_588, false, false, Long.MAX_VALUE, Long.MAX_VALUE, "gzip", null);
    private static final TopicWriteRules LOG_APPEND_TIME_UNCOMPRESSED =
            new TopicWriteRules(1_048_588, false, true, 1000, 1000, "uncompressed", null);

    private static final List<byte[]> BATCHES = java.util.Arrays.stream(Batches.CODECS)
            .map(ProducedBatchValidatorPropertiesTest::sampleBatch)
            .toList();

    private static byte[] sampleBatch(Compression compression) {
        SimpleRecord[] records = new SimpleRecord[8];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(NOW - i, ("key-" + i).getBytes(), ("value-" + i + "-".repeat(i * 7)).getBytes());
        }
        return Batches.bytes(MemoryRecords.withIdempotentRecords(compression, 9L, (short) 1, 0, records));
    }

    /** Some bytes of a valid batch overwritten (at or after the attributes), with the CRC recomputed. */
    record Corruption(int batch, List<int[]> overwrites) {
    }

    @Provide
    Arbitrary<Corruption> corruptions() {
        Arbitrary<int[]> overwrite = Combinators.combine(Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(-128, 127))
                .as((at, value) -> new int[] {at, value});
        Arbitrary<int[]> payloadOverwrite = overwrite.map(o -> new int[] {-1 - o[0], o[1]}); // negative: inside the records
        return Combinators.combine(
                Arbitraries.integers().between(0, BATCHES.size() - 1),
                Arbitraries.oneOf(overwrite, payloadOverwrite, payloadOverwrite).list().ofMinSize(1).ofMaxSize(4))
                .as(Corruption::new);
    }

    @Property(tries = 3000)
    void anyBatchWithAValidCrcIsAcceptedOrRefusedWithAnErrorCode(@ForAll("corruptions") Corruption corruption) {
        byte[] batch = BATCHES.get(corruption.batch()).clone();
        for (int[] overwrite : corruption.overwrites()) {
            int at = overwrite[0] >= 0
                    ? Batches.ATTRIBUTES + overwrite[0] % (batch.length - Batches.ATTRIBUTES)
                    : Batches.RECORDS + (-1 - overwrite[0]) % (batch.length - Batches.RECORDS);
            batch[at] = (byte) overwrite[1];
        }
        Batches.withValidCrc(batch);

        for (TopicWriteRules rules : List.of(RULES, RECOMPRESS, LOG_APPEND_TIME_UNCOMPRESSED)) {
            try {
                ByteBuffer stored = ProducedBatchValidator.validate((short) 11, Batches.records(batch.clone()), rules, NOW);
                assertReadableByConsumers(stored);
            } catch (BatchValidationException refused) {
                assertThat(refused.error()).isNotNull();
            }
        }
    }

    /** What is stored can be read back record by record, keys and values included, as a consumer reads it. */
    private static void assertReadableByConsumers(ByteBuffer stored) {
        int records = 0;
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(stored.duplicate()).batches()) {
            assertThat(batch.isValid()).isTrue();
            try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                while (it.hasNext()) {
                    Record record = it.next();
                    assertThat(record.offset()).isEqualTo(records);
                    records++;
                }
            }
            assertThat(records).isEqualTo(batch.countOrNull());
        }
        assertThat(records).isPositive();
    }
}
