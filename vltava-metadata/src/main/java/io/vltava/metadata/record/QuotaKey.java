package io.vltava.metadata.record;

/**
 * The client quotas a {@link ClientQuotaRecord} may set, with Kafka's names.
 *
 * <p>Threading: immutable; safe from any thread.
 */
public enum QuotaKey {
    /** Bytes per second a client may produce, counted over the quota window. */
    PRODUCER_BYTE_RATE("producer_byte_rate", true),
    /** Bytes per second a client may fetch, counted over the quota window. */
    CONSUMER_BYTE_RATE("consumer_byte_rate", true),
    /** Percentage of one request handler thread's time a client may use. */
    REQUEST_PERCENTAGE("request_percentage", false),
    /** Partitions per second a client may create or delete. */
    CONTROLLER_MUTATION_RATE("controller_mutation_rate", false);

    private final String key;
    private final boolean integral;

    QuotaKey(String key, boolean integral) {
        this.key = key;
        this.integral = integral;
    }

    /** The key as clients name it. */
    public String key() {
        return key;
    }

    /** Whether values must be whole numbers (Kafka types these as long). */
    public boolean integral() {
        return integral;
    }

    /** The quota named {@code key}, or null if there is none. */
    public static QuotaKey forKey(String key) {
        for (QuotaKey quota : values()) {
            if (quota.key.equals(key)) {
                return quota;
            }
        }
        return null;
    }
}
