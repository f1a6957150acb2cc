package io.vltava.coordinator.group.consumer;

import io.vltava.coordinator.runtime.ShardContext;

/**
 * The two timers of a consumer group member, on the shard's timer service: the session timeout,
 * restarted by every heartbeat, and the rebalance timeout, running while the member has partitions to
 * revoke. Keys carry the group id's length, so no two (group, member) pairs share a key.
 *
 * <p>Threading: the shard's thread.
 */
final class MemberTimers {

    private final ShardContext context;

    MemberTimers(ShardContext context) {
        this.context = context;
    }

    void scheduleSession(String groupId, String memberId, long delayMs, Runnable task) {
        context.schedule(sessionKey(groupId, memberId), delayMs, task);
    }

    void scheduleRebalance(String groupId, String memberId, long delayMs, Runnable task) {
        context.schedule(rebalanceKey(groupId, memberId), delayMs, task);
    }

    void cancelRebalance(String groupId, String memberId) {
        context.cancel(rebalanceKey(groupId, memberId));
    }

    void cancelAll(String groupId, String memberId) {
        context.cancel(sessionKey(groupId, memberId));
        context.cancel(rebalanceKey(groupId, memberId));
    }

    static String sessionKey(String groupId, String memberId) {
        return "consumer-session/" + groupId.length() + "/" + groupId + "/" + memberId;
    }

    static String rebalanceKey(String groupId, String memberId) {
        return "consumer-rebalance/" + groupId.length() + "/" + groupId + "/" + memberId;
    }
}
