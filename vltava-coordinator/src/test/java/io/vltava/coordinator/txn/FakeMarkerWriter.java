package io.vltava.coordinator.txn;

import io.vltava.common.topic.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;

/**
 * A {@link TransactionMarkerWriter} for tests: records every marker and group completion; each
 * succeeds at once, unless the test asks for failures or holds them.
 *
 * <p>Threading: confined to the test thread.
 */
final class FakeMarkerWriter implements TransactionMarkerWriter {

    record Marker(TopicPartition partition, long producerId, short producerEpoch, boolean commit) {
    }

    record GroupCompletion(String groupId, long producerId, short producerEpoch, boolean commit) {
    }

    final List<Marker> markers = new ArrayList<>();
    final List<GroupCompletion> groups = new ArrayList<>();
    final List<CompletableFuture<Void>> held = new ArrayList<>();
    int failuresLeft;
    boolean hold;

    @Override
    public CompletableFuture<Void> writeMarker(TopicPartition partition, long producerId, short producerEpoch, int coordinatorEpoch, boolean commit) {
        if (failuresLeft > 0) {
            failuresLeft--;
            return CompletableFuture.failedFuture(new NotLeaderOrFollowerException("not yet"));
        }
        markers.add(new Marker(partition, producerId, producerEpoch, commit));
        return answer();
    }

    @Override
    public CompletableFuture<Void> completeGroup(String groupId, long producerId, short producerEpoch, boolean commit) {
        groups.add(new GroupCompletion(groupId, producerId, producerEpoch, commit));
        return answer();
    }

    private CompletableFuture<Void> answer() {
        if (hold) {
            CompletableFuture<Void> future = new CompletableFuture<>();
            held.add(future);
            return future;
        }
        return CompletableFuture.completedFuture(null);
    }
}
