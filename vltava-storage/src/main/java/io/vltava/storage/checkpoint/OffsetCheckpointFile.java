package io.vltava.storage.checkpoint;

import io.vltava.common.topic.TopicPartition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-log-directory file mapping partitions to an offset, as Kafka keeps
 * {@code recovery-point-offset-checkpoint} and {@code log-start-offset-checkpoint}: entry lines are
 * {@code topic partition offset}.
 *
 * <p>Threading: callers serialize writes.
 */
public final class OffsetCheckpointFile {

    public static final String RECOVERY_POINT = "recovery-point-offset-checkpoint";
    public static final String LOG_START_OFFSET = "log-start-offset-checkpoint";

    private final CheckpointFile file;

    public OffsetCheckpointFile(Path file) {
        this.file = new CheckpointFile(file);
    }

    public void write(Map<TopicPartition, Long> offsets) throws IOException {
        List<String> lines = new ArrayList<>(offsets.size());
        offsets.forEach((tp, offset) -> lines.add(tp.topic() + " " + tp.partition() + " " + offset));
        file.write(lines);
    }

    public Map<TopicPartition, Long> read() throws IOException {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (String line : file.read()) {
            String[] fields = line.trim().split(" ");
            if (fields.length != 3) {
                throw new IOException("Malformed line '" + line + "' in " + file.file());
            }
            try {
                offsets.put(new TopicPartition(fields[0], Integer.parseInt(fields[1])), Long.parseLong(fields[2]));
            } catch (IllegalArgumentException e) {
                throw new IOException("Malformed line '" + line + "' in " + file.file(), e);
            }
        }
        return offsets;
    }
}
