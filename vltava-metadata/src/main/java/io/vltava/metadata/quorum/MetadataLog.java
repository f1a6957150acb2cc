package io.vltava.metadata.quorum;

import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.MetadataRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated log of metadata records, and the image it has built so far.
 *
 * <p>Threading: safe from any thread.
 */
public interface MetadataLog extends AutoCloseable {

    /**
     * Appends records as one entry. The future completes with the entry's offset once it is committed
     * by the quorum and applied to the image (and every publisher has seen it).
     */
    CompletableFuture<Long> append(List<MetadataRecord> records);

    /** The latest applied image. */
    MetadataImage image();

    @Override
    void close();
}
