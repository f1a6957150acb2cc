package io.vltava.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Vltava broker in a process of its own, started with the README's command ({@code bin/vltava
 * server start}), so that tests can stop it with SIGTERM or kill it with SIGKILL and start it again on
 * the same data.
 *
 * <p>Threading: drive it from the test thread; a daemon thread drains the process's output.
 */
public final class BrokerProcess implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile(
            "started in (\\d+) ms, listening on \\[PLAINTEXT://[^:]+:(\\d+).*?, metrics on (?:http://[^ ]+:(\\d+)/metrics|\\(off\\))");
    private static final long START_TIMEOUT_SECONDS = 120;

    private static final String DEFAULT_HEAP_OPTIONS = "-Xms64m -Xmx512m";

    private final Path root;
    private final Path dataDir;
    private final List<String> overrides;
    private final String heapOptions;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private Process process;
    private Thread drain;
    private int port;
    private int metricsPort = -1;
    private long startupMillis;

    private BrokerProcess(Path root, Path dataDir, List<String> overrides, String heapOptions) {
        this.root = root;
        this.dataDir = dataDir;
        this.overrides = List.copyOf(overrides);
        this.heapOptions = heapOptions;
    }

    /**
     * Starts a broker from the repository at {@code root} with its data in a new temporary directory.
     *
     * @param overrides extra {@code key=value} settings
     */
    public static BrokerProcess start(Path root, List<String> overrides) {
        return start(root, overrides, DEFAULT_HEAP_OPTIONS);
    }

    /**
     * Starts a broker as {@link #start(Path, List)} does, with the given JVM heap options (for example
     * {@code -Xmx96m}).
     */
    public static BrokerProcess start(Path root, List<String> overrides, String heapOptions) {
        try {
            BrokerProcess broker = new BrokerProcess(root, Files.createTempDirectory("vltava-process-"), overrides, heapOptions);
            broker.launch();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root: the {@code vltava.root} system property, else the parent of the working directory. */
    public static Path repositoryRoot() {
        String configured = System.getProperty("vltava.root");
        return configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
    }

    private void launch() {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("bin/vltava").toString());
        command.add("server");
        command.add("start");
        command.add("--config");
        command.add(root.resolve("config/server.properties").toString());
        List<String> all = new ArrayList<>();
        all.add("listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:0");
        all.add("advertised.listeners=PLAINTEXT://127.0.0.1:" + port);
        all.add("log.dirs=" + dataDir.resolve("data"));
        all.add("metrics.listener=http://127.0.0.1:0");
        all.addAll(overrides);
        for (String override : all) {
            command.add("--override");
            command.add(override);
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(dataDir.toFile()).redirectErrorStream(true);
        builder.environment().put("VLTAVA_HEAP_OPTS", heapOptions);
        CompletableFuture<int[]> started = new CompletableFuture<>();
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        }
        Process current = process;
        drain = new Thread(() -> drain(current, started), "broker-process-output");
        drain.setDaemon(true);
        drain.start();
        try {
            int[] result = started.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            startupMillis = result[0];
            port = result[1];
            metricsPort = result[2];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the broker", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("The broker did not start; its output:\n" + String.join("\n", output), e);
        }
    }

    private void drain(Process source, CompletableFuture<int[]> started) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(source.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.add(line);
                Matcher matcher = STARTED.matcher(line);
                if (matcher.find()) {
                    started.complete(new int[] {Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                        matcher.group(3) == null ? -1 : Integer.parseInt(matcher.group(3))});
                }
            }
        } catch (IOException e) {
            // the process went away
        }
        started.completeExceptionally(new IllegalStateException("the broker's output ended before it started"));
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The port of the metrics endpoint, as the broker reported it (a fresh one at each start), or -1 when it is turned off. */
    public int metricsPort() {
        return metricsPort;
    }

    public Path dataDir() {
        return dataDir.resolve("data");
    }

    /** Milliseconds from launch to accepting connections, as the broker reported it. */
    public long startupMillis() {
        return startupMillis;
    }

    /** Everything the process printed so far. */
    public List<String> output() {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }

    /** SIGKILL: the process dies at once, as in a crash (the page cache survives). */
    public void kill() {
        process.toHandle().destroyForcibly();
        waitFor();
    }

    /**
     * SIGTERM: the broker shuts down cleanly. (Through the process handle: {@code Process.destroy()} would
     * also close our end of its output, and lose what it prints while stopping.)
     */
    public int stop() {
        process.toHandle().destroy();
        return waitFor();
    }

    /** Starts the broker again on the same data and port. */
    public void restart() {
        if (process.isAlive()) {
            stop();
        }
        output.clear();
        launch();
    }

    private int waitFor() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            drain.join(10_000);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitFor();
        }
        TestDirectories.deleteQuietly(dataDir);
    }
}
