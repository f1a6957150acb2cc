package io.vltava.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code bin/vltava} launcher as a user would, in a process of its own, and captures its
 * exit code, standard output and standard error.
 *
 * <p>Threading: build and run from the test thread; two short-lived threads of its own drain the process's output.
 */
public final class VltavaCommand {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private final Path root;
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private byte[] stdin = new byte[0];
    private Duration timeout = DEFAULT_TIMEOUT;

    private VltavaCommand(Path root, List<String> args) {
        this.root = root;
        this.args.addAll(args);
    }

    /** {@code bin/vltava args...} from this repository (see {@link BrokerProcess#repositoryRoot()}). */
    public static VltavaCommand of(String... args) {
        return new VltavaCommand(BrokerProcess.repositoryRoot(), List.of(args));
    }

    /** Runs {@code bin/vltava args...} and waits for it. */
    public static Result run(String... args) {
        return of(args).run();
    }

    /** Feeds {@code text} to the command's standard input (otherwise it reads an empty input). */
    public VltavaCommand stdin(String text) {
        this.stdin = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    public VltavaCommand env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** How long the command may run before it is killed and the test fails (default 2 minutes). */
    public VltavaCommand timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** Starts the command without waiting, for commands that run until stopped. */
    public Process start() {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("bin/vltava").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        }
    }

    /** Runs the command to its end. */
    public Result run() {
        Process process = start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outDrain = drain(process.getInputStream(), out, "vltava-command-stdout");
        Thread errDrain = drain(process.getErrorStream(), err, "vltava-command-stderr");
        try (OutputStream input = process.getOutputStream()) {
            input.write(stdin);
        } catch (IOException e) {
            // the command did not read its input; its exit code tells the rest
        }
        try {
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            outDrain.join(10_000);
            errDrain.join(10_000);
            if (!finished) {
                throw new IllegalStateException("bin/vltava " + String.join(" ", args) + " did not finish within " + timeout
                        + "; its output:\n" + text(out) + text(err));
            }
            return new Result(process.exitValue(), text(out), withoutBuildNote(text(err)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private static Thread drain(InputStream stream, ByteArrayOutputStream into, String name) {
        return Thread.ofPlatform().name(name).daemon().start(() -> {
            try (stream) {
                stream.transferTo(into);
            } catch (IOException e) {
                // the process went away; what it wrote so far is kept
            }
        });
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String withoutBuildNote(String stderr) {
        return stderr.lines().filter(line -> !line.startsWith("vltava: building")).map(line -> line + "\n")
                .reduce("", String::concat);
    }

    /**
     * What a finished command left.
     *
     * @param exitCode its exit code
     * @param stdout everything it wrote to standard output
     * @param stderr everything it wrote to standard error, without the launcher's "building" note
     */
    public record Result(int exitCode, String stdout, String stderr) {

        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }
}
