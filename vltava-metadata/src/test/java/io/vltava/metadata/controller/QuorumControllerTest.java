package io.vltava.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.quorum.InMemoryMetadataLog;
import io.vltava.metadata.quorum.MetadataLog;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.ProducerIdsRecord;
import io.vltava.metadata.record.RegisterBrokerRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class QuorumControllerTest extends ControllerTestSupport {

    @Test
    void handsOutConsecutiveProducerIdBlocks() {
        ProducerIdBlock first = await(controller.allocateProducerIds(1));
        ProducerIdBlock second = await(controller.allocateProducerIds(1));
        ProducerIdBlock third = await(controller.allocateProducerIds(2));

        assertThat(first).isEqualTo(new ProducerIdBlock(0, ProducerIdBlock.BLOCK_SIZE));
        assertThat(second.firstId()).isEqualTo(first.nextBlockFirstId());
        assertThat(third.firstId()).isEqualTo(second.nextBlockFirstId());
        assertThat(image().nextProducerId()).isEqualTo(third.nextBlockFirstId());
        assertThat(log.records()).containsExactly(new ProducerIdsRecord(1, 1000), new ProducerIdsRecord(1, 2000), new ProducerIdsRecord(2, 3000));
    }

    @Test
    void producerIdBlocksNeverOverlapUnderConcurrency() throws Exception {
        List<CompletableFuture<ProducerIdBlock>> futures = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int broker = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 25; i++) {
                    CompletableFuture<ProducerIdBlock> future = controller.allocateProducerIds(broker);
                    synchronized (futures) {
                        futures.add(future);
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }

        List<ProducerIdBlock> blocks = new ArrayList<>();
        for (CompletableFuture<ProducerIdBlock> future : futures) {
            blocks.add(future.get(10, TimeUnit.SECONDS));
        }
        blocks.sort(Comparator.comparingLong(ProducerIdBlock::firstId));
        assertThat(blocks).hasSize(100);
        for (int i = 0; i < blocks.size(); i++) {
            assertThat(blocks.get(i).firstId()).isEqualTo((long) i * ProducerIdBlock.BLOCK_SIZE);
        }
    }

    @Test
    void aNewControllerOnTheSameLogContinuesAfterTheLastBlock() {
        ProducerIdBlock before = await(controller.allocateProducerIds(1));
        controller.close();
        controller = new QuorumController(config(true), log);

        ProducerIdBlock after = await(controller.allocateProducerIds(1));

        assertThat(after.firstId()).isEqualTo(before.nextBlockFirstId());
    }

    @Test
    void refusesABlockThatWouldRunPastTheLargestId() {
        log.append(List.of(new ProducerIdsRecord(1, Long.MAX_VALUE - ProducerIdBlock.BLOCK_SIZE))).join();

        ProducerIdBlock last = await(controller.allocateProducerIds(1));
        CompletableFuture<ProducerIdBlock> exhausted = controller.allocateProducerIds(1);

        assertThat(last.nextBlockFirstId()).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> exhausted.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(UnknownServerException.class);
        assertThat(image().nextProducerId()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void registersABrokerOnce() {
        RegisterBrokerRecord registration = brokerRecord(1);

        await(controller.registerBroker(registration));
        await(controller.registerBroker(registration));

        assertThat(log.records()).containsExactly(registration);
        assertThat(image().brokers().get(1).endpoints()).isEqualTo(registration.endpoints());
    }

    @Test
    void aRestartWithTheSameEndpointsWritesNothing() {
        await(controller.registerBroker(brokerRecord(1)));
        RegisterBrokerRecord restarted = new RegisterBrokerRecord(1, UUID.randomUUID(), brokerRecord(1).endpoints(), null);

        await(controller.registerBroker(restarted));

        assertThat(log.entries()).hasSize(1);
    }

    @Test
    void registersAgainWhenEndpointsOrRackChange() {
        await(controller.registerBroker(brokerRecord(1)));
        RegisterBrokerRecord moved = new RegisterBrokerRecord(1, UUID.randomUUID(), List.of(
                new RegisterBrokerRecord.BrokerEndpoint("PLAINTEXT", "elsewhere", 9092, "PLAINTEXT")), null);
        RegisterBrokerRecord racked = new RegisterBrokerRecord(1, UUID.randomUUID(), moved.endpoints(), "rack-1");

        await(controller.registerBroker(moved));
        await(controller.registerBroker(racked));

        assertThat(log.entries()).hasSize(3);
        assertThat(image().brokers().get(1).endpoints()).isEqualTo(moved.endpoints());
        assertThat(image().brokers().get(1).rack()).isEqualTo("rack-1");
    }

    @Test
    void registersSeveralBrokers() {
        registerBrokers(1, 2, 3);

        assertThat(image().brokers()).containsOnlyKeys(1, 2, 3);
    }

    @Test
    void runsOperationsOneAtATimeSoEachSeesTheOneBefore() throws Exception {
        registerBrokers(1);
        List<CompletableFuture<CreateTopicsResponseData>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(controller.createTopics(request(topic("orders", 1, 1))));
        }

        List<Errors> errors = new ArrayList<>();
        for (CompletableFuture<CreateTopicsResponseData> future : futures) {
            errors.add(Errors.forCode(future.get(10, TimeUnit.SECONDS).topics().find("orders").errorCode()));
        }

        assertThat(errors.get(0)).isEqualTo(Errors.NONE);
        assertThat(errors.subList(1, errors.size())).containsOnly(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(log.entries()).hasSize(2);
    }

    @Test
    void failsTheOperationWhenTheLogDoesNotCommitInTime() {
        controller.close();
        controller = new QuorumController(new ControllerConfig(1, (short) 1, true, 50), log);
        log.hold();

        CompletableFuture<ProducerIdBlock> future = controller.allocateProducerIds(1);

        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }

    @Test
    void failsTheOperationWhenTheLogFails() {
        IllegalStateException failure = new IllegalStateException("disk on fire");
        log.failWith(failure);

        CompletableFuture<ProducerIdBlock> future = controller.allocateProducerIds(1);

        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCause(failure);
    }

    @Test
    void keepsWorkingAfterAFailedOperation() {
        log.failWith(new IllegalStateException("disk on fire"));
        assertThatThrownBy(() -> controller.allocateProducerIds(1).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        log.failWith(null);

        assertThat(await(controller.allocateProducerIds(1)).firstId()).isZero();
    }

    @Test
    void anOperationThatThrowsFailsItsFuture() {
        CompletableFuture<Void> future = controller.registerBroker(null);

        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NullPointerException.class);
        assertThat(await(controller.allocateProducerIds(1)).firstId()).isZero();
    }

    @Test
    void anOperationThatThrowsAnErrorFailsItsFutureInsteadOfHanging() {
        ThrowingLog throwing = new ThrowingLog(log);
        controller.close();
        controller = new QuorumController(config(true), throwing);

        for (Error error : List.of(new AssertionError("broken"), new OutOfMemoryError("Requested array size exceeds VM limit"))) {
            throwing.next = error;
            CompletableFuture<ProducerIdBlock> future = controller.allocateProducerIds(1);

            assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCause(error);
            // The controller still works, even after an error of the JVM ended its thread.
            assertThat(await(controller.allocateProducerIds(1)).nextBlockFirstId()).isPositive();
        }
    }

    /** A log whose image throws {@link #next} once. */
    private static final class ThrowingLog implements MetadataLog {
        private final MetadataLog delegate;
        volatile Error next;

        ThrowingLog(MetadataLog delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<Long> append(List<MetadataRecord> records) {
            return delegate.append(records);
        }

        @Override
        public MetadataImage image() {
            Error error = next;
            if (error != null) {
                next = null;
                throw error;
            }
            return delegate.image();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void operationsAfterCloseFailInsteadOfHanging() {
        controller.close();

        CompletableFuture<ProducerIdBlock> future = controller.allocateProducerIds(1);

        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }

    @Test
    void closeFailsTheOperationsStillWaiting() {
        log.hold();
        CompletableFuture<ProducerIdBlock> running = controller.allocateProducerIds(1);
        CompletableFuture<ProducerIdBlock> queued = controller.allocateProducerIds(2);

        controller.close();

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> running.isDone() && queued.isDone());
        assertThat(running).isCompletedExceptionally();
        assertThat(queued).isCompletedExceptionally();
    }
}
