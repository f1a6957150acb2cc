package io.vltava.bench.compare;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to run one kind of broker for the comparison: its name, what to do once to a fresh data
 * directory before the first start, and the command (with its environment) that starts it as a
 * single-node broker listening on 127.0.0.1.
 *
 * <p>Threading: implementations are immutable.
 */
public interface BrokerLauncher {

    /** The name the report uses, for example {@code kafka}. */
    String name();

    /**
     * Makes {@code site} ready for its first start (writes configuration, formats storage); returns the
     * seconds it took, or 0 when nothing was needed.
     */
    double prepare(BrokerSite site);

    /** The command that starts the broker of {@code site}, run in {@code site.dir()}. */
    List<String> command(BrokerSite site);

    /** Environment variables the command needs, on top of this process's. */
    Map<String, String> environment(BrokerSite site);

    /** Where the broker of {@code site} keeps its logs. */
    default Path logDir(BrokerSite site) {
        return site.dir().resolve("data");
    }
}
