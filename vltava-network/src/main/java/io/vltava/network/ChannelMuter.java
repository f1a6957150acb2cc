package io.vltava.network;

/**
 * Stops reading a connection for a while: how the broker holds back a client that went over its
 * quota (KIP-219). Responses already due are still sent; requests already read but not yet handled,
 * and everything still in the socket, wait until the time is up.
 *
 * <p>Threading: may be called from any thread; the connection applies it on its event loop.
 */
@FunctionalInterface
public interface ChannelMuter {

    /** Reads nothing more from the connection for {@code throttleTimeMs} from now (a longer mute already in force stays). */
    void muteFor(int throttleTimeMs);
}
