package io.vltava.coordinator.runtime;

/**
 * The state a coordinator keeps for one partition of its internal topic. Operations change the
 * state and write records that describe the change; {@link #replay} rebuilds the same durable state
 * from those records when the shard loads.
 *
 * <p>Threading: every method is called on the shard's thread only, so implementations need no locks.
 */
public interface CoordinatorShard {

    /** Applies one record read back from the log while loading. */
    void replay(CoordinatorRecord record);

    /** Called once every record has been replayed, before the first operation; may schedule timers. */
    void onLoaded();

    /** Called when this broker stops coordinating the partition: pending work ends with NOT_COORDINATOR. */
    void onUnloaded();
}
