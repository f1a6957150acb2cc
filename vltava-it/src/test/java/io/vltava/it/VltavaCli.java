package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vltava.testing.VltavaCommand;
import io.vltava.testing.VltavaCommand.Result;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code bin/vltava} against one broker (adding its {@code --bootstrap-server}) and reads what a
 * command printed with {@code -o json}, for the command-line ITs.
 *
 * <p>Threading: stateless apart from the address; use from the test thread.
 */
final class VltavaCli {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;

    VltavaCli(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    Result run(String... args) {
        return command(args).run();
    }

    /** The command, not yet run, for one that needs input, a longer timeout or to run in the background. */
    VltavaCommand command(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-server");
        all.add(bootstrapServers);
        return VltavaCommand.of(all.toArray(String[]::new));
    }

    /** The JSON a command printed; it must have succeeded. */
    static JsonNode json(Result result) throws JsonProcessingException {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return JSON.readTree(result.stdout());
    }
}
