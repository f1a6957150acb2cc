package io.vltava.coordinator.group;

import io.vltava.coordinator.group.assignor.AssignmentTopic;
import java.util.Collection;

/**
 * The topics of the cluster as the group coordinator needs them: to compute assignments of consumer
 * groups and to resolve their subscriptions.
 *
 * <p>Threading: called from the shards' threads; implementations read an immutable metadata image.
 */
public interface GroupTopics {

    /** The topic with this name, or null if there is none. */
    AssignmentTopic topic(String name);

    /** The names of every topic, for regular-expression subscriptions. */
    Collection<String> topicNames();

    /** A number that changes whenever topics or their partition counts change. */
    long version();
}
