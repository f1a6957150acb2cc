package io.vltava.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

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

    /** A new site: a fresh directory under {@code workDir} and two free loopback ports. */
    public static BrokerSite create(Path workDir) {
        try {
            Files.createDirectories(workDir);
            return new BrokerSite(Files.createTempDirectory(workDir, "broker-"), freePort(), freePort());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make a broker directory under " + workDir, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Deletes the directory and everything in it. */
    public void delete() {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }

    /** {@code 127.0.0.1:port}, for clients. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }
}
