package io.vltava.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The type of a configuration value, with the textual form it is parsed from. The codes are those
 * Kafka's DescribeConfigs (v3+) reports in {@code config_type}.
 *
 * <p>Threading: immutable; safe from any thread.
 */
public enum ConfigType {
    BOOLEAN(1),
    STRING(2),
    INT(3),
    SHORT(4),
    LONG(5),
    DOUBLE(6),
    LIST(7),
    CLASS(8),
    PASSWORD(9);

    private final byte code;

    ConfigType(int code) {
        this.code = (byte) code;
    }

    /** The code DescribeConfigs reports for this type. */
    public byte code() {
        return code;
    }

    /**
     * Parses {@code raw} into this type's Java value: Boolean, String, Integer, Short, Long, Double or
     * {@code List<String>}.
     */
    public Object parse(String name, String raw) {
        String text = raw.trim();
        try {
            return switch (this) {
                case BOOLEAN -> {
                    String lower = text.toLowerCase(Locale.ROOT);
                    if (!lower.equals("true") && !lower.equals("false")) {
                        throw ConfigException.invalid(name, raw, "expected true or false");
                    }
                    yield Boolean.valueOf(lower);
                }
                case STRING, CLASS, PASSWORD -> text;
                case INT -> Integer.valueOf(text);
                case SHORT -> Short.valueOf(text);
                case LONG -> Long.valueOf(text);
                case DOUBLE -> Double.valueOf(text);
                case LIST -> parseList(text);
            };
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(name, raw, "expected " + describe());
        }
    }

    /** Renders a parsed value back to the text a user would write. */
    public String format(Object value) {
        if (value == null) {
            return null;
        }
        if (this == LIST) {
            @SuppressWarnings("unchecked")
            List<String> list = (List<String>) value;
            return String.join(",", list);
        }
        return value.toString();
    }

    private String describe() {
        return switch (this) {
            case INT -> "a 32-bit integer";
            case SHORT -> "a 16-bit integer";
            case LONG -> "a 64-bit integer";
            case DOUBLE -> "a number";
            default -> name().toLowerCase(Locale.ROOT);
        };
    }

    private static List<String> parseList(String text) {
        List<String> items = new ArrayList<>();
        if (text.isEmpty()) {
            return List.of();
        }
        for (String part : text.split(",")) {
            String item = part.trim();
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        return List.copyOf(items);
    }
}
