package io.vltava.metadata.image;

/**
 * Told of every change to the metadata, in log order: the delta that was applied and the image it
 * produced. The broker uses it to create and delete logs and to follow configuration changes.
 *
 * <p>Threading: called on the metadata log's apply thread, one change at a time; an implementation
 * must not block for long, and the change is acknowledged to the controller only after it returns.
 */
@FunctionalInterface
public interface MetadataPublisher {

    void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage);
}
