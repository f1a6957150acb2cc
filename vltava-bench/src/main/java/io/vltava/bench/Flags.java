package io.vltava.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code --name value} arguments of a command-line tool, checked against the names it knows, each
 * with a default and a one-line description for {@link #usage}.
 *
 * <p>Threading: build and read on one thread.
 */
public final class Flags {

    private final String tool;
    private final Map<String, String> defaults = new LinkedHashMap<>();
    private final Map<String, String> descriptions = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();

    public Flags(String tool) {
        this.tool = tool;
    }

    /** Declares {@code --name}; a null default makes it required. */
    public Flags define(String name, String defaultValue, String description) {
        defaults.put(name, defaultValue);
        descriptions.put(name, description);
        return this;
    }

    /**
     * Reads {@code args}.
     *
     * @throws IllegalArgumentException for an unknown name, a name without a value or a missing required one
     */
    public Flags parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || !defaults.containsKey(arg.substring(2))) {
                throw new IllegalArgumentException("Unknown argument " + arg + "\n" + usage());
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(arg + " needs a value\n" + usage());
            }
            values.put(arg.substring(2), args[++i]);
        }
        for (Map.Entry<String, String> entry : defaults.entrySet()) {
            if (entry.getValue() == null && !values.containsKey(entry.getKey())) {
                throw new IllegalArgumentException("--" + entry.getKey() + " is required\n" + usage());
            }
        }
        return this;
    }

    public String string(String name) {
        if (!defaults.containsKey(name)) {
            throw new IllegalArgumentException("Undeclared flag " + name);
        }
        return values.getOrDefault(name, defaults.get(name));
    }

    /** The value as a positive long. */
    public long positiveLong(String name) {
        long value;
        try {
            value = Long.parseLong(string(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, not " + string(name), e);
        }
        if (value <= 0) {
            throw new IllegalArgumentException("--" + name + " must be positive, not " + value);
        }
        return value;
    }

    /** The value as an int that is zero or more. */
    public int nonNegativeInt(String name) {
        int value;
        try {
            value = Integer.parseInt(string(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, not " + string(name), e);
        }
        if (value < 0) {
            throw new IllegalArgumentException("--" + name + " must not be negative, not " + value);
        }
        return value;
    }

    /** The value as a positive int. */
    public int positiveInt(String name) {
        return Math.toIntExact(positiveLong(name));
    }

    /** One line per flag: its name, default and description. */
    public String usage() {
        StringBuilder usage = new StringBuilder("Usage: ").append(tool).append(" [--name value]...\n");
        for (Map.Entry<String, String> entry : descriptions.entrySet()) {
            String defaultValue = defaults.get(entry.getKey());
            usage.append(String.format("  --%-16s %s (%s)%n", entry.getKey(), entry.getValue(),
                    defaultValue == null ? "required" : "default " + defaultValue));
        }
        return usage.toString();
    }
}
