package io.vltava.metadata.controller;

import io.vltava.metadata.record.MetadataRecord;
import java.util.List;

/**
 * What a controller operation decided: the records to append to the metadata log, and the response to
 * give once they are committed. Nothing changes until the records are applied.
 *
 * <p>Threading: immutable (the response is not touched once the result is made); built and read on the
 * controller thread.
 */
record ControllerResult<T>(List<MetadataRecord> records, T response) {

    ControllerResult {
        records = List.copyOf(records);
    }

    static <T> ControllerResult<T> of(T response) {
        return new ControllerResult<>(List.of(), response);
    }
}
