package io.vltava.protocol.records;

import static io.vltava.protocol.records.Batches.bytes;
import static io.vltava.protocol.records.Batches.edited;
import static io.vltava.protocol.records.Batches.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vltava.protocol.TestBuffers;
import io.vltava.protocol.records.BatchValidationException.RecordError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProducedBatchValidatorTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final short PRODUCE_VERSION = 11;
    private static final long PRODUCER_ID = 1234L;
    private static final short PRODUCER_EPOCH = 5;

    /** Kafka's defaults: max.message.bytes 1 MiB + 12, timestamps any time in the past up to 1 h ahead. */
    private static TopicWriteRules rules() {
        return new TopicWriteRules(1_048_588, false, false, Long.MAX_VALUE, 3_600_000L, "producer", null);
    }

    private static TopicWriteRules withCompression(String compressionType, Integer level) {
        TopicWriteRules r = rules();
        return new TopicWriteRules(r.maxMessageBytes(), r.compacted(), r.logAppendTime(), r.timestampBeforeMaxMs(),
                r.timestampAfterMaxMs(), compressionType, level);
    }

    private static TopicWriteRules withMaxBytes(int maxMessageBytes, String compressionType) {
        TopicWriteRules r = rules();
        return new TopicWriteRules(maxMessageBytes, r.compacted(), r.logAppendTime(), r.timestampBeforeMaxMs(),
                r.timestampAfterMaxMs(), compressionType, null);
    }

    private static TopicWriteRules compacted() {
        TopicWriteRules r = rules();
        return new TopicWriteRules(r.maxMessageBytes(), true, false, r.timestampBeforeMaxMs(), r.timestampAfterMaxMs(), "producer", null);
    }

    private static TopicWriteRules timestampsWithin(long beforeMs, long afterMs, boolean logAppendTime) {
        TopicWriteRules r = rules();
        return new TopicWriteRules(r.maxMessageBytes(), false, logAppendTime, beforeMs, afterMs, "producer", null);
    }

    static Stream<Compression> codecs() {
        return Arrays.stream(Batches.CODECS);
    }

    static Stream<Compression> compressedCodecs() {
        return codecs().filter(c -> c.type() != CompressionType.NONE);
    }

    private static SimpleRecord[] someRecords() {
        Header[] headers = {new RecordHeader("trace", "abc".getBytes())};
        return new SimpleRecord[] {
            new SimpleRecord(NOW - 30, "k0".getBytes(), "value-0".getBytes(), headers),
            new SimpleRecord(NOW - 10, "k1".getBytes(), "value-1".getBytes()),
            new SimpleRecord(NOW - 20, null, "value-2".getBytes())};
    }

    private static ByteBuffer validate(MemoryRecords records, TopicWriteRules rules) {
        return ProducedBatchValidator.validate(PRODUCE_VERSION, records, rules, NOW);
    }

    private static BatchValidationException refused(MemoryRecords records, TopicWriteRules rules) {
        return refused(PRODUCE_VERSION, records, rules);
    }

    private static BatchValidationException refused(short version, org.apache.kafka.common.record.internal.BaseRecords records, TopicWriteRules rules) {
        BatchValidationException e = catchThrowableOfType(BatchValidationException.class,
                () -> ProducedBatchValidator.validate(version, records, rules, NOW));
        assertThat(e).as("the batch is refused").isNotNull();
        return e;
    }

    // ---- valid batches ----

    @ParameterizedTest
    @MethodSource("codecs")
    void aValidBatchOfEachCodecIsReturnedAsTheSameBytes(Compression compression) {
        byte[] sent = bytes(MemoryRecords.withIdempotentRecords(compression, PRODUCER_ID, PRODUCER_EPOCH, 0, someRecords()));

        ByteBuffer stored = validate(records(sent), rules());

        assertThat(TestBuffers.bytes(stored)).isEqualTo(sent);
    }

    @Test
    void aValidBatchWithoutProducerIdPasses() {
        byte[] sent = bytes(MemoryRecords.withRecords(Compression.NONE, someRecords()));

        assertThat(TestBuffers.bytes(validate(records(sent), rules()))).isEqualTo(sent);
    }

    @Test
    void bytesAfterTheBatchThatDoNotFormAnotherBatchAreDropped() {
        // Kafka's batch iterator stops at an incomplete trailing batch; those bytes are never stored.
        byte[] batch = bytes(MemoryRecords.withRecords(Compression.NONE, someRecords()));
        byte[] partialSecond = Arrays.copyOf(batch, 30);

        ByteBuffer stored = validate(records(TestBuffers.concat(batch, partialSecond)), rules());

        assertThat(TestBuffers.bytes(stored)).isEqualTo(batch);
    }

    @Test
    void aBatchOfExactlyMaxMessageBytesPasses() {
        byte[] sent = bytes(MemoryRecords.withRecords(Compression.NONE, someRecords()));

        validate(records(sent), withMaxBytes(sent.length, "producer"));
    }

    @ParameterizedTest
    @ValueSource(shorts = {7, 8, 13})
    void zstdIsAcceptedFromProduceVersion7(short version) {
        byte[] sent = bytes(MemoryRecords.withRecords(Compression.zstd().build(), someRecords()));

        ProducedBatchValidator.validate(version, records(sent), rules(), NOW);
    }

    // ---- batch-level refusals ----

    @Test
    void nullOrMissingRecordsAreInvalid() {
        assertThat(refused(PRODUCE_VERSION, null, rules()).error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(refused(PRODUCE_VERSION, LogSliceRecords.EMPTY, rules()).error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(refused(MemoryRecords.EMPTY, rules()).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void aBaseOffsetOtherThanZeroIsInvalid() {
        MemoryRecords sent = MemoryRecords.withRecords(42L, Compression.NONE, someRecords());

        BatchValidationException e = refused(sent, rules());

        assertThat(e.error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(e.recordErrors()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void aBatchLargerThanMaxMessageBytesIsTooLarge(Compression compression) {
        byte[] sent = bytes(MemoryRecords.withRecords(compression, someRecords()));

        assertThat(refused(records(sent), withMaxBytes(sent.length - 1, "producer")).error()).isEqualTo(Errors.MESSAGE_TOO_LARGE);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void aFlippedByteIsACorruptMessage(Compression compression) {
        byte[] sent = bytes(MemoryRecords.withRecords(compression, someRecords()));

        byte[] payloadFlipped = sent.clone();
        payloadFlipped[sent.length - 2] ^= 0x01;
        assertThat(refused(records(payloadFlipped), rules()).error()).isEqualTo(Errors.CORRUPT_MESSAGE);

        byte[] crcFlipped = sent.clone();
        crcFlipped[Batches.CRC + 1] ^= 0x40;
        assertThat(refused(records(crcFlipped), rules()).error()).isEqualTo(Errors.CORRUPT_MESSAGE);
    }

    @Test
    void twoBatchesForOnePartitionAreInvalid() {
        byte[] first = bytes(MemoryRecords.withRecords(Compression.NONE, someRecords()));
        byte[] second = bytes(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(NOW, "x".getBytes())));

        assertThat(refused(records(TestBuffers.concat(first, second)), rules()).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @ParameterizedTest
    @ValueSource(bytes = {0, 1})
    void aBatchOfAnOlderMagicIsRefused(byte magic) {
        MemoryRecords legacy = MemoryRecords.withRecords(magic, Compression.NONE, new SimpleRecord(NOW, "k".getBytes(), "v".getBytes()));

        assertThat(refused(legacy, rules()).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void anUnknownMagicOrALyingLengthIsACorruptMessage() {
        byte[] sent = bytes(MemoryRecords.withRecords(Compression.NONE, someRecords()));

        byte[] magic3 = sent.clone();
        magic3[Batches.MAGIC] = 3;
        assertThat(refused(records(magic3), rules()).error()).isEqualTo(Errors.CORRUPT_MESSAGE);

        byte[] tinyLength = sent.clone();
        ByteBuffer.wrap(tinyLength).putInt(Batches.BATCH_LENGTH, 5);
        assertThat(refused(records(tinyLength), rules()).error()).isEqualTo(Errors.CORRUPT_MESSAGE);
    }

    @ParameterizedTest
    @ValueSource(shorts = {3, 6, 11})
    void anUnknownCompressionCodecIsACorruptMessage(short produceVersion) {
        byte[] sent = bytes(MemoryRecords.withRecords(Compression.NONE, someRecords()));
        for (int codec = 5; codec <= 7; codec++) {
            int id = codec;
            byte[] unknownCodec = edited(sent, b -> b.putShort(Batches.ATTRIBUTES, (short) ((b.getShort(Batches.ATTRIBUTES) & ~0x07) | id)));

            assertThat(refused(produceVersion, records(unknownCodec), rules()).error()).as("codec id %d", id).isEqualTo(Errors.CORRUPT_MESSAGE);
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void aRecordCountThatDisagreesWithTheOffsetRangeIsInvalid(Compression compression) {
        byte[] sent = bytes(MemoryRecords.withRecords(compression, someRecords()));

        byte[] oneMore = edited(sent, b -> b.putInt(Batches.RECORD_COUNT, 4));

        assertThat(refused(records(oneMore), rules()).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void aHeaderClaimingMoreRecordsThanTheBatchHoldsIsInvalid(Compression compression) {
        byte[] sent = bytes(MemoryRecords.withRecords(compression, someRecords()));

        // Count and offset range agree with each other, but not with the records.
        byte[] claimsFour = edited(sent, b -> b.putInt(Batches.RECORD_COUNT, 4).putInt(Batches.LAST_OFFSET_DELTA, 3));

        assertThat(refused(records(claimsFour), rules()).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void aHeaderClaimingFewerRecordsThanTheBatchHoldsIsInvalid(Compression compression) {
        byte[] sent = bytes(MemoryRecords.withRecords(compression, someRecords()));

        byte[] claimsTwo = edited(sent, b -> b.putInt(Batches.RECORD_COUNT, 2).putInt(Batches.LAST_OFFSET_DELTA, 1));

        assertThat(refused(records(claimsTwo), rules()).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void anEmptyOrNegativeBatchIsInvalid(int count) {
        byte[] sent = bytes(MemoryRecords.withRecords(Compression.NONE, someRecords()));

        byte[] empty = edited(sent, b -> b.putInt(Batches.RECORD_COUNT, count).putInt(Batches.LAST_OFFSET_DELTA, count - 1));

        assertThat(refused(records(empty), rules()).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void recordsMustBeNumberedFromZero() {
        var builder = MemoryRecords.builder(ByteBuffer.allocate(1024), Compression.NONE, TimestampType.CREATE_TIME, 0L);
        builder.appendWithOffset(0, NOW, "a".getBytes(), "1".getBytes());
        builder.appendWithOffset(2, NOW, "b".getBytes(), "2".getBytes());
        byte[] sent = bytes(builder.build());

        // Offsets 0 and 2: the header says two records over three offsets.
        assertThat(refused(records(sent), rules()).error()).isEqualTo(Errors.INVALID_RECORD);
        // Make the header consistent (two records, offsets 0..1): the second record's own delta still says 2.
        byte[] headerFixed = edited(sent, b -> b.putInt(Batches.LAST_OFFSET_DELTA, 1));
        BatchValidationException e = refused(records(headerFixed), rules());
        assertThat(e.error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(e.getMessage()).contains("offset delta");
    }

    @Test
    void aControlBatchIsInvalid() {
        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(0L, NOW, RecordBatch.NO_PARTITION_LEADER_EPOCH, PRODUCER_ID, PRODUCER_EPOCH,
                new EndTransactionMarker(ControlRecordType.COMMIT, 0));

        assertThat(refused(marker, rules()).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void aTransactionalBatchIsAccepted() {
        MemoryRecords transactional = MemoryRecords.withTransactionalRecords(Compression.NONE, PRODUCER_ID, PRODUCER_EPOCH, 0, someRecords());

        ByteBuffer validated = validate(transactional, rules());

        assertThat(MemoryRecords.readableRecords(validated).batches().iterator().next().isTransactional()).isTrue();
    }

    @Test
    void aTransactionalBatchNeedsAProducerEpoch() {
        byte[] sent = bytes(MemoryRecords.withTransactionalRecords(Compression.NONE, PRODUCER_ID, PRODUCER_EPOCH, 0, someRecords()));
        byte[] noEpoch = Batches.edited(sent, b -> b.putShort(Batches.PRODUCER_ID + 8, (short) -1));

        assertThat(refused(records(noEpoch), rules()).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void anIdempotentBatchNeedsABaseSequence() {
        byte[] sent = bytes(MemoryRecords.withIdempotentRecords(Compression.NONE, PRODUCER_ID, PRODUCER_EPOCH, 0, someRecords()));

        byte[] noSequence = edited(sent, b -> b.putInt(Batches.BASE_SEQUENCE, -1));

        assertThat(refused(records(noSequence), rules()).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void aClientMayNotSetLogAppendTime() {
        MemoryRecords lat = MemoryRecords.withRecords(RecordBatch.CURRENT_MAGIC_VALUE, 0L, Compression.NONE, TimestampType.LOG_APPEND_TIME, someRecords());

        assertThat(refused(lat, rules()).error()).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(refused(lat, timestampsWithin(Long.MAX_VALUE, Long.MAX_VALUE, true)).error()).isEqualTo(Errors.INVALID_TIMESTAMP);
    }

    @ParameterizedTest
    @ValueSource(shorts = {3, 6})
    void zstdNeedsProduceVersion7(short version) {
        byte[] sent = bytes(MemoryRecords.withRecords(Compression.zstd().build(), someRecords()));

        assertThat(refused(version, records(sent), rules()).error()).isEqualTo(Errors.UNSUPPORTED_COMPRESSION_TYPE);
    }

    // ---- record-level refusals ----

    @ParameterizedTest
    @MethodSource("codecs")
    void keylessRecordsOnACompactedTopicAreInvalidWithRecordErrors(Compression compression) {
        MemoryRecords sent = MemoryRecords.withRecords(compression,
                new SimpleRecord(NOW, null, "a".getBytes()),
                new SimpleRecord(NOW, "k".getBytes(), "b".getBytes()),
                new SimpleRecord(NOW, null, "c".getBytes()));

        BatchValidationException e = refused(sent, compacted());

        assertThat(e.error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(e.recordErrors()).extracting(RecordError::batchIndex).containsExactly(0, 2);
        assertThat(e.recordErrors()).allSatisfy(error -> assertThat(error.message()).contains("Compacted topic cannot accept message without key"));
        assertThat(e.getMessage()).contains("2 record errors");
    }

    @Test
    void keylessRecordsAreFineOnATopicThatIsNotCompacted() {
        validate(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(NOW, null, "a".getBytes())), rules());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void timestampsOutOfRangeAreInvalidWithRecordErrors(Compression compression) {
        MemoryRecords sent = MemoryRecords.withRecords(compression,
                new SimpleRecord(NOW - 1000, "a".getBytes(), "ok: exactly the oldest allowed".getBytes()),
                new SimpleRecord(NOW - 1001, "b".getBytes(), "too old".getBytes()),
                new SimpleRecord(NOW + 1001, "c".getBytes(), "too new".getBytes()),
                new SimpleRecord(RecordBatch.NO_TIMESTAMP, "d".getBytes(), "no timestamp: not checked".getBytes()),
                new SimpleRecord(NOW + 1000, "e".getBytes(), "ok: exactly the newest allowed".getBytes()));

        BatchValidationException e = refused(sent, timestampsWithin(1000, 1000, false));

        assertThat(e.error()).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(e.recordErrors()).extracting(RecordError::batchIndex).containsExactly(1, 2);
        assertThat(e.recordErrors().get(0).message()).contains(Long.toString(NOW - 1001)).contains("out of range")
                .endsWith("The timestamp should be within [" + (NOW - 1000) + ", " + (NOW + 1000) + "]");
        assertThat(e.getMessage()).isEqualTo("One or more records have been rejected due to invalid timestamp");
    }

    @Test
    void aNegativeTimestampOtherThanNoneIsInvalidWhateverTheBounds() {
        byte[] sent = bytes(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(NOW, "k".getBytes(), "v".getBytes())));
        byte[] negative = edited(sent, b -> b.putLong(Batches.BASE_TIMESTAMP, -5).putLong(Batches.MAX_TIMESTAMP, -5));

        BatchValidationException e = refused(records(negative), timestampsWithin(Long.MAX_VALUE, Long.MAX_VALUE, false));

        assertThat(e.error()).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(e.recordErrors()).extracting(RecordError::batchIndex).containsExactly(0);
        assertThat(e.recordErrors().get(0).message()).as("unbounded both ways, without overflow")
                .endsWith("The timestamp should be within [0, " + Long.MAX_VALUE + "]");
    }

    @Test
    void aBatchThatCannotBeRebuiltIsRefusedWithAnErrorCode() {
        // On a LogAppendTime topic client timestamps are not checked, but the rebuild cannot write a negative one.
        byte[] sent = bytes(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(NOW, "k".getBytes(), "v".getBytes())));
        byte[] negative = edited(sent, b -> b.putLong(Batches.BASE_TIMESTAMP, -5).putLong(Batches.MAX_TIMESTAMP, -5));
        TopicWriteRules lat = timestampsWithin(1000, 1000, true);
        TopicWriteRules latGzip = new TopicWriteRules(lat.maxMessageBytes(), false, true, 1000, 1000, "gzip", null);

        validate(records(negative.clone()), lat);
        assertThat(refused(records(negative), latGzip).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void timestampsAreNotCheckedOnALogAppendTimeTopic() {
        MemoryRecords sent = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, "a".getBytes(), "ancient".getBytes()));

        validate(sent, timestampsWithin(1000, 1000, true));
    }

    @Test
    void aKeylessRecordWithABadTimestampGetsOneErrorForItsKeyAsInKafka() {
        // Kafka checks the key first and reports at most one error per record.
        TopicWriteRules rules = new TopicWriteRules(1_048_588, true, false, 1000, 1000, "producer", null);
        MemoryRecords sent = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(NOW - 5000, null, "no key, too old".getBytes()),
                new SimpleRecord(NOW, "k".getBytes(), "fine".getBytes()));

        BatchValidationException e = refused(sent, rules);

        assertThat(e.error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(e.recordErrors()).hasSize(1);
        assertThat(e.recordErrors().get(0).batchIndex()).isZero();
        assertThat(e.recordErrors().get(0).message()).contains("without key");
    }

    @Test
    void anyTimestampErrorMakesTheCodeInvalidTimestamp() {
        TopicWriteRules rules = new TopicWriteRules(1_048_588, true, false, 1000, 1000, "producer", null);
        MemoryRecords sent = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(NOW, null, "no key".getBytes()),
                new SimpleRecord(NOW + 5000, "k".getBytes(), "too new".getBytes()));

        BatchValidationException e = refused(sent, rules);

        assertThat(e.error()).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(e.recordErrors()).extracting(RecordError::batchIndex).containsExactly(0, 1);
    }

    // ---- what the broker changes ----

    @ParameterizedTest
    @MethodSource("codecs")
    void aWrongMaxTimestampIsCorrectedWithAValidCrc(Compression compression) {
        byte[] sent = bytes(MemoryRecords.withIdempotentRecords(compression, PRODUCER_ID, PRODUCER_EPOCH, 0, someRecords()));
        byte[] wrongMax = edited(sent, b -> b.putLong(Batches.MAX_TIMESTAMP, NOW + 999_999));

        ByteBuffer stored = validate(records(wrongMax), rules());

        MutableRecordBatch batch = onlyBatch(stored);
        assertThat(batch.maxTimestamp()).isEqualTo(NOW - 10);
        assertThat(batch.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(batch.isValid()).isTrue();
        assertThat(TestBuffers.bytes(stored)).isEqualTo(sent);
    }

    @Test
    void anLz4BatchIsRebuiltAsGzipForAGzipTopic() {
        MemoryRecords sent = MemoryRecords.withIdempotentRecords(Compression.lz4().build(), PRODUCER_ID, PRODUCER_EPOCH, 77, someRecords());

        ByteBuffer stored = validate(sent, withCompression("gzip", null));

        MutableRecordBatch batch = onlyBatch(stored);
        assertThat(batch.compressionType()).isEqualTo(CompressionType.GZIP);
        assertSameRecordsAndProducer(batch, sent.batches().iterator().next());
    }

    @Test
    void aGzipLevelIsApplied() {
        SimpleRecord compressible = new SimpleRecord(NOW, "k".getBytes(), "abcabcabcabc".repeat(500).getBytes());
        MemoryRecords sent = MemoryRecords.withRecords(Compression.NONE, compressible);

        ByteBuffer fast = validate(sent, withCompression("gzip", 1));
        ByteBuffer best = validate(sent, withCompression("gzip", 9));

        assertThat(onlyBatch(fast).compressionType()).isEqualTo(CompressionType.GZIP);
        assertThat(onlyBatch(best).compressionType()).isEqualTo(CompressionType.GZIP);
        assertSameRecordsAndProducer(onlyBatch(best), sent.batches().iterator().next());
    }

    @ParameterizedTest
    @MethodSource("compressedCodecs")
    void aCompressedBatchIsStoredUncompressedOnAnUncompressedTopic(Compression compression) {
        MemoryRecords sent = MemoryRecords.withIdempotentRecords(compression, PRODUCER_ID, PRODUCER_EPOCH, 3, someRecords());

        MutableRecordBatch batch = onlyBatch(validate(sent, withCompression("uncompressed", null)));

        assertThat(batch.compressionType()).isEqualTo(CompressionType.NONE);
        assertSameRecordsAndProducer(batch, sent.batches().iterator().next());
    }

    @Test
    void aBatchAlreadyInTheTopicsCodecIsNotRebuilt() {
        byte[] sent = bytes(MemoryRecords.withRecords(Compression.lz4().build(), someRecords()));

        assertThat(TestBuffers.bytes(validate(records(sent), withCompression("lz4", null)))).isEqualTo(sent);
    }

    @Test
    void aRebuiltBatchIsCheckedAgainstMaxMessageBytes() {
        MemoryRecords sent = MemoryRecords.withRecords(Compression.lz4().build(),
                new SimpleRecord(NOW, "k".getBytes(), "a".repeat(10_000).getBytes()));
        assertThat(sent.sizeInBytes()).isLessThan(2_000);

        BatchValidationException e = refused(sent, withMaxBytes(2_000, "uncompressed"));

        assertThat(e.error()).isEqualTo(Errors.MESSAGE_TOO_LARGE);
    }

    // ---- hostile compressed payloads ----

    @ParameterizedTest
    @MethodSource("compressedCodecs")
    void garbageCompressedPayloadWithAValidCrcIsRefusedWithAnErrorCode(Compression compression) {
        byte[] sent = bytes(MemoryRecords.withRecords(compression, someRecords()));
        Random random = new Random(compression.type().id);
        for (int attempt = 0; attempt < 50; attempt++) {
            byte[] payload = new byte[10 + random.nextInt(200)];
            random.nextBytes(payload);
            byte[] garbage = Batches.withPayload(sent, payload);

            BatchValidationException e = refused(records(garbage), rules());

            assertThat(e.error()).isIn(Errors.CORRUPT_MESSAGE, Errors.INVALID_RECORD);
        }
    }

    @ParameterizedTest
    @MethodSource("compressedCodecs")
    void aTruncatedCompressedPayloadIsRefusedWithAnErrorCode(Compression compression) {
        byte[] sent = bytes(MemoryRecords.withRecords(compression, someRecords()));
        byte[] payload = Arrays.copyOfRange(sent, Batches.RECORDS, sent.length);

        for (int keep = 0; keep < payload.length; keep++) {
            byte[] truncated = Batches.withPayload(sent, Arrays.copyOf(payload, keep));
            BatchValidationException e = refused(records(truncated), rules());
            assertThat(e.error()).as("keeping %d of %d payload bytes", keep, payload.length).isIn(Errors.CORRUPT_MESSAGE, Errors.INVALID_RECORD);
        }
    }

    @Test
    void aRecordClaimingAGigabyteInsideASmallGzipStreamFailsWithoutAllocatingIt() {
        // One record claims a ~1 GB body and value; the gzip stream inflates to 20 MB of zeros and ends.
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        Batches.varint(record, 1_000_000_000);  // record body size
        record.write(0);                         // attributes
        Batches.varint(record, 0);               // timestamp delta
        Batches.varint(record, 0);               // offset delta
        Batches.varint(record, -1);              // null key
        Batches.varint(record, 999_999_990);     // value size
        record.writeBytes(new byte[20 << 20]);
        byte[] sent = bytes(MemoryRecords.withRecords(Compression.gzip().build(), new SimpleRecord(NOW, "k".getBytes(), "v".getBytes())));
        byte[] bomb = Batches.withPayload(sent, gzip(record.toByteArray()));
        assertThat(bomb.length).isLessThan(100_000);

        long allocated = allocatedBy(() -> {
            BatchValidationException e = refused(records(bomb), rules());
            assertThat(e.error()).isIn(Errors.CORRUPT_MESSAGE, Errors.INVALID_RECORD);
        });

        assertThat(allocated).as("bytes allocated validating a %d-byte batch", bomb.length).isLessThan(16L << 20);
    }

    @Test
    void aHugeButHonestCompressedRecordIsCheckedWithoutMaterialisingIt() {
        byte[] value = new byte[20 << 20];
        byte[] sent = bytes(MemoryRecords.withRecords(Compression.gzip().build(), new SimpleRecord(NOW, "k".getBytes(), value)));
        assertThat(sent.length).isLessThan(100_000);

        long allocated = allocatedBy(() -> validate(records(sent), rules()));

        assertThat(allocated).as("bytes allocated validating a %d-byte batch", sent.length).isLessThan(16L << 20);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void aRecordWhoseFieldsDoNotFillItsDeclaredSizeIsInvalid(Compression compression) {
        // Consumers read a record by its declared size; a batch they cannot read must not be stored.
        byte[] value = "value".getBytes();
        byte[] header = bytes(MemoryRecords.withRecords(compression, new SimpleRecord(NOW, "k".getBytes(), value)));
        int honest = Batches.honestBodySize(value);

        for (int declared : new int[] {honest + 1, honest + 1000, honest - 1}) {
            byte[] batch = Batches.withPayload(header, Batches.compress(compression, Batches.recordDeclaring(declared, value)));
            byte[] honestBatch = Batches.withPayload(header, Batches.compress(compression, Batches.recordDeclaring(honest, value)));
            validate(records(honestBatch), rules());

            BatchValidationException e = refused(records(batch), rules());

            assertThat(e.error()).as("declared %d, holds %d", declared, honest).isEqualTo(Errors.INVALID_RECORD);
        }
    }

    @ParameterizedTest
    @MethodSource("compressedCodecs")
    void aRecordDeclaringAHugeSizeIsRefusedWithoutAllocatingIt(Compression compression) {
        byte[] value = "value".getBytes();
        byte[] header = bytes(MemoryRecords.withRecords(compression, new SimpleRecord(NOW, "k".getBytes(), value)));
        byte[] batch = Batches.withPayload(header, Batches.compress(compression, Batches.recordDeclaring(200_000_000, value)));

        for (String topicCompression : List.of("producer", "uncompressed", "gzip")) {
            long allocated = allocatedBy(() -> assertThat(refused(records(batch), withCompression(topicCompression, null)).error())
                    .isEqualTo(Errors.INVALID_RECORD));

            assertThat(allocated).as("bytes allocated, compression.type=%s", topicCompression).isLessThan(16L << 20);
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void bytesAfterTheLastRecordAreInvalid(Compression compression) {
        byte[] value = "value".getBytes();
        byte[] header = bytes(MemoryRecords.withRecords(compression, new SimpleRecord(NOW, "k".getBytes(), value)));
        byte[] records = TestBuffers.concat(Batches.recordDeclaring(Batches.honestBodySize(value), value), new byte[] {0, 0});

        BatchValidationException e = refused(records(Batches.withPayload(header, Batches.compress(compression, records))), rules());

        assertThat(e.error()).isEqualTo(Errors.INVALID_RECORD);
    }

    // ---- helpers ----

    private static MutableRecordBatch onlyBatch(ByteBuffer stored) {
        List<MutableRecordBatch> batches = new ArrayList<>();
        MemoryRecords.readableRecords(stored.duplicate()).batches().forEach(batches::add);
        assertThat(batches).hasSize(1);
        MutableRecordBatch batch = batches.get(0);
        assertThat(batch.isValid()).as("CRC").isTrue();
        assertThat(batch.baseOffset()).isZero();
        return batch;
    }

    private static void assertSameRecordsAndProducer(RecordBatch actual, RecordBatch expected) {
        assertThat(actual.producerId()).isEqualTo(expected.producerId());
        assertThat(actual.producerEpoch()).isEqualTo(expected.producerEpoch());
        assertThat(actual.baseSequence()).isEqualTo(expected.baseSequence());
        assertThat(actual.isTransactional()).isEqualTo(expected.isTransactional());
        assertThat(actual.lastOffset()).isEqualTo(expected.lastOffset());
        assertThat(actual.countOrNull()).isEqualTo(expected.countOrNull());
        assertThat(actual.maxTimestamp()).isEqualTo(expected.maxTimestamp());
        assertThat(actual.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(recordsOf(actual)).isEqualTo(recordsOf(expected));
    }

    /** Offset, timestamp, key, value and headers of every record, comparable with equals. */
    private static List<List<Object>> recordsOf(RecordBatch batch) {
        List<List<Object>> out = new ArrayList<>();
        for (Record record : batch) {
            out.add(List.of(record.offset(), record.timestamp(),
                    record.hasKey() ? HexFormat.of().formatHex(TestBuffers.bytes(record.key())) : "null",
                    record.hasValue() ? HexFormat.of().formatHex(TestBuffers.bytes(record.value())) : "null",
                    Arrays.stream(record.headers()).map(h -> h.key() + "=" + new String(h.value())).toList()));
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static long allocatedBy(Runnable action) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        action.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
