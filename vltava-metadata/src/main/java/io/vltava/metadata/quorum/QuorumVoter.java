package io.vltava.metadata.quorum;

import java.util.ArrayList;
import java.util.List;

/**
 * A member of the metadata quorum, as written in {@code controller.quorum.voters}: {@code id@host:port}.
 *
 * <p>Threading: immutable; safe from any thread.
 *
 * @param id   the node id
 * @param host the host its quorum listener is reached at
 * @param port the port of that listener
 */
public record QuorumVoter(int id, String host, int port) {

    /** Parses a comma-separated list of {@code id@host:port}. */
    public static List<QuorumVoter> parseList(List<String> entries) {
        List<QuorumVoter> voters = new ArrayList<>();
        for (String entry : entries) {
            int at = entry.indexOf('@');
            int colon = entry.lastIndexOf(':');
            if (at <= 0 || colon < at) {
                throw new IllegalArgumentException("Expected id@host:port in controller.quorum.voters, not '" + entry + "'");
            }
            voters.add(new QuorumVoter(Integer.parseInt(entry.substring(0, at).trim()), entry.substring(at + 1, colon).trim(),
                    Integer.parseInt(entry.substring(colon + 1).trim())));
        }
        return voters;
    }

    String address() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return h + ":" + port;
    }
}
