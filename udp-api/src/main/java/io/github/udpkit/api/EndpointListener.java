package io.github.udpkit.api;

import java.net.InetSocketAddress;

/**
 * Hears about an endpoint's peers and errors, on the endpoint's I/O thread. Every method has a
 * do-nothing default, so a listener overrides only what it needs.
 *
 * @since 0.1.0
 */
public interface EndpointListener {

    /**
     * A framed endpoint heard from a peer for the first time, or again after losing it.
     *
     * @param peer the peer's address
     */
    default void onPeerConnected(InetSocketAddress peer) {
    }

    /**
     * A framed endpoint dropped a peer and its state.
     *
     * @param peer the peer's address
     * @param reason why
     */
    default void onPeerDisconnected(InetSocketAddress peer, DisconnectReason reason) {
    }

    /**
     * Something went wrong on the I/O thread that no caller is waiting to hear: a handler threw,
     * the socket reported an error. The endpoint carries on.
     *
     * @param error what went wrong
     */
    default void onError(Throwable error) {
    }
}
