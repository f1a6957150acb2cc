package io.vltava.broker;

import io.vltava.metadata.controller.ControllerConfig;
import io.vltava.metadata.controller.QuorumController;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.quorum.MetadataLog;
import io.vltava.metadata.record.MetadataRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link QuorumController} whose metadata log is a {@link LocalBroker}: each append is applied to the
 * broker's image (and so reaches its replica manager) before the append completes, as a one-node
 * quorum would.
 *
 * <p>Threading: as QuorumController: call from any thread; futures complete on the controller thread.
 */
public final class LocalController implements AutoCloseable {

    private final QuorumController controller;

    public LocalController(LocalBroker broker, boolean deleteTopicEnable) {
        MetadataLog log = new MetadataLog() {
            @Override
            public CompletableFuture<Long> append(List<MetadataRecord> records) {
                return CompletableFuture.completedFuture(broker.apply(records).offset());
            }

            @Override
            public MetadataImage image() {
                return broker.image();
            }

            @Override
            public void close() {
            }
        };
        this.controller = new QuorumController(new ControllerConfig(1, (short) 1, deleteTopicEnable, 10_000L), log);
    }

    public QuorumController controller() {
        return controller;
    }

    @Override
    public void close() {
        controller.close();
    }
}
