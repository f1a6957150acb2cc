package io.vltava.metadata.controller;

import io.vltava.metadata.image.BrokerRegistration;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.quorum.MetadataLog;
import io.vltava.metadata.record.ProducerIdsRecord;
import io.vltava.metadata.record.RegisterBrokerRecord;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller: turns admin operations into metadata records, one operation at a time.
 *
 * <p>Each operation runs on the controller's single thread against the latest image, produces records
 * and a response ({@link ControllerResult}), appends the records to the {@link MetadataLog} and waits
 * until they are committed and applied before the next operation runs; so every operation sees the
 * effects of the ones before it, and a response is only given for changes that are durable in the
 * quorum.
 *
 * <p>Threading: the public methods may be called from any thread; they return futures completed on
 * the controller thread.
 */
public final class QuorumController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QuorumController.class);

    private final ControllerConfig config;
    private final MetadataLog metadataLog;
    private final TopicControl topics;
    private final ExecutorService thread;
    /** An append that timed out and may still commit; touched only on the controller thread. */
    private CompletableFuture<Long> unsettledAppend;

    public QuorumController(ControllerConfig config, MetadataLog metadataLog) {
        this.config = config;
        this.metadataLog = metadataLog;
        this.topics = new TopicControl(config);
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "vltava-controller");
            t.setDaemon(true);
            return t;
        });
    }

    /** The configuration the controller was started with. */
    public ControllerConfig config() {
        return config;
    }

    public CompletableFuture<CreateTopicsResponseData> createTopics(CreateTopicsRequestData request) {
        return run("createTopics", image -> topics.createTopics(image, request));
    }

    public CompletableFuture<List<CreatePartitionsTopicResult>> createPartitions(List<CreatePartitionsTopic> request, boolean validateOnly) {
        return run("createPartitions", image -> topics.createPartitions(image, request, validateOnly));
    }

    public CompletableFuture<Map<UUID, ApiError>> deleteTopics(List<UUID> topicIds) {
        return run("deleteTopics", image -> topics.deleteTopics(image, topicIds));
    }

    public CompletableFuture<IncrementalAlterConfigsResponseData> incrementalAlterConfigs(IncrementalAlterConfigsRequestData request) {
        return run("incrementalAlterConfigs", image -> ConfigControl.incrementalAlterConfigs(image, request));
    }

    public CompletableFuture<AlterConfigsResponseData> alterConfigs(AlterConfigsRequestData request) {
        return run("alterConfigs", image -> ConfigControl.alterConfigs(image, request));
    }

    public CompletableFuture<AlterClientQuotasResponseData> alterClientQuotas(AlterClientQuotasRequestData request) {
        return run("alterClientQuotas", image -> ClientQuotaControl.alterClientQuotas(image, request));
    }

    /**
     * Hands a block of producer ids to {@code brokerId}; ids are never handed out twice. Fails with
     * UnknownServerException, as Kafka does, once a block would run past the largest long.
     */
    public CompletableFuture<ProducerIdBlock> allocateProducerIds(int brokerId) {
        return run("allocateProducerIds", image -> {
            if (image.nextProducerId() > Long.MAX_VALUE - ProducerIdBlock.BLOCK_SIZE) {
                throw new UnknownServerException("Exhausted all producer ids: the next block would end past " + Long.MAX_VALUE);
            }
            ProducerIdBlock block = new ProducerIdBlock(image.nextProducerId(), ProducerIdBlock.BLOCK_SIZE);
            return new ControllerResult<>(List.of(new ProducerIdsRecord(brokerId, block.nextBlockFirstId())), block);
        });
    }

    /** Registers a broker, or updates its registration when its endpoints or rack changed. */
    public CompletableFuture<Void> registerBroker(RegisterBrokerRecord registration) {
        return run("registerBroker", image -> {
            BrokerRegistration current = image.brokers().get(registration.brokerId());
            boolean unchanged = current != null && current.endpoints().equals(registration.endpoints())
                    && Objects.equals(current.rack(), registration.rack());
            return unchanged ? ControllerResult.of(null) : new ControllerResult<>(List.of(registration), null);
        });
    }

    /**
     * Waits for an append that timed out earlier to commit or fail, so that no operation runs on an
     * image missing records that may still commit.
     */
    private void settlePreviousAppend() throws InterruptedException, ExecutionException, TimeoutException {
        if (unsettledAppend != null) {
            try {
                unsettledAppend.get(config.operationTimeoutMs(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                log.warn("An earlier metadata append failed", e.getCause());
            }
            unsettledAppend = null;
        }
    }

    private <T> CompletableFuture<T> run(String name, Function<MetadataImage, ControllerResult<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        PendingOperation pending = new PendingOperation(name, result, () -> {
            try {
                settlePreviousAppend();
                ControllerResult<T> outcome = operation.apply(metadataLog.image());
                if (!outcome.records().isEmpty()) {
                    unsettledAppend = metadataLog.append(outcome.records());
                    unsettledAppend.get(config.operationTimeoutMs(), TimeUnit.MILLISECONDS);
                    unsettledAppend = null;
                }
                result.complete(outcome.response());
            } catch (TimeoutException e) {
                result.completeExceptionally(new org.apache.kafka.common.errors.TimeoutException("The metadata quorum did not commit " + name + " within "
                        + config.operationTimeoutMs() + " ms"));
            } catch (ExecutionException e) {
                log.warn("Controller operation {} failed", name, e.getCause());
                result.completeExceptionally(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.completeExceptionally(e);
            } catch (Throwable e) {
                // Any failure answers the caller, or it would wait forever; an error of the JVM
                // (out of memory, stack overflow) then goes on up, once the caller is answered.
                log.error("Controller operation {} failed", name, e);
                result.completeExceptionally(e);
                if (e instanceof VirtualMachineError error) {
                    throw error;
                }
            }
        });
        try {
            thread.execute(pending);
        } catch (RejectedExecutionException e) {
            pending.failClosed();
        }
        return result;
    }

    /** An operation waiting for the controller thread; failed, not dropped, if the controller closes first. */
    private record PendingOperation(String name, CompletableFuture<?> result, Runnable body) implements Runnable {

        @Override
        public void run() {
            body.run();
        }

        void failClosed() {
            result.completeExceptionally(new NotControllerException("The controller closed before running " + name));
        }
    }

    @Override
    public void close() {
        for (Runnable dropped : thread.shutdownNow()) {
            if (dropped instanceof PendingOperation pending) {
                pending.failClosed();
            }
        }
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
