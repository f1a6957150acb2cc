package io.vltava.common.config;

import java.util.List;
import java.util.Set;

/**
 * Checks a parsed configuration value and throws {@link ConfigException} when it is not allowed.
 * The factories cover the shapes Kafka's keys need.
 *
 * <p>Threading: the factories' validators are stateless and safe from any thread; definitions share
 * their validators between threads, so any other implementation must be too.
 */
@FunctionalInterface
public interface Validator {

    /** Throws {@link ConfigException} if {@code value} (never null) is not allowed for {@code name}. */
    void ensureValid(String name, Object value);

    /** Accepts everything. */
    Validator ANY = (name, value) -> { };

    /** A number of at least {@code min}. */
    static Validator atLeast(long min) {
        return (name, value) -> {
            if (((Number) value).longValue() < min) {
                throw ConfigException.invalid(name, value, "must be at least " + min);
            }
        };
    }

    /** A number in {@code [min, max]}. */
    static Validator between(double min, double max) {
        return (name, value) -> {
            double v = ((Number) value).doubleValue();
            if (v < min || v > max) {
                throw ConfigException.invalid(name, value,
                        "must be between " + format(min) + " and " + format(max));
            }
        };
    }

    /** One of the given strings, compared with regard to case, as Kafka compares them. */
    static Validator oneOf(String... allowed) {
        Set<String> set = Set.of(allowed);
        return (name, value) -> {
            if (!set.contains(value.toString())) {
                throw ConfigException.invalid(name, value, "must be one of " + String.join(", ", allowed));
            }
        };
    }

    /** A list whose every item is one of the given strings, compared with regard to case. */
    static Validator listOf(String... allowed) {
        Validator item = oneOf(allowed);
        return (name, value) -> {
            for (Object element : (List<?>) value) {
                item.ensureValid(name, element);
            }
        };
    }

    /** A list with at least one item. */
    static Validator nonEmptyList() {
        return (name, value) -> {
            if (((List<?>) value).isEmpty()) {
                throw ConfigException.invalid(name, "", "must not be empty");
            }
        };
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
