package io.github.udpkit.core.protocol;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.HandshakeException;
import io.github.udpkit.api.PeerIdentity;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Receives the {@link Engine}'s outputs: datagrams to send, messages to deliver and peer events.
 * Called synchronously, on the engine's thread, from inside its methods.
 *
 * <p>A callback may call {@link Engine#send} and {@link Engine#close}; it must not call
 * {@link Engine#receive} or {@link Engine#update} (the engine refuses that reentrancy).
 *
 * @since 0.1.0
 */
public interface EngineOutput {

    /**
     * A datagram to send.
     *
     * @param to the peer
     * @param datagram the bytes, position to limit; valid during the call only, the engine reuses
     *     the buffer
     */
    void transmit(InetSocketAddress to, ByteBuffer datagram);

    /**
     * A complete message for the application.
     *
     * @param from the peer that sent it
     * @param mode the mode it was sent in
     * @param payload the message, position to limit; valid during the call only, and not to be
     *     modified (it may be a view of the received datagram)
     * @param nowNanos the time passed to the engine call that delivers it
     */
    void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos);

    /**
     * A complete message for the application, with the channel it came on. By default it goes to
     * {@link #deliver(InetSocketAddress, DeliveryMode, ByteBuffer, long)}, for outputs that do not
     * use channels.
     *
     * @param from the peer that sent it
     * @param channel its channel, 0..255
     * @param mode the mode it was sent in
     * @param payload the message, as for the other {@code deliver}
     * @param nowNanos the time passed to the engine call that delivers it
     * @since 0.1.0
     */
    default void deliver(InetSocketAddress from, int channel, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
        deliver(from, mode, payload, nowNanos);
    }

    /**
     * The engine created state for a peer: the first datagram from it (with address validation
     * on, the first that echoed a valid cookie), or the first send to it.
     *
     * @param peer the peer
     */
    default void peerConnected(InetSocketAddress peer) {
    }

    /**
     * Decides whether to keep a conversation a peer opened, on its first message (the peer's
     * "connect" payload), before that message is delivered. A refusal is sent to the peer with
     * its reason, which the peer's failed sends carry; nothing of it is delivered here. Not
     * asked for conversations this side opened by sending. Accepts by default.
     *
     * @param peer the peer
     * @param firstMessage its first message, position to limit; valid during the call only
     * @return null to accept; else the reason to refuse, at most 200 bytes of UTF-8 (longer is cut)
     * @since 0.1.0
     */
    default String refuse(InetSocketAddress peer, ByteBuffer firstMessage) {
        return null;
    }

    /**
     * The engine dropped a peer's state, with what it knows of why: for {@code CLOSED_BY_PEER}
     * and {@code REFUSED}, the reason the peer gave. By default it goes to
     * {@link #peerDisconnected(InetSocketAddress, DisconnectReason)}.
     *
     * @param peer the peer
     * @param reason why
     * @param detail a one-line description, with the peer's reason where it gave one
     * @since 0.1.0
     */
    default void peerDisconnected(InetSocketAddress peer, DisconnectReason reason, String detail) {
        peerDisconnected(peer, reason);
    }

    /**
     * The engine dropped a peer's state. Its pending sends have already been failed.
     *
     * @param peer the peer
     * @param reason why
     */
    default void peerDisconnected(InetSocketAddress peer, DisconnectReason reason) {
    }

    /**
     * A peer's session moved to a new address, which proved it receives (it echoed a challenge):
     * NAT rebinding, or a device that changed networks. Datagrams and deliveries use the new
     * address from now on; an application that keys anything by the peer's address must move it.
     *
     * @param from the address the session had
     * @param to the address it has now
     */
    default void peerMigrated(InetSocketAddress from, InetSocketAddress to) {
    }

    /**
     * The peer proved who it is: its {@link RecordLayer} handshake (DTLS) completed. Only an engine
     * with a record layer reports it; a server's engine reports {@link #peerConnected} just before.
     *
     * @param peer the peer
     * @param identity its verified certificate chain and the cipher suite
     * @since 0.1.0
     */
    default void peerAuthenticated(InetSocketAddress peer, PeerIdentity identity) {
    }

    /**
     * A {@link RecordLayer} handshake failed or timed out; reported once per failed handshake, before
     * the peer's {@link #peerDisconnected} if it was announced.
     *
     * @param failure names the peer and the TLS alert
     * @since 0.1.0
     */
    default void handshakeFailed(HandshakeException failure) {
    }
}
