package io.vltava.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.ProducerIdsRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControllerResultTest {

    @Test
    void ofHasNoRecords() {
        ControllerResult<String> result = ControllerResult.of("done");

        assertThat(result.records()).isEmpty();
        assertThat(result.response()).isEqualTo("done");
    }

    @Test
    void keepsItsOwnCopyOfTheRecords() {
        List<MetadataRecord> records = new ArrayList<>(List.of(new ProducerIdsRecord(1, 1000)));
        ControllerResult<Void> result = new ControllerResult<>(records, null);

        records.clear();

        assertThat(result.records()).containsExactly(new ProducerIdsRecord(1, 1000));
        assertThatThrownBy(() -> result.records().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aProducerIdBlockEndsWhereTheNextBegins() {
        ProducerIdBlock block = new ProducerIdBlock(3000, ProducerIdBlock.BLOCK_SIZE);

        assertThat(block.nextBlockFirstId()).isEqualTo(4000);
    }
}
