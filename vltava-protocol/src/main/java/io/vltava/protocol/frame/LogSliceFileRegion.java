package io.vltava.protocol.frame;

import io.netty.channel.DefaultFileRegion;
import io.vltava.protocol.records.LogSliceRecords;

/**
 * A Netty file region over a {@link LogSliceRecords}. It is a {@link DefaultFileRegion} so that the
 * native epoll transport sends it with {@code sendfile}, but releasing it leaves the file open: the
 * log segment owns the channel.
 *
 * <p>Threading: used by one connection's event loop.
 */
final class LogSliceFileRegion extends DefaultFileRegion {

    LogSliceFileRegion(LogSliceRecords slice) {
        super(slice.channel(), slice.position(), slice.sizeInBytes());
    }

    @Override
    protected void deallocate() {
        // The segment's channel outlives this region.
    }
}
