package io.vltava.storage.log;

import java.util.Locale;

/** Which timestamp a topic keeps: the producer's ({@code CreateTime}) or the broker's ({@code LogAppendTime}). */
public enum TimestampType {
    CREATE_TIME("CreateTime"),
    LOG_APPEND_TIME("LogAppendTime");

    private final String configName;

    TimestampType(String configName) {
        this.configName = configName;
    }

    /** The value of {@code message.timestamp.type}. */
    public String configName() {
        return configName;
    }

    public static TimestampType forConfig(String value) {
        for (TimestampType type : values()) {
            if (type.configName.toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown timestamp type " + value);
    }
}
