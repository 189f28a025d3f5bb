package io.github.udpkit.api;

import java.time.Duration;
import java.util.Objects;

/**
 * An immutable snapshot of an endpoint's counters, taken by {@link Endpoint#stats()}.
 *
 * <p>Counters only grow over an endpoint's life. Every dropped datagram lands in exactly one of the
 * drop counters ({@link #decodeFailures()}, {@link #malformed()}, {@link #oversized()},
 * {@link #authFailures()}, {@link #replaysDropped()}, {@link #filtered()},
 * {@link #duplicatesDropped()}, {@link #receiveQueueDrops()}, and for signed messages
 * {@link #badSignatures()}, {@link #unknownKeys()}, {@link #changedKeys()},
 * {@link #replayedSequences()}), so a test or an operator can see
 * what happened to it.
 *
 * @since 0.1.0
 */
public final class EndpointStats {

    private final long datagramsSent;
    private final long bytesSent;
    private final long datagramsReceived;
    private final long bytesReceived;
    private final long messagesSent;
    private final long messagesDelivered;
    private final long decodeFailures;
    private final long malformed;
    private final long oversized;
    private final long receiveQueueDrops;
    private final long retransmissions;
    private final long duplicatesDropped;
    private final long deliveryFailures;
    private final long authFailures;
    private final long replaysDropped;
    private final long filtered;
    private final long badSignatures;
    private final long unknownKeys;
    private final long changedKeys;
    private final long replayedSequences;
    private final int peers;
    private final Duration smoothedRtt;

    private EndpointStats(Builder b) {
        this.datagramsSent = b.datagramsSent;
        this.bytesSent = b.bytesSent;
        this.datagramsReceived = b.datagramsReceived;
        this.bytesReceived = b.bytesReceived;
        this.messagesSent = b.messagesSent;
        this.messagesDelivered = b.messagesDelivered;
        this.decodeFailures = b.decodeFailures;
        this.malformed = b.malformed;
        this.oversized = b.oversized;
        this.receiveQueueDrops = b.receiveQueueDrops;
        this.retransmissions = b.retransmissions;
        this.duplicatesDropped = b.duplicatesDropped;
        this.deliveryFailures = b.deliveryFailures;
        this.authFailures = b.authFailures;
        this.replaysDropped = b.replaysDropped;
        this.filtered = b.filtered;
        this.badSignatures = b.badSignatures;
        this.unknownKeys = b.unknownKeys;
        this.changedKeys = b.changedKeys;
        this.replayedSequences = b.replayedSequences;
        this.peers = b.peers;
        this.smoothedRtt = b.smoothedRtt;
    }

    /**
     * A builder, for implementations of {@link Endpoint}.
     *
     * @return a builder with every counter at zero
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The number of datagrams written to the socket. */
    public long datagramsSent() {
        return datagramsSent;
    }

    /** The number of bytes written to the socket, UDP payload only. */
    public long bytesSent() {
        return bytesSent;
    }

    /** The number of datagrams read from the socket. */
    public long datagramsReceived() {
        return datagramsReceived;
    }

    /** The number of bytes read from the socket, UDP payload only. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** The number of messages the application sent (a fragmented message counts once). */
    public long messagesSent() {
        return messagesSent;
    }

    /** The number of messages handed to the application. */
    public long messagesDelivered() {
        return messagesDelivered;
    }

    /** The number of received messages the codec could not decode, dropped. */
    public long decodeFailures() {
        return decodeFailures;
    }

    /** The number of datagrams that were not valid udpkit frames (foreign, truncated, bad fields), dropped. */
    public long malformed() {
        return malformed;
    }

    /** The number of sends refused because the message was larger than allowed, plus datagrams received too large to hold. */
    public long oversized() {
        return oversized;
    }

    /** The number of messages dropped because the application did not take them and the receive queue was full. */
    public long receiveQueueDrops() {
        return receiveQueueDrops;
    }

    /** The number of frames sent again because they were not acknowledged in time. */
    public long retransmissions() {
        return retransmissions;
    }

    /** The number of received frames or messages already delivered, dropped. */
    public long duplicatesDropped() {
        return duplicatesDropped;
    }

    /** The number of reliable sends whose retries or deadline ran out. */
    public long deliveryFailures() {
        return deliveryFailures;
    }

    /** The number of datagrams that failed authentication (wrong key, tampering), dropped. */
    public long authFailures() {
        return authFailures;
    }

    /** The number of authenticated datagrams rejected by the anti-replay window. */
    public long replaysDropped() {
        return replaysDropped;
    }

    /** The number of datagrams dropped by the address filter or a rate limit before parsing, or by address validation (an unknown source without a valid cookie). */
    public long filtered() {
        return filtered;
    }

    /** The number of signed messages whose signature did not verify (altered, forged, or signed for another context), dropped. */
    public long badSignatures() {
        return badSignatures;
    }

    /** The number of signed messages whose key the trust store does not accept (pinned keys, or a full store), dropped. */
    public long unknownKeys() {
        return unknownKeys;
    }

    /** The number of signed messages signed for a known name with another key than the one it is bound to, dropped. */
    public long changedKeys() {
        return changedKeys;
    }

    /** The number of signed messages whose signer's sequence number was seen already or is too old, dropped. */
    public long replayedSequences() {
        return replayedSequences;
    }

    /** The number of peers a framed endpoint holds state for now. */
    public int peers() {
        return peers;
    }

    /**
     * The smoothed round-trip time (RFC 6298 SRTT) to the most recently measured peer, or
     * {@link Duration#ZERO} before any measurement.
     */
    public Duration smoothedRtt() {
        return smoothedRtt;
    }

    @Override
    public String toString() {
        return "EndpointStats{"
                + "datagramsSent=" + datagramsSent
                + ", bytesSent=" + bytesSent
                + ", datagramsReceived=" + datagramsReceived
                + ", bytesReceived=" + bytesReceived
                + ", messagesSent=" + messagesSent
                + ", messagesDelivered=" + messagesDelivered
                + ", decodeFailures=" + decodeFailures
                + ", malformed=" + malformed
                + ", oversized=" + oversized
                + ", receiveQueueDrops=" + receiveQueueDrops
                + ", retransmissions=" + retransmissions
                + ", duplicatesDropped=" + duplicatesDropped
                + ", deliveryFailures=" + deliveryFailures
                + ", authFailures=" + authFailures
                + ", replaysDropped=" + replaysDropped
                + ", filtered=" + filtered
                + ", badSignatures=" + badSignatures
                + ", unknownKeys=" + unknownKeys
                + ", changedKeys=" + changedKeys
                + ", replayedSequences=" + replayedSequences
                + ", peers=" + peers
                + ", smoothedRtt=" + smoothedRtt
                + '}';
    }

    /** Builds a snapshot; used by implementations of {@link Endpoint}. */
    public static final class Builder {
        private long datagramsSent;
        private long bytesSent;
        private long datagramsReceived;
        private long bytesReceived;
        private long messagesSent;
        private long messagesDelivered;
        private long decodeFailures;
        private long malformed;
        private long oversized;
        private long receiveQueueDrops;
        private long retransmissions;
        private long duplicatesDropped;
        private long deliveryFailures;
        private long authFailures;
        private long replaysDropped;
        private long filtered;
        private long badSignatures;
        private long unknownKeys;
        private long changedKeys;
        private long replayedSequences;
        private int peers;
        private Duration smoothedRtt = Duration.ZERO;

        private Builder() {
        }

        /**
         * Sets the number of datagrams written to the socket.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder datagramsSent(long value) {
            this.datagramsSent = requireCount(value, "datagramsSent");
            return this;
        }

        /**
         * Sets the number of bytes written to the socket, UDP payload only.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder bytesSent(long value) {
            this.bytesSent = requireCount(value, "bytesSent");
            return this;
        }

        /**
         * Sets the number of datagrams read from the socket.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder datagramsReceived(long value) {
            this.datagramsReceived = requireCount(value, "datagramsReceived");
            return this;
        }

        /**
         * Sets the number of bytes read from the socket, UDP payload only.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder bytesReceived(long value) {
            this.bytesReceived = requireCount(value, "bytesReceived");
            return this;
        }

        /**
         * Sets the number of messages the application sent (a fragmented message counts once).
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder messagesSent(long value) {
            this.messagesSent = requireCount(value, "messagesSent");
            return this;
        }

        /**
         * Sets the number of messages handed to the application.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder messagesDelivered(long value) {
            this.messagesDelivered = requireCount(value, "messagesDelivered");
            return this;
        }

        /**
         * Sets the number of received messages the codec could not decode, dropped.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder decodeFailures(long value) {
            this.decodeFailures = requireCount(value, "decodeFailures");
            return this;
        }

        /**
         * Sets the number of datagrams that were not valid udpkit frames (foreign, truncated, bad fields), dropped.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder malformed(long value) {
            this.malformed = requireCount(value, "malformed");
            return this;
        }

        /**
         * Sets the number of sends refused because the message was larger than allowed, plus datagrams received too large to hold.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder oversized(long value) {
            this.oversized = requireCount(value, "oversized");
            return this;
        }

        /**
         * Sets the number of messages dropped because the application did not take them and the receive queue was full.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder receiveQueueDrops(long value) {
            this.receiveQueueDrops = requireCount(value, "receiveQueueDrops");
            return this;
        }

        /**
         * Sets the number of frames sent again because they were not acknowledged in time.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder retransmissions(long value) {
            this.retransmissions = requireCount(value, "retransmissions");
            return this;
        }

        /**
         * Sets the number of received frames or messages already delivered, dropped.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder duplicatesDropped(long value) {
            this.duplicatesDropped = requireCount(value, "duplicatesDropped");
            return this;
        }

        /**
         * Sets the number of reliable sends whose retries or deadline ran out.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder deliveryFailures(long value) {
            this.deliveryFailures = requireCount(value, "deliveryFailures");
            return this;
        }

        /**
         * Sets the number of datagrams that failed authentication (wrong key, tampering), dropped.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder authFailures(long value) {
            this.authFailures = requireCount(value, "authFailures");
            return this;
        }

        /**
         * Sets the number of authenticated datagrams rejected by the anti-replay window.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder replaysDropped(long value) {
            this.replaysDropped = requireCount(value, "replaysDropped");
            return this;
        }

        /**
         * Sets the number of datagrams dropped by the address filter or a rate limit before parsing, or by address validation (an unknown source without a valid cookie).
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder filtered(long value) {
            this.filtered = requireCount(value, "filtered");
            return this;
        }

        /**
         * Sets the number of signed messages whose signature did not verify (altered, forged, or signed for another context), dropped.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder badSignatures(long value) {
            this.badSignatures = requireCount(value, "badSignatures");
            return this;
        }

        /**
         * Sets the number of signed messages whose key the trust store does not accept (pinned keys, or a full store), dropped.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder unknownKeys(long value) {
            this.unknownKeys = requireCount(value, "unknownKeys");
            return this;
        }

        /**
         * Sets the number of signed messages signed for a known name with another key than the one it is bound to, dropped.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder changedKeys(long value) {
            this.changedKeys = requireCount(value, "changedKeys");
            return this;
        }

        /**
         * Sets the number of signed messages whose signer's sequence number was seen already or is too old, dropped.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder replayedSequences(long value) {
            this.replayedSequences = requireCount(value, "replayedSequences");
            return this;
        }

        /**
         * Sets the number of peers.
         *
         * @param value the count, not negative
         * @return this
         */
        public Builder peers(int value) {
            this.peers = (int) requireCount(value, "peers");
            return this;
        }

        /**
         * Sets the smoothed round-trip time.
         *
         * @param value the time, not negative
         * @return this
         */
        public Builder smoothedRtt(Duration value) {
            Objects.requireNonNull(value, "smoothedRtt");
            if (value.isNegative()) {
                throw new IllegalArgumentException("smoothedRtt must not be negative: " + value);
            }
            this.smoothedRtt = value;
            return this;
        }

        /**
         * Builds the snapshot.
         *
         * @return the snapshot
         */
        public EndpointStats build() {
            return new EndpointStats(this);
        }

        private static long requireCount(long value, String name) {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must not be negative: " + value);
            }
            return value;
        }
    }
}