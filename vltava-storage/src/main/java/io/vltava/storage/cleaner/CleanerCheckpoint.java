package io.vltava.storage.cleaner;

import io.vltava.common.topic.TopicPartition;
import io.vltava.storage.checkpoint.OffsetCheckpointFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cleaner's progress in one log directory, in Kafka's {@code cleaner-offset-checkpoint} file (the
 * format of {@link OffsetCheckpointFile}): for each compacted partition, the first offset not yet
 * cleaned. Read once, then kept in memory and written through on every change.
 *
 * <p>Threading: not thread-safe; the {@link LogCleaner} calls it under its lock.
 */
final class CleanerCheckpoint {

    static final String FILE_NAME = "cleaner-offset-checkpoint";

    private static final Logger log = LoggerFactory.getLogger(CleanerCheckpoint.class);

    private final OffsetCheckpointFile file;
    private final Path path;
    private Map<TopicPartition, Long> offsets;

    CleanerCheckpoint(Path logDir) {
        this.path = logDir.resolve(FILE_NAME);
        this.file = new OffsetCheckpointFile(path);
    }

    /** The first dirty offset of {@code tp}, or null if none was recorded. */
    Long firstDirtyOffset(TopicPartition tp) {
        return offsets().get(tp);
    }

    /**
     * Records the first dirty offset of {@code tp} and forgets the partitions not in {@code present}
     * (their logs were deleted or moved).
     */
    void update(TopicPartition tp, long firstDirtyOffset, Set<TopicPartition> present) throws IOException {
        Map<TopicPartition, Long> updated = new HashMap<>(offsets());
        updated.keySet().retainAll(present);
        updated.put(tp, firstDirtyOffset);
        file.write(updated);
        offsets = updated;
    }

    /** Forgets {@code tp}, whose log is deleted. */
    void remove(TopicPartition tp) throws IOException {
        if (offsets().containsKey(tp)) {
            Map<TopicPartition, Long> updated = new HashMap<>(offsets());
            updated.remove(tp);
            file.write(updated);
            offsets = updated;
        }
    }

    private Map<TopicPartition, Long> offsets() {
        if (offsets == null) {
            try {
                offsets = file.read();
            } catch (IOException e) {
                log.warn("Ignoring unreadable {}: {}; the logs of this directory are cleaned again from their start", path, e.getMessage());
                offsets = new HashMap<>();
            }
        }
        return offsets;
    }
}
