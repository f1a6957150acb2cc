package io.vltava.storage.log;

/**
 * How far a read may go: to the log end (replicas), to the high watermark (read_uncommitted consumers)
 * or to the last stable offset (read_committed consumers, who also get the aborted transactions).
 */
public enum FetchIsolation {
    LOG_END,
    HIGH_WATERMARK,
    TXN_COMMITTED
}
