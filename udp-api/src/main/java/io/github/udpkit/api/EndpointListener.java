package io.github.udpkit.api;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

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
     * A peer opened a conversation with this framed endpoint: decide whether to keep it, on its
     * first message (the peer's connect payload, as encoded bytes: decode it with the endpoint's
     * codec), before that message is delivered. To refuse, return the reason: the peer's sends
     * fail with a {@link DeliveryException} that carries it, and nothing of the conversation is
     * delivered here. Not asked for conversations this endpoint opened by sending. Runs on the
     * I/O thread; a listener that throws accepts.
     *
     * @param peer the peer's address
     * @param firstMessage its first message's bytes, position to limit; valid during the call only
     * @return null to accept; else the reason to refuse, at most 200 bytes of UTF-8 (longer is cut)
     * @since 0.1.0
     */
    default String onConnectRequest(InetSocketAddress peer, ByteBuffer firstMessage) {
        return null;
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
     * A framed endpoint dropped a peer and its state, with a one-line detail: for
     * {@link DisconnectReason#CLOSED_BY_PEER} and {@link DisconnectReason#REFUSED}, the reason
     * the peer gave. By default it goes to {@link #onPeerDisconnected(InetSocketAddress, DisconnectReason)}.
     *
     * @param peer the peer's address
     * @param reason why
     * @param detail what happened, with the peer's own words where it gave any
     * @since 0.1.0
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
     * @since 0.1.0
     */
    default void onPeerMigrated(InetSocketAddress from, InetSocketAddress to) {
    }

    /**
     * A conversation was accepted: one this endpoint opened with {@link Endpoint#connect} was
     * acknowledged, one a peer opened had its first message accepted, or one opened by a plain
     * send started. Keep the handle to send, read statistics and close.
     *
     * @param connection the conversation, {@link ConnectionState#OPEN}
     * @since 0.1.0
     */
    default void onConnected(Connection<?> connection) {
    }

    /**
     * A conversation ended, for whatever reason: the peer closed or refused it, this side did,
     * it timed out, was evicted, or the endpoint closed. Called once per connection, after
     * {@link #onPeerDisconnected(InetSocketAddress, DisconnectReason, String)}, including for
     * connections that never opened.
     *
     * @param connection the conversation, now {@link ConnectionState#CLOSED}
     * @param reason why
     * @param detail what happened, with the peer's own words where it gave any
     * @since 0.1.0
     */
    default void onDisconnected(Connection<?> connection, DisconnectReason reason, String detail) {
    }

    /**
     * A conversation's peer moved to a new address, which proved it receives there: the same
     * handle goes on, its {@link Connection#remoteAddress()} is the new address. Called after
     * {@link #onPeerMigrated}.
     *
     * @param connection the conversation
     * @param from the address the peer had
     * @since 0.1.0
     */
    default void onMigrated(Connection<?> connection, InetSocketAddress from) {
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
