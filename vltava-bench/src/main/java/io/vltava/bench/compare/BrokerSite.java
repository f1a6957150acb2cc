package io.vltava.bench.compare;

import java.nio.file.Path;

/**
 * One broker's place for one measurement: its working directory (configuration, logs, console output)
 * and the loopback ports it listens on, kept across restarts.
 *
 * @param dir            working directory, deleted when the measurement ends
 * @param port           the client listener's port on 127.0.0.1
 * @param controllerPort the controller listener's port on 127.0.0.1
 *
 * <p>Threading: immutable.
 */
public record BrokerSite(Path dir, int port, int controllerPort) {

    /** {@code 127.0.0.1:port}, for clients. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }
}
