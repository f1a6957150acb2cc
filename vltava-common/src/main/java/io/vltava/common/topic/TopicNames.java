package io.vltava.common.topic;

/**
 * The rules Kafka applies to topic names, and the names of its internal topics.
 *
 * <p>Threading: stateless.
 */
public final class TopicNames {

    /** Longest legal topic name (leaves room for a partition suffix in a 255-byte file name). */
    public static final int MAX_LENGTH = 249;

    /** Kafka's topic for the metadata log; never a user topic. */
    public static final String CLUSTER_METADATA = "__cluster_metadata";
    /** Kafka's internal topic for consumer group offsets. */
    public static final String CONSUMER_OFFSETS = "__consumer_offsets";
    /** Kafka's internal topic for transaction state. */
    public static final String TRANSACTION_STATE = "__transaction_state";

    private TopicNames() {
    }

    /**
     * Why {@code name} is not a legal topic name, or {@code null} if it is: it must be 1 to 249
     * characters of ASCII letters, digits, '.', '_' and '-', and not "." or "..".
     */
    public static String invalidReason(String name) {
        if (name == null || name.isEmpty()) {
            return "Topic name is empty";
        }
        if (name.equals(".") || name.equals("..")) {
            return "Topic name cannot be \".\" or \"..\"";
        }
        if (name.length() > MAX_LENGTH) {
            return "Topic name is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!legal) {
                return "Topic name \"" + name + "\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'";
            }
        }
        return null;
    }

    public static boolean isValid(String name) {
        return invalidReason(name) == null;
    }

    /** Whether {@code name} is one of Kafka's internal topics (reported with {@code is_internal}). */
    public static boolean isInternal(String name) {
        return CONSUMER_OFFSETS.equals(name) || TRANSACTION_STATE.equals(name);
    }

    /**
     * Whether two names would collide in metric names, where Kafka treats '.' and '_' alike.
     */
    public static boolean collide(String a, String b) {
        return collisionKey(a).equals(collisionKey(b));
    }

    /** The name as Kafka's metric names spell it ('.' as '_'): two names collide when their keys are equal. */
    public static String collisionKey(String name) {
        return name.replace('.', '_');
    }
}
