package io.vltava.protocol.records;

/**
 * The topic settings a produced batch is checked against.
 *
 * <p>Threading: immutable; safe from any thread.
 *
 * @param maxMessageBytes      largest batch accepted, counted as sent ({@code max.message.bytes})
 * @param compacted            whether records need keys ({@code cleanup.policy} includes compact)
 * @param logAppendTime        whether the broker stamps its own time ({@code message.timestamp.type})
 * @param timestampBeforeMaxMs how far in the past a CreateTime timestamp may be, at least 0
 * @param timestampAfterMaxMs  how far in the future a CreateTime timestamp may be, at least 0
 * @param compressionType      the topic's {@code compression.type}; "producer" keeps batches as sent
 * @param compressionLevel     level for the broker's own compression, or null for the codec's default
 */
public record TopicWriteRules(int maxMessageBytes, boolean compacted, boolean logAppendTime, long timestampBeforeMaxMs,
                              long timestampAfterMaxMs, String compressionType, Integer compressionLevel) {
}
