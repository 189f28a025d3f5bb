package io.github.udpkit.api;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A received message: its decoded payload in an envelope saying who sent it, to which local
 * address, when it arrived and how it travelled. Immutable (the payload is as immutable as its type).
 *
 * @param payload the decoded payload
 * @param sender the address the message came from
 * @param recipient the local address of the endpoint that received it
 * @param receivedAt when the endpoint received it (for a fragmented message, its last fragment)
 * @param mode the delivery mode it travelled in
 * @param channel the channel it travelled on, 0..255 (0 for RAW and for senders that name none;
 *     see {@link Send#channel(int)})
 * @param peerIdentity who the sender proved to be in a DTLS handshake; empty when the message did
 *     not come over DTLS
 * @param <T> the payload type
 * @since 0.1.0
 */
public record Message<T>(T payload, InetSocketAddress sender, InetSocketAddress recipient, Instant receivedAt,
                         DeliveryMode mode, int channel, Optional<PeerIdentity> peerIdentity) {

    /** Checks that no component is {@code null} and the channel is in 0..255. */
    public Message {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(peerIdentity, "peerIdentity");
        if (channel < 0 || channel > 255) {
            throw new IllegalArgumentException("channel must be in 0..255: " + channel);
        }
    }

    /**
     * A message on a channel that did not come over DTLS.
     *
     * @param payload the decoded payload
     * @param sender the address the message came from
     * @param recipient the local address of the endpoint that received it
     * @param receivedAt when the endpoint received it
     * @param mode the delivery mode it travelled in
     * @param channel the channel it travelled on, 0..255
     */
    public Message(T payload, InetSocketAddress sender, InetSocketAddress recipient, Instant receivedAt,
                   DeliveryMode mode, int channel) {
        this(payload, sender, recipient, receivedAt, mode, channel, Optional.empty());
    }

    /**
     * A message on channel 0 from a peer that proved the given identity, or none.
     *
     * @param payload the decoded payload
     * @param sender the address the message came from
     * @param recipient the local address of the endpoint that received it
     * @param receivedAt when the endpoint received it
     * @param mode the delivery mode it travelled in
     * @param peerIdentity who the sender proved to be in a DTLS handshake, or empty
     */
    public Message(T payload, InetSocketAddress sender, InetSocketAddress recipient, Instant receivedAt,
                   DeliveryMode mode, Optional<PeerIdentity> peerIdentity) {
        this(payload, sender, recipient, receivedAt, mode, 0, peerIdentity);
    }

    /**
     * A message on channel 0 that did not come over DTLS.
     *
     * @param payload the decoded payload
     * @param sender the address the message came from
     * @param recipient the local address of the endpoint that received it
     * @param receivedAt when the endpoint received it
     * @param mode the delivery mode it travelled in
     */
    public Message(T payload, InetSocketAddress sender, InetSocketAddress recipient, Instant receivedAt,
                   DeliveryMode mode) {
        this(payload, sender, recipient, receivedAt, mode, 0, Optional.empty());
    }
}
