package io.vltava.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vltava.common.config.TopicConfigs;
import io.vltava.protocol.frame.DecodedRequest;
import io.vltava.protocol.frame.EncodedResponse;
import io.vltava.protocol.frame.RequestDecoder;
import io.vltava.protocol.frame.ResponseEncoder;
import io.vltava.protocol.records.LogSliceRecords;
import io.vltava.protocol.records.ProducedBatchValidator;
import io.vltava.protocol.records.TopicWriteRules;
import io.vltava.storage.log.FetchIsolation;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.LogReadInfo;
import io.vltava.storage.log.LogSlice;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The wire codec's hot paths, through the broker's own classes, for a Produce request and a Fetch
 * response at the latest versions kafka-clients defines, each for one partition carrying one batch
 * of {@code recordsPerBatch} records of {@code recordBytes} bytes built once with kafka-clients'
 * {@code MemoryRecords} builder:
 * <ul>
 * <li>{@code decodeProduce}: {@link RequestDecoder#decode} of the request frame (a retained slice of
 * a direct buffer, as the frame decoder passes it on) into its header and {@code ProduceRequestData};
 * the records stay a slice of the frame.</li>
 * <li>{@code validateProduce}: {@link ProducedBatchValidator#validate} of the decoded batch against a
 * topic with the default settings, as the produce handler calls it before the append.</li>
 * <li>{@code encodeProduceResponse}: {@link ResponseEncoder#encode} of the answer to that request.</li>
 * <li>{@code encodeFetchResponse}: {@link ResponseEncoder#encode} of a Fetch response whose records
 * are a slice of a log segment file: only the bytes around the records are written, the records are
 * spliced in from the file when sent.</li>
 * </ul>
 * As {@code :megabytes}, decoding reports the frame's bytes and validating the batch's; the
 * encodings report ops/s only, as they do not touch the records.
 *
 * <p>Threading: one benchmark thread; the decoder and encoder are stateless and would scale.
 */
public class CodecBenchmark extends BenchmarkSettings {

    private static final Uuid TOPIC_ID = new Uuid(0x0be4_c400_0000_0001L, 0x0000_0000_0000_0001L);
    private static final String CLIENT_ID = "bench-client";
    private static final int FETCH_MAX_BYTES = 1024 * 1024;

    @Param("1024")
    public int recordBytes;

    @Param("16")
    public int recordsPerBatch;

    private final RequestDecoder decoder = new RequestDecoder(EnumSet.of(ApiKeys.PRODUCE, ApiKeys.FETCH));
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    private ByteBuf produceFrame;
    private DecodedRequest produce;
    private BaseRecords producedRecords;
    private TopicWriteRules rules;
    private long nowMs;
    private ProduceResponseData produceResponse;
    private RequestHeader fetchHeader;
    private FetchResponseData fetchResponse;
    private TempLogDir dir;

    @Setup(Level.Trial)
    public void build() {
        nowMs = System.currentTimeMillis();
        produceFrame = produceFrame(RecordBatches.batch(recordsPerBatch, recordBytes, nowMs, 1L));
        produce = decoder.decode(produceFrame.retainedSlice());
        producedRecords = ((ProduceRequest) produce.body()).data().topicData().iterator().next().partitionData().get(0).records();
        rules = defaultWriteRules();
        produceResponse = produceResponse();
        dir = TempLogDir.open(LogConfig.DEFAULT);
        dir.preload(1, recordsPerBatch, recordBytes, nowMs);
        fetchHeader = new RequestHeader(ApiKeys.FETCH, ApiKeys.FETCH.latestVersion(), CLIENT_ID, 2);
        fetchResponse = fetchResponse(dir.log().read(0, FETCH_MAX_BYTES, FetchIsolation.HIGH_WATERMARK, true));
    }

    @TearDown(Level.Trial)
    public void release() {
        produce.release();
        produceFrame.release();
        dir.close();
    }

    @Benchmark
    public void decodeProduce(Throughput throughput, Blackhole blackhole) {
        DecodedRequest request = decoder.decode(produceFrame.retainedSlice());
        blackhole.consume(request.header());
        blackhole.consume(request.body());
        request.release();
        throughput.add(produceFrame.readableBytes());
    }

    @Benchmark
    public ByteBuffer validateProduce(Throughput throughput) {
        ByteBuffer batch = ProducedBatchValidator.validate(produce.responseVersion(), producedRecords, rules, nowMs);
        throughput.add(batch.remaining());
        return batch;
    }

    @Benchmark
    public EncodedResponse encodeProduceResponse() {
        EncodedResponse response = ResponseEncoder.encode(alloc, produce.header(), produce.responseVersion(), produceResponse);
        response.release();
        return response;
    }

    @Benchmark
    public EncodedResponse encodeFetchResponse() {
        EncodedResponse response = ResponseEncoder.encode(alloc, fetchHeader, fetchHeader.apiVersion(), fetchResponse);
        response.release();
        return response;
    }

    /** A Produce request of the latest version for one partition, serialised with its header into a direct buffer. */
    private static ByteBuf produceFrame(ByteBuffer batch) {
        short version = ApiKeys.PRODUCE.latestVersion();
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        data.topicData().add(new TopicProduceData().setTopicId(TOPIC_ID)
                .setPartitionData(List.of(new PartitionProduceData().setIndex(0).setRecords(MemoryRecords.readableRecords(batch)))));
        ProduceRequest request = ProduceRequest.builder(data).build(version);
        ByteBuffer bytes = request.serializeWithHeader(new RequestHeader(ApiKeys.PRODUCE, version, CLIENT_ID, 1));
        return Unpooled.directBuffer(bytes.remaining()).writeBytes(bytes);
    }

    /** The write rules of a topic without overrides on a broker without topic defaults. */
    private static TopicWriteRules defaultWriteRules() {
        Map<String, Object> defaults = TopicConfigs.DEFINITION.parse(Map.of());
        return new TopicWriteRules((Integer) defaults.get(TopicConfigs.MAX_MESSAGE_BYTES), false, false,
                (Long) defaults.get(TopicConfigs.MESSAGE_TIMESTAMP_BEFORE_MAX_MS), (Long) defaults.get(TopicConfigs.MESSAGE_TIMESTAMP_AFTER_MAX_MS),
                (String) defaults.get(TopicConfigs.COMPRESSION_TYPE), null);
    }

    /** What the produce handler answers after a successful append of the batch at offset 0. */
    private static ProduceResponseData produceResponse() {
        TopicProduceResponse topic = new TopicProduceResponse().setTopicId(TOPIC_ID);
        topic.partitionResponses().add(new PartitionProduceResponse().setIndex(0).setErrorCode(Errors.NONE.code())
                .setBaseOffset(0).setLogAppendTimeMs(-1).setLogStartOffset(0));
        ProduceResponseData response = new ProduceResponseData();
        response.responses().add(topic);
        return response;
    }

    /** What the fetch handler answers a consumer (read uncommitted, no fetch session) whose read found {@code read}. */
    private static FetchResponseData fetchResponse(LogReadInfo read) {
        LogSlice slice = read.slice();
        FetchableTopicResponse topic = new FetchableTopicResponse().setTopicId(TOPIC_ID);
        topic.partitions().add(new PartitionData().setPartitionIndex(0).setErrorCode(Errors.NONE.code())
                .setHighWatermark(read.highWatermark()).setLastStableOffset(read.highWatermark()).setLogStartOffset(read.logStartOffset())
                .setPreferredReadReplica(-1).setRecords(new LogSliceRecords(slice.channel(), slice.position(), slice.size())));
        FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(0);
        response.responses().add(topic);
        return response;
    }
}
