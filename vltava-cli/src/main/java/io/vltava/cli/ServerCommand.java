package io.vltava.cli;

import io.vltava.common.config.BrokerConfig;
import io.vltava.common.config.ConfigException;
import io.vltava.common.time.Time;
import io.vltava.server.ServerProperties;
import io.vltava.server.VltavaServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vltava server}: runs a broker. */
@Command(name = "server", description = "Run a Vltava broker.", mixinStandardHelpOptions = true,
        subcommands = {ServerCommand.Start.class})
final class ServerCommand extends ParentCommand {

    /**
     * {@code vltava server start}: runs the broker in the foreground until SIGTERM or Ctrl-C, then shuts
     * it down cleanly.
     */
    @Command(name = "start", description = "Start a broker in the foreground; stop it with Ctrl-C or SIGTERM.",
            mixinStandardHelpOptions = true)
    static final class Start implements Callable<Integer> {

        /** The longest a clean shutdown may take: connections drain for 10 s, then the logs flush and close. */
        static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);

        @Option(names = "--config", paramLabel = "FILE", description = "Broker configuration (server.properties) with Kafka's key names.")
        private Path config;

        @Option(names = "--override", paramLabel = "KEY=VALUE", description = "Set a configuration key, after the file; repeatable.")
        private List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() throws InterruptedException {
            BrokerConfig brokerConfig;
            try {
                brokerConfig = ServerProperties.load(config, overrides);
            } catch (ConfigException e) {
                System.err.println("vltava: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            VltavaServer server = new VltavaServer(brokerConfig, Time.SYSTEM);
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                startShutdownWatchdog(stopped);
                server.close();
                stopped.countDown();
            }, "vltava-shutdown");
            try {
                server.start();
            } catch (RuntimeException e) {
                System.err.println("vltava: cannot start: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
            Runtime.getRuntime().addShutdownHook(hook);
            stopped.await();
            return ExitCodes.OK;
        }

        /**
         * Ends the process if a clean shutdown takes longer than {@link #SHUTDOWN_TIMEOUT}: the data is
         * safe either way, and the next start recovers the logs as after a crash.
         */
        private static void startShutdownWatchdog(CountDownLatch stopped) {
            Thread watchdog = new Thread(() -> {
                try {
                    if (!stopped.await(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                        System.err.println("vltava: the broker did not stop within " + SHUTDOWN_TIMEOUT.toSeconds()
                                + " s; exiting now (the next start recovers its logs)");
                        Runtime.getRuntime().halt(ExitCodes.FAILURE);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "vltava-shutdown-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
    }
}
