package io.vltava.cli.output;

import picocli.CommandLine.Option;

/**
 * The {@code -o/--output table|json|yaml} flag of every command that prints a result. Used as a
 * picocli mixin.
 *
 * <p>Threading: filled in by picocli, then read by the command's thread.
 */
public final class OutputOption {

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: table, json or yaml (default: ${DEFAULT-VALUE}).")
    private OutputFormat format;

    /** A printer to standard output in the chosen format. */
    public Printer printer() {
        return new Printer(format, System.out);
    }
}
