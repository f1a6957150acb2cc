package io.vltava.broker.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FetchPartitionKeyTest {

    private static final UUID ID = UUID.randomUUID();

    @Test
    void keysWithIdsAreEqualByIdWhateverTheirNames() {
        FetchPartitionKey resolved = new FetchPartitionKey(ID, "events", 3);
        FetchPartitionKey unresolved = new FetchPartitionKey(ID, null, 3);
        assertThat(resolved).isEqualTo(unresolved).hasSameHashCodeAs(unresolved);
        assertThat(resolved).isEqualTo(new FetchPartitionKey(ID, "renamed", 3));
    }

    @Test
    void keysWithDifferentIdsDifferEvenWithTheSameName() {
        assertThat(new FetchPartitionKey(ID, "events", 0)).isNotEqualTo(new FetchPartitionKey(UUID.randomUUID(), "events", 0));
    }

    @Test
    void aKeyWithAnIdNeverEqualsOneWithout() {
        FetchPartitionKey byId = new FetchPartitionKey(ID, "events", 0);
        FetchPartitionKey byName = new FetchPartitionKey(null, "events", 0);
        assertThat(byId).isNotEqualTo(byName);
        assertThat(byName).isNotEqualTo(byId);
    }

    @Test
    void keysWithoutIdsAreEqualByName() {
        assertThat(new FetchPartitionKey(null, "events", 1)).isEqualTo(new FetchPartitionKey(null, "events", 1))
                .hasSameHashCodeAs(new FetchPartitionKey(null, "events", 1));
        assertThat(new FetchPartitionKey(null, "events", 1)).isNotEqualTo(new FetchPartitionKey(null, "orders", 1));
        assertThat(new FetchPartitionKey(null, null, 1)).isEqualTo(new FetchPartitionKey(null, null, 1));
    }

    @Test
    void thePartitionAlwaysCounts() {
        assertThat(new FetchPartitionKey(ID, "events", 0)).isNotEqualTo(new FetchPartitionKey(ID, "events", 1));
        assertThat(new FetchPartitionKey(null, "events", 0)).isNotEqualTo(new FetchPartitionKey(null, "events", 1));
    }

    @Test
    void worksAsAMapKeyAcrossNameResolution() {
        Map<FetchPartitionKey, String> map = new HashMap<>();
        map.put(new FetchPartitionKey(ID, "events", 0), "cached");
        assertThat(map.get(new FetchPartitionKey(ID, null, 0))).isEqualTo("cached");
        assertThat(map.get(new FetchPartitionKey(null, "events", 0))).isNull();
        assertThat(new FetchPartitionKey(ID, "events", 0).equals("events-0")).isFalse();
    }
}
