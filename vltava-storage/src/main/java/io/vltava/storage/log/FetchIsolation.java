package io.vltava.storage.log;

/** How far a read may go: to the log end (replicas) or to the high watermark (consumers). */
public enum FetchIsolation {
    LOG_END,
    HIGH_WATERMARK
}
