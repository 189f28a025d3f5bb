package io.github.udpkit.api;

/**
 * How an endpoint puts a message on the wire and what the receiver is promised about it.
 *
 * <p>{@link #RAW} sends the codec's bytes and nothing else, so it talks to any UDP program. Every
 * other mode wraps messages in a udpkit frame, which checks integrity (and secrecy, when a key is
 * set) and carries sequence numbers and acknowledgements where the mode needs them.
 *
 * @since 0.1.0
 */
public enum DeliveryMode {
    /** The codec's bytes alone, one message per datagram; no guarantees. Talks to any UDP program. */
    RAW(false, false, false),
    /** A udpkit frame; may be lost, duplicated by nothing but the network, or reordered. */
    UNRELIABLE(true, false, false),
    /** As {@link #UNRELIABLE}, and a message older than one already delivered is dropped. */
    SEQUENCED(true, false, true),
    /** Acknowledged and retransmitted: delivered exactly once, in arrival order. */
    RELIABLE_UNORDERED(true, true, false),
    /** Acknowledged and retransmitted: delivered exactly once, in send order. */
    RELIABLE(true, true, true);

    private final boolean framed;
    private final boolean reliable;
    private final boolean ordered;

    DeliveryMode(boolean framed, boolean reliable, boolean ordered) {
        this.framed = framed;
        this.reliable = reliable;
        this.ordered = ordered;
    }

    /** Whether messages in this mode travel in a udpkit frame (every mode but {@link #RAW}). */
    public boolean isFramed() {
        return framed;
    }

    /** Whether the peer acknowledges messages and lost ones are sent again. */
    public boolean isReliable() {
        return reliable;
    }

    /** Whether the receiver never delivers a message after a newer one ({@link #SEQUENCED}, {@link #RELIABLE}). */
    public boolean isOrdered() {
        return ordered;
    }
}
