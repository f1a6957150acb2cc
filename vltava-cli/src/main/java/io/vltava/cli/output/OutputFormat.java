package io.vltava.cli.output;

/** How a command prints its result: {@code --output table|json|yaml}. Threading: immutable. */
public enum OutputFormat {
    /** Aligned columns for people. */
    TABLE,
    /** One JSON document, for scripts and {@code jq}. */
    JSON,
    /** One YAML document. */
    YAML
}
