package io.vltava.coordinator.group.assignor;

import java.util.List;

/**
 * The server-side assignors this broker knows, by the names of group.consumer.assignors.
 *
 * <p>Threading: stateless.
 */
public final class PartitionAssignors {

    private static final List<PartitionAssignor> ASSIGNORS = List.of(new UniformAssignor(), new RangeAssignor());

    private PartitionAssignors() {
    }

    /** @throws IllegalArgumentException if no assignor has this name */
    public static PartitionAssignor byName(String name) {
        for (PartitionAssignor assignor : ASSIGNORS) {
            if (assignor.name().equals(name)) {
                return assignor;
            }
        }
        throw new IllegalArgumentException("Unknown partition assignor " + name + "; known: " + names());
    }

    /** The names of every known assignor, the default first. */
    public static List<String> names() {
        return ASSIGNORS.stream().map(PartitionAssignor::name).toList();
    }
}
