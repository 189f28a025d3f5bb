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
     * A framed endpoint dropped a peer and its state, with a one-line detail: for
     * {@link DisconnectReason#CLOSED_BY_PEER} and {@link DisconnectReason#REFUSED}, the reason
     * the peer gave. By default it goes to {@link #onPeerDisconnected(InetSocketAddress, DisconnectReason)}.
     *
     * @param peer the peer's address
     * @param reason why
     * @param detail what happened, with the peer's own words where it gave any
     * @since 0.2.0
     */
    default void onPeerDisconnected(InetSocketAddress peer, DisconnectReason reason, String detail) {
        onPeerDisconnected(peer, reason);
    }

    /**
     * A framed endpoint's peer moved to a new address, which proved it receives there (NAT
     * rebinding, a device that changed networks): the conversation goes on, its messages now come
     * from and go to {@code to}. Anything kept by the peer's address should move with it.
     *
     * @param from the address the peer had
     * @param to the address it has now
     * @since 0.2.0
     */
    default void onPeerMigrated(InetSocketAddress from, InetSocketAddress to) {
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
