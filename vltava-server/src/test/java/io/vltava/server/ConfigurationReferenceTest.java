package io.vltava.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.common.config.BrokerConfigs;
import io.vltava.common.config.ConfigDef;
import io.vltava.common.config.ConfigKey;
import io.vltava.common.config.TopicConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is generated from the configuration definitions, so it cannot drift from the
 * code. Run with {@code -Dvltava.docs.update=true} to rewrite it.
 */
class ConfigurationReferenceTest {

    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

    @Test
    void referenceMatchesTheDefinitions() throws IOException {
        String expected = render();
        if (Boolean.getBoolean("vltava.docs.update")) {
            Files.writeString(REFERENCE, expected, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8))
                .as("docs/configuration.md is out of date: run bin/test -pl vltava-server -Dtest=ConfigurationReferenceTest -Dvltava.docs.update=true")
                .isEqualTo(expected);
    }

    static String render() {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration reference\n\n");
        out.append("Generated from the code by `ConfigurationReferenceTest`; do not edit by hand.\n\n");
        out.append("Vltava reads Kafka's key names. Broker keys go in `server.properties` (or `--override key=value`);\n");
        out.append("topic keys are set per topic with CreateTopics and (Incremental)AlterConfigs, and default to the\n");
        out.append("broker key named in their last column. An unknown key is reported and ignored; a bad value stops\n");
        out.append("the broker at start-up with a one-line reason and exit code 2.\n\n");
        out.append("## Broker\n\n");
        table(out, BrokerConfigs.DEFINITION, Map.of());
        out.append("\nKafka keys that Vltava accepts but that have no effect, because the mechanism they tune does not\nexist here or works differently:\n\n");
        for (Map.Entry<String, String> entry : new TreeMap<>(BrokerConfigs.WITHOUT_EFFECT).entrySet()) {
            out.append("- `").append(entry.getKey()).append("`: ").append(entry.getValue()).append('\n');
        }
        out.append("\n## Topic\n\n");
        Map<String, String> synonyms = new TreeMap<>();
        for (ConfigKey key : TopicConfigs.DEFINITION.keys()) {
            StringBuilder names = new StringBuilder();
            for (TopicConfigs.Synonym synonym : TopicConfigs.synonyms(key.name())) {
                names.append(names.isEmpty() ? "" : ", ").append('`').append(synonym.brokerKey()).append('`');
            }
            synonyms.put(key.name(), names.toString());
        }
        table(out, TopicConfigs.DEFINITION, synonyms);
        return out.toString();
    }

    private static void table(StringBuilder out, ConfigDef definition, Map<String, String> synonyms) {
        boolean withSynonyms = !synonyms.isEmpty();
        out.append("| key | type | default | meaning |").append(withSynonyms ? " broker default |" : "").append('\n');
        out.append("|---|---|---|---|").append(withSynonyms ? "---|" : "").append('\n');
        for (ConfigKey key : definition.keys()) {
            String text = key.defaultText();
            String shown = text == null ? "(none)" : text.isEmpty() ? "\"\"" : "`" + text + "`";
            out.append("| `").append(key.name()).append("` | ").append(key.type().name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(shown).append(" | ").append(key.documentation()).append(" |");
            if (withSynonyms) {
                out.append(' ').append(synonyms.getOrDefault(key.name(), "")).append(" |");
            }
            out.append('\n');
        }
    }
}
