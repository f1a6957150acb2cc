package io.vltava.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker process under measurement: started from its {@link BrokerLauncher}'s command (optionally
 * pinned to some CPUs with {@code taskset}, which execs the JVM so the pid is the broker's), with its
 * console output appended to {@code console.out} in its site, and stopped cleanly or killed.
 *
 * <p>Threading: one owner thread.
 */
public final class RunningBroker {

    private static final long STOP_TIMEOUT_SECONDS = 180;

    private final BrokerLauncher launcher;
    private final BrokerSite site;
    private final Process process;
    private final long launchNanos;

    private RunningBroker(BrokerLauncher launcher, BrokerSite site, Process process, long launchNanos) {
        this.launcher = launcher;
        this.site = site;
        this.process = process;
        this.launchNanos = launchNanos;
    }

    /**
     * Starts the broker of {@code site}.
     *
     * @param cpus a {@code taskset} CPU list such as {@code 1}, or null to let it run anywhere
     */
    public static RunningBroker start(BrokerLauncher launcher, BrokerSite site, String cpus) {
        List<String> command = new ArrayList<>();
        if (cpus != null) {
            command.addAll(List.of("taskset", "-c", cpus));
        }
        command.addAll(launcher.command(site));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(site.dir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(site.dir().resolve("console.out").toFile()));
        builder.environment().putAll(launcher.environment(site));
        long launchNanos = System.nanoTime();
        try {
            return new RunningBroker(launcher, site, builder.start(), launchNanos);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        }
    }

    public BrokerLauncher launcher() {
        return launcher;
    }

    public BrokerSite site() {
        return site;
    }

    public long pid() {
        return process.pid();
    }

    /** {@link System#nanoTime()} just before the process was spawned. */
    public long launchNanos() {
        return launchNanos;
    }

    /**
     * The options the broker's JVM runs with, as {@code /proc/PID/cmdline} shows them: every argument
     * that starts with a dash, except the class path.
     */
    public String jvmOptions() {
        try {
            String[] args = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).split("\0");
            List<String> options = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                if (args[i].equals("-cp") || args[i].equals("-classpath")) {
                    i++;
                } else if (args[i].startsWith("-")) {
                    options.add(args[i]);
                } else {
                    break;
                }
            }
            return String.join(" ", options);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the command line of " + launcher.name(), e);
        }
    }

    /** This broker's {@code /proc} figures now. */
    public ProcessSample sample() {
        if (!process.isAlive()) {
            throw new IllegalStateException(launcher.name() + " exited with " + process.exitValue() + "; see "
                    + site.dir().resolve("console.out"));
        }
        return ProcessSample.of(process.pid());
    }

    /** Sends SIGTERM and waits for the process to exit; returns the seconds that took. */
    public double stop() {
        long start = System.nanoTime();
        process.destroy();
        awaitExit();
        return (System.nanoTime() - start) / 1e9;
    }

    /** Sends SIGKILL and waits for the process to be gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(launcher.name() + " did not stop within " + STOP_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping " + launcher.name(), e);
        }
    }
}
