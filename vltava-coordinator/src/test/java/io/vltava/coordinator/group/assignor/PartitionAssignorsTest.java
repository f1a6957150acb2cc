package io.vltava.coordinator.group.assignor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PartitionAssignorsTest {

    @Test
    void listsUniformFirstAsTheDefault() {
        assertThat(PartitionAssignors.names()).containsExactly("uniform", "range");
    }

    @Test
    void findsEachAssignorByItsName() {
        assertThat(PartitionAssignors.byName("uniform")).isInstanceOf(UniformAssignor.class);
        assertThat(PartitionAssignors.byName("range")).isInstanceOf(RangeAssignor.class);
        for (String name : PartitionAssignors.names()) {
            assertThat(PartitionAssignors.byName(name).name()).isEqualTo(name);
        }
    }

    @Test
    void rejectsAnUnknownName() {
        assertThatThrownBy(() -> PartitionAssignors.byName("sticky"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sticky")
                .hasMessageContaining("uniform");
    }
}
