package io.vltava.testing;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the real {@code bin/vltava} launcher as a user would, in a process of its own, and captures its
 * exit code, standard output and standard error.
 *
 * <p>Threading: build and run from the test thread; two short-lived threads drain the process's output.
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
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try (OutputStream input = process.getOutputStream()) {
            input.write(stdin);
        } catch (IOException e) {
            // the command did not read its input; its exit code tells the rest
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("bin/vltava " + String.join(" ", args) + " did not finish within " + timeout
                        + "; output so far:\n" + out.getNow("") + err.getNow(""));
            }
            return new Result(process.exitValue(), out.get(10, TimeUnit.SECONDS), withoutBuildNote(err.get(10, TimeUnit.SECONDS)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("Interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readAll(InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
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
