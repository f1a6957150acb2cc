package io.vltava.bench.compare;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs a workload against a fresh broker of one kind: a new site, the broker started (pinned to
 * {@code brokerCpus} when given) and ready once it acknowledges a produce, then stopped cleanly and its
 * site deleted, whatever the workload did.
 *
 * <p>Threading: stateless.
 */
public final class FreshBroker {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

    /** What runs against the broker, given its bootstrap address. */
    @FunctionalInterface
    public interface Workload {
        void run(String bootstrap) throws Exception;
    }

    private FreshBroker() {
    }

    /**
     * @param brokerCpus a taskset CPU list, or null to leave the broker unpinned
     */
    public static void run(BrokerLauncher launcher, Path workDir, String brokerCpus, Workload workload) throws Exception {
        BrokerSite site = BrokerSite.create(workDir);
        launcher.prepare(site);
        RunningBroker broker = RunningBroker.start(launcher, site, brokerCpus);
        try {
            FirstProduce.secondsSinceLaunch(site.bootstrap(), "ready", broker.launchNanos(), READY_TIMEOUT);
            workload.run(site.bootstrap());
            broker.stop();
        } finally {
            broker.kill();
            site.delete();
        }
    }
}
