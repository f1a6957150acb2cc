package io.vltava.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FlagsTest {

    private final Flags flags = new Flags("Tool").define("dir", null, "where").define("seconds", "10", "how long");

    @Test
    void readsGivenValuesAndDefaults() {
        flags.parse(new String[] {"--dir", "/tmp/x"});

        assertThat(flags.string("dir")).isEqualTo("/tmp/x");
        assertThat(flags.positiveLong("seconds")).isEqualTo(10);
    }

    @Test
    void refusesUnknownMissingAndNonPositiveValues() {
        assertThatThrownBy(() -> flags.parse(new String[] {"--dir", "x", "--minutes", "1"})).hasMessageContaining("Unknown argument --minutes");
        assertThatThrownBy(() -> new Flags("Tool").define("dir", null, "where").parse(new String[0])).hasMessageContaining("--dir is required");
        assertThatThrownBy(() -> new Flags("Tool").define("dir", "x", "where").parse(new String[] {"--dir"})).hasMessageContaining("needs a value");
        flags.parse(new String[] {"--dir", "x", "--seconds", "0"});
        assertThatThrownBy(() -> flags.positiveLong("seconds")).hasMessageContaining("must be positive");
    }

    @Test
    void usageListsEveryFlag() {
        assertThat(flags.usage()).contains("--dir", "(required)", "--seconds", "(default 10)");
    }
}
