package io.vltava.cli;

import io.vltava.cli.cluster.ClusterCommand;
import io.vltava.cli.config.ConfigCommand;
import io.vltava.cli.consume.ConsumeCommand;
import io.vltava.cli.group.GroupCommand;
import io.vltava.cli.perf.PerfCommand;
import io.vltava.cli.produce.ProduceCommand;
import io.vltava.cli.quota.QuotaCommand;
import io.vltava.cli.topic.TopicCommand;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The {@code vltava} command: the entry point of {@code bin/vltava}.
 *
 * <p>Every verb fails the same way: one line on standard error starting with {@code vltava:}, and an
 * exit code from {@link ExitCodes}. {@code --verbose} adds the stack trace and the clients' logs.
 *
 * <p>Threading: runs on the main thread; the server command then waits there for a stop signal.
 */
@Command(name = "vltava", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Vltava: a streaming platform that speaks Apache Kafka's protocol.",
        subcommands = {ServerCommand.class, TopicCommand.class, ProduceCommand.class, ConsumeCommand.class, GroupCommand.class,
                ConfigCommand.class, QuotaCommand.class, ClusterCommand.class, PerfCommand.class, VersionCommand.class, CompletionCommand.class})
public final class Vltava implements Runnable {

    /** System property the logging configuration reads for the level of client-side logs. */
    static final String CLIENT_LOG_LEVEL_PROPERTY = "vltava.client.log.level";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "On failure, print the stack trace; show the Kafka clients' warnings.")
    private boolean verbose;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code. */
    public static int execute(String... args) {
        quietenClientLogs(args);
        CommandLine commandLine = new CommandLine(new Vltava());
        return commandLine.setCaseInsensitiveEnumValuesAllowed(true)
                .setExitCodeExceptionMapper(ExitCodes::of)
                .setParameterExceptionHandler(Vltava::badUsage)
                .setExecutionExceptionHandler(Vltava::failed)
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * The Kafka clients log every failed connection attempt; a command-line tool says what went wrong
     * once instead. The broker ({@code vltava server}) keeps its logs.
     */
    private static void quietenClientLogs(String[] args) {
        boolean server = List.of(args).stream().filter(arg -> !arg.startsWith("-")).findFirst().orElse("").equals("server");
        boolean verbose = List.of(args).contains("--verbose") || List.of(args).contains("-v");
        if (!server && System.getProperty(CLIENT_LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(CLIENT_LOG_LEVEL_PROPERTY, verbose ? "WARN" : "OFF");
        }
    }

    private static int badUsage(ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        System.err.println("vltava: " + error.getMessage());
        System.err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        return ExitCodes.USAGE;
    }

    private static int failed(Exception error, CommandLine command, ParseResult parseResult) {
        Vltava root = (Vltava) command.getCommandSpec().root().userObject();
        System.err.println("vltava: " + (error.getMessage() != null ? error.getMessage() : error));
        if (root.verbose) {
            error.printStackTrace();
        }
        return ExitCodes.of(error);
    }
}
