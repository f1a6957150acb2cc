package io.vltava.metadata.image;

import static io.vltava.metadata.image.Images.apply;
import static io.vltava.metadata.image.Images.broker;
import static io.vltava.metadata.image.Images.partition;
import static io.vltava.metadata.image.Images.topic;
import static io.vltava.metadata.image.Images.topicConfig;
import static io.vltava.metadata.image.Images.topicResource;
import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.ProducerIdsRecord;
import io.vltava.metadata.record.RemoveTopicRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class MetadataApplierTest {

    private static final UUID ORDERS = new UUID(0, 1);
    private static final UUID PAYMENTS = new UUID(0, 2);

    /** What a publisher was told: the delta and the image, in call order. */
    private static final class Recorder implements MetadataPublisher {
        final List<MetadataDelta> deltas = Collections.synchronizedList(new ArrayList<>());
        final List<MetadataImage> images = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
            deltas.add(delta);
            images.add(newImage);
        }

        List<Long> offsets() {
            return images.stream().map(MetadataImage::offset).toList();
        }
    }

    @Test
    void startsWithTheEmptyImage() {
        assertThat(new MetadataApplier().image()).isSameAs(MetadataImage.EMPTY);
    }

    @Test
    void appliesEachEntryToTheImage() {
        MetadataApplier applier = new MetadataApplier();

        applier.apply(0, topic("orders", ORDERS, 2));
        applier.apply(1, List.of(topicConfig("orders", "retention.ms", "1000")));

        assertThat(applier.image().offset()).isEqualTo(1);
        assertThat(applier.image().topics().get("orders").partitionCount()).isEqualTo(2);
        assertThat(applier.image().configs(topicResource("orders"))).containsEntry("retention.ms", "1000");
    }

    @Test
    void everyPublisherSeesEachChangeOnceInOrder() {
        MetadataApplier applier = new MetadataApplier();
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        applier.addPublisher(first);
        applier.addPublisher(second);

        applier.apply(0, topic("orders", ORDERS, 1));
        applier.apply(1, List.of(partition(ORDERS, 1)));
        applier.apply(2, List.of(new RemoveTopicRecord(ORDERS)));

        for (Recorder recorder : List.of(first, second)) {
            assertThat(recorder.offsets()).containsExactly(-1L, 0L, 1L, 2L);
            assertThat(recorder.deltas.get(1).changedTopics()).extracting(MetadataDelta.ChangedTopic::name).containsExactly("orders");
            assertThat(recorder.deltas.get(2).changedTopics()).singleElement()
                    .satisfies(changed -> assertThat(changed.changedPartitions()).containsOnlyKeys(1));
            assertThat(recorder.deltas.get(3).deletedTopics()).extracting(TopicImage::id).containsExactly(ORDERS);
            for (int i = 1; i < recorder.images.size(); i++) {
                // Each delta is on top of the image before: applying it gives the image it came with.
                assertThat(recorder.deltas.get(i).apply(recorder.images.get(i).offset())).isEqualTo(recorder.images.get(i));
            }
            assertThat(recorder.images.get(3)).isSameAs(applier.image());
        }
    }

    @Test
    void theNewImageBecomesCurrentAfterThePublishersHaveSeenIt() {
        MetadataApplier applier = new MetadataApplier();
        List<Long> currentDuringCallback = new ArrayList<>();
        applier.addPublisher((delta, image) -> currentDuringCallback.add(applier.image().offset()));

        applier.apply(0, topic("orders", ORDERS, 1));

        assertThat(currentDuringCallback).containsExactly(-1L, -1L);
        assertThat(applier.image().offset()).isZero();
    }

    @Test
    void aPublisherAddedToAnEmptyApplierIsToldOfTheEmptyImage() {
        MetadataApplier applier = new MetadataApplier();
        Recorder recorder = new Recorder();

        applier.addPublisher(recorder);

        assertThat(recorder.images).containsExactly(MetadataImage.EMPTY);
        MetadataDelta delta = recorder.deltas.get(0);
        assertThat(delta.changedTopics()).isEmpty();
        assertThat(delta.deletedTopics()).isEmpty();
        assertThat(delta.changedConfigResources()).isEmpty();
    }

    @Test
    void aPublisherAddedLateFirstSeesTheWholeImageThenLaterChanges() {
        MetadataApplier applier = new MetadataApplier();
        applier.apply(0, topic("orders", ORDERS, 2));
        applier.apply(1, topic("payments", PAYMENTS, 1));
        applier.apply(2, List.of(topicConfig("orders", "retention.ms", "1000"), broker(1, 9092), new ProducerIdsRecord(1, 1000)));
        applier.apply(3, List.of(new ConfigRecord(ConfigResourceType.BROKER, "", "log.retention.ms", "1")));
        MetadataImage current = applier.image();
        Recorder late = new Recorder();

        applier.addPublisher(late);
        applier.apply(4, List.of(partition(PAYMENTS, 1)));

        assertThat(late.offsets()).containsExactly(3L, 4L);
        MetadataDelta catchUp = late.deltas.get(0);
        assertThat(late.images.get(0)).isSameAs(current);
        assertThat(catchUp.changedTopics()).extracting(MetadataDelta.ChangedTopic::name).containsExactlyInAnyOrder("orders", "payments");
        assertThat(catchUp.changedTopics()).filteredOn(topic -> topic.name().equals("orders")).singleElement()
                .satisfies(topic -> assertThat(topic.changedPartitions()).containsOnlyKeys(0, 1));
        assertThat(catchUp.deletedTopics()).isEmpty();
        assertThat(catchUp.changedConfigResources()).containsExactlyInAnyOrder(topicResource("orders"),
                new ConfigResource(ConfigResourceType.BROKER, ""));
        assertThat(catchUp.apply(current.offset())).isEqualTo(current);

        assertThat(late.deltas.get(1).changedTopics()).extracting(MetadataDelta.ChangedTopic::name).containsExactly("payments");
    }

    @Test
    void aFailingPublisherDoesNotStopTheOthers() {
        MetadataApplier applier = new MetadataApplier();
        Recorder before = new Recorder();
        Recorder after = new Recorder();
        List<Long> failingCalls = new ArrayList<>();
        applier.addPublisher(before);
        applier.addPublisher((delta, image) -> {
            failingCalls.add(image.offset());
            if (image.offset() >= 0) {
                throw new IllegalStateException("publisher bug");
            }
        });
        applier.addPublisher(after);

        applier.apply(0, topic("orders", ORDERS, 1));
        applier.apply(1, topic("payments", PAYMENTS, 1));

        assertThat(before.offsets()).containsExactly(-1L, 0L, 1L);
        assertThat(after.offsets()).containsExactly(-1L, 0L, 1L);
        assertThat(failingCalls).containsExactly(-1L, 0L, 1L);
        assertThat(applier.image().offset()).isEqualTo(1);
        assertThat(applier.image().topics().byName()).containsOnlyKeys("orders", "payments");
    }

    @Test
    void resetReplacesTheImageAsOneChange() {
        MetadataApplier applier = new MetadataApplier();
        applier.apply(0, topic("orders", ORDERS, 1));
        applier.apply(1, List.of(topicConfig("orders", "retention.ms", "1000")));
        Recorder recorder = new Recorder();
        applier.addPublisher(recorder);
        MetadataImage snapshot = apply(MetadataImage.EMPTY, 10, topic("payments", PAYMENTS, 2));

        applier.reset(snapshot);

        assertThat(applier.image()).isSameAs(snapshot);
        assertThat(recorder.offsets()).containsExactly(1L, 10L);
        MetadataDelta delta = recorder.deltas.get(1);
        assertThat(delta.deletedTopics()).extracting(TopicImage::id).containsExactly(ORDERS);
        assertThat(delta.changedTopics()).extracting(MetadataDelta.ChangedTopic::id).containsExactly(PAYMENTS);
        assertThat(delta.changedConfigResources()).contains(topicResource("orders"));
    }

    @Test
    void resetReportsConfigurationThatIsGoneFromTheSnapshot() {
        MetadataApplier applier = new MetadataApplier();
        applier.apply(0, topic("orders", ORDERS, 1));
        applier.apply(1, List.of(topicConfig("orders", "retention.ms", "1000"), topicConfig("orders", "segment.ms", "5"),
                new ConfigRecord(ConfigResourceType.BROKER, "", "log.retention.ms", "1")));
        MetadataImage snapshot = apply(applier.image(), 5, topicConfig("orders", "retention.ms", null),
                new ConfigRecord(ConfigResourceType.BROKER, "", "log.retention.ms", null));
        Recorder recorder = new Recorder();
        applier.addPublisher(recorder);

        applier.reset(snapshot);

        MetadataDelta delta = recorder.deltas.get(1);
        assertThat(delta.changedConfigResources()).contains(topicResource("orders"), new ConfigResource(ConfigResourceType.BROKER, ""));
        assertThat(delta.apply(snapshot.offset())).isEqualTo(snapshot);
    }

    /** A snapshot is a later state of the same log: the applier has seen a prefix of the history, the snapshot all of it. */
    @Property(tries = 300)
    void theChangeAResetPublishesLeadsToTheNewImage(@ForAll("histories") List<RandomMetadata.Op> history, @ForAll int split) {
        List<List<MetadataRecord>> entries = RandomMetadata.entries(history);
        int seen = entries.isEmpty() ? 0 : Math.floorMod(split, entries.size() + 1);
        MetadataApplier applier = new MetadataApplier();
        for (int i = 0; i < seen; i++) {
            applier.apply(i, entries.get(i));
        }
        MetadataImage snapshot = RandomMetadata.replayEntries(MetadataImage.EMPTY, entries);
        Recorder recorder = new Recorder();
        applier.addPublisher(recorder);

        applier.reset(snapshot);

        assertThat(applier.image()).isSameAs(snapshot);
        assertThat(recorder.deltas.get(1).apply(snapshot.offset())).isEqualTo(snapshot);
    }

    @Test
    void aPublisherAddedWhileEntriesAreAppliedSeesEveryChangeExactlyOnce() throws Exception {
        MetadataApplier applier = new MetadataApplier();
        int entries = 2000;
        CountDownLatch started = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            started.countDown();
            for (int i = 0; i < entries; i++) {
                applier.apply(i, List.of(new ProducerIdsRecord(1, (i + 1) * 1000L)));
            }
        }, "test-apply");
        Recorder recorder = new Recorder();

        writer.start();
        started.await();
        applier.addPublisher(recorder);
        writer.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(writer.isAlive()).isFalse();
        List<Long> offsets = recorder.offsets();
        long first = offsets.get(0);
        assertThat(offsets).hasSize((int) (entries - first));
        for (int i = 0; i < offsets.size(); i++) {
            assertThat(offsets.get(i)).isEqualTo(first + i);
            assertThat(recorder.images.get(i).nextProducerId()).isEqualTo((offsets.get(i) + 1) * 1000L);
        }
    }

    @Provide
    Arbitrary<List<RandomMetadata.Op>> histories() {
        return RandomMetadata.histories();
    }
}
