package io.vltava.metadata.record;

/**
 * Kinds of resource that carry dynamic configuration, with Kafka's resource type codes.
 *
 * <p>Threading: immutable; safe from any thread.
 */
public enum ConfigResourceType {
    TOPIC((byte) 2),
    BROKER((byte) 4);

    private final byte code;

    ConfigResourceType(byte code) {
        this.code = code;
    }

    /** Kafka's code for the resource type (DescribeConfigs, AlterConfigs). */
    public byte code() {
        return code;
    }

    public static ConfigResourceType forCode(byte code) {
        for (ConfigResourceType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown config resource type " + code);
    }
}
