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
     * A DTLS handshake with a peer completed: what the peer proved is also on each of its
     * {@link Message#peerIdentity() messages}.
     *
     * @param peer the peer's address
     * @param identity its verified certificate chain and the cipher suite
     * @since 0.1.0
     */
    default void onPeerAuthenticated(InetSocketAddress peer, PeerIdentity identity) {
    }

    /**
     * A DTLS handshake with a peer failed or timed out; called once per failed handshake.
     *
     * @param failure names the peer and the TLS alert
     * @since 0.1.0
     */
    default void onHandshakeFailed(HandshakeException failure) {
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
