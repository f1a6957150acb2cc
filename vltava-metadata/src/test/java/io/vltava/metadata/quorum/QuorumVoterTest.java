package io.vltava.metadata.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class QuorumVoterTest {

    @Test
    void parsesIdHostAndPort() {
        assertThat(QuorumVoter.parseList(List.of("1@localhost:9093", " 2 @ broker-2.example :19093 ")))
                .containsExactly(new QuorumVoter(1, "localhost", 9093), new QuorumVoter(2, "broker-2.example", 19093));
    }

    @Test
    void parsesAnIpv6Host() {
        QuorumVoter voter = QuorumVoter.parseList(List.of("3@::1:9093")).get(0);

        assertThat(voter).isEqualTo(new QuorumVoter(3, "::1", 9093));
        assertThat(voter.address()).isEqualTo("[::1]:9093");
    }

    @Test
    void writesAnAddressForRatis() {
        assertThat(new QuorumVoter(1, "127.0.0.1", 0).address()).isEqualTo("127.0.0.1:0");
    }

    @Test
    void parsesAnEmptyList() {
        assertThat(QuorumVoter.parseList(List.of())).isEmpty();
    }

    @Test
    void refusesMalformedEntries() {
        for (String entry : List.of("localhost:9093", "@localhost:9093", "1@localhost", "1:9093@localhost")) {
            assertThatThrownBy(() -> QuorumVoter.parseList(List.of(entry)))
                    .as(entry)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(entry);
        }
    }

    @Test
    void refusesANonNumericIdOrPort() {
        assertThatThrownBy(() -> QuorumVoter.parseList(List.of("one@localhost:9093"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QuorumVoter.parseList(List.of("1@localhost:port"))).isInstanceOf(IllegalArgumentException.class);
    }
}
