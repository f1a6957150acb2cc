package io.vltava.coordinator.group.assignor;

import java.util.List;

/**
 * Finds a server-side assignor by name. Kafka's {@code group.consumer.assignors} config lists the assignors a broker
 * offers, and the first one is the default; {@link #names()} is that list in its default order.
 *
 * <p>Threading: hands out stateless assignors; safe from any thread.
 */
public final class PartitionAssignors {

    private static final List<PartitionAssignor> ALL = List.of(new UniformAssignor(), new RangeAssignor());

    private PartitionAssignors() {
    }

    /**
     * The assignor with the given name.
     *
     * @throws IllegalArgumentException when no assignor has that name
     */
    public static PartitionAssignor byName(String name) {
        for (PartitionAssignor assignor : ALL) {
            if (assignor.name().equals(name)) {
                return assignor;
            }
        }
        throw new IllegalArgumentException("Unknown partition assignor " + name + "; the known ones are " + names());
    }

    /** The names of all assignors, the default ({@code uniform}) first. */
    public static List<String> names() {
        return ALL.stream().map(PartitionAssignor::name).toList();
    }
}
