package io.github.udpkit.core.protocol;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.wire.WireFormat;
import io.github.udpkit.core.wire.WireWriter;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The settings of an {@link Engine}: sizes, timers, windows and limits. Immutable; made by a
 * {@link #builder() builder} that rejects a bad value at once, naming it. Every default is
 * listed in {@code docs/PROTOCOL.md}.
 *
 * <pre>{@code
 * EngineConfig config = EngineConfig.builder()
 *         .maxDatagramSize(1400)
 *         .deliveryDeadline(Duration.ofSeconds(10))
 *         .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class EngineConfig {
    /** The smallest datagram an engine may be limited to: the IPv4 minimum reassembly size, 576, less 28. */
    public static final int MIN_DATAGRAM_SIZE = 548;
    /**
     * Bytes reserved in every datagram so that an ACK, or a TOKEN frame of up to
     * {@link WireFormat#MAX_TOKEN_LENGTH} bytes and what ACK still fits, can ride along with a
     * full DATA frame.
     */
    static final int ACK_RESERVE = 32;
    /**
     * The datagram size a path starts at under path MTU discovery (RFC 8899's BASE_PLPMTU, the
     * size QUIC requires every path to carry), and the default {@code maxDatagramSize}.
     */
    public static final int BASE_DATAGRAM_SIZE = 1200;
    static final double DEFAULT_LOSS_TOLERANCE = 0.25;
    /** The receive window, in messages, with datagrams of up to 4,096 bytes. */
    static final int DEFAULT_RECEIVE_WINDOW = 4096;
    /** The bound on a peer's queued and unacknowledged messages, with the default receive window. */
    static final int DEFAULT_MAX_QUEUED_MESSAGES = 8192;
    static final double MAX_LOSS_TOLERANCE = 0.5;

    private final int maxDatagramSize;
    private final int maxMessageSize;
    private final long initialRtoNanos;
    private final long minRtoNanos;
    private final long maxRtoNanos;
    private final int maxTransmissions;
    private final long deliveryDeadlineNanos;
    private final long ackDelayNanos;
    private final int maxInFlightDatagrams;
    private final double lossTolerance;
    /** As set on the builder; 0 when not set, so derived ({@link #maxQueuedMessages()}). */
    private final int maxQueuedMessages;
    private final long maxQueuedBytes;
    /** As set on the builder; 0 when not set, so derived from the datagram size ({@link #receiveWindow()}). */
    private final int receiveWindow;
    private final long keepAliveNanos;
    private final long idleTimeoutNanos;
    private final int maxPeers;
    private final long reassemblyBytesPerPeer;
    private final long reassemblyBytesTotal;
    private final long reassemblyTimeoutNanos;
    private final OptionalLong seed;
    private final PacketProtection protection;
    private final boolean addressValidation;
    private final int maxRetriesPerSecond;
    private final boolean pathMtuDiscovery;
    private final boolean pacing;

    private EngineConfig(Builder b) {
        this.maxDatagramSize = b.maxDatagramSize;
        this.maxMessageSize = b.maxMessageSize;
        this.initialRtoNanos = b.initialRto.toNanos();
        this.minRtoNanos = b.minRto.toNanos();
        this.maxRtoNanos = b.maxRto.toNanos();
        this.maxTransmissions = b.maxTransmissions;
        this.deliveryDeadlineNanos = b.deliveryDeadline.toNanos();
        this.ackDelayNanos = b.ackDelay.toNanos();
        this.maxInFlightDatagrams = b.maxInFlightDatagrams;
        this.lossTolerance = b.lossTolerance;
        this.maxQueuedMessages = b.maxQueuedMessages;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.receiveWindow = b.receiveWindow;
        this.keepAliveNanos = b.keepAliveInterval.toNanos();
        this.idleTimeoutNanos = b.idleTimeout.toNanos();
        this.maxPeers = b.maxPeers;
        this.reassemblyBytesPerPeer = b.reassemblyBytesPerPeer;
        this.reassemblyBytesTotal = b.reassemblyBytesTotal;
        this.reassemblyTimeoutNanos = b.reassemblyTimeout.toNanos();
        this.seed = b.seed;
        this.protection = b.protection;
        this.addressValidation = b.addressValidation;
        this.maxRetriesPerSecond = b.maxRetriesPerSecond;
        this.pathMtuDiscovery = b.pathMtuDiscovery;
        this.pacing = b.pacing;
    }

    /**
     * A builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this configuration's settings, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxDatagramSize = maxDatagramSize;
        b.maxMessageSize = maxMessageSize;
        b.initialRto = Duration.ofNanos(initialRtoNanos);
        b.minRto = Duration.ofNanos(minRtoNanos);
        b.maxRto = Duration.ofNanos(maxRtoNanos);
        b.maxTransmissions = maxTransmissions;
        b.deliveryDeadline = Duration.ofNanos(deliveryDeadlineNanos);
        b.ackDelay = Duration.ofNanos(ackDelayNanos);
        b.maxInFlightDatagrams = maxInFlightDatagrams;
        b.lossTolerance = lossTolerance;
        b.maxQueuedMessages = maxQueuedMessages;
        b.maxQueuedBytes = maxQueuedBytes;
        b.receiveWindow = receiveWindow;
        b.keepAliveInterval = Duration.ofNanos(keepAliveNanos);
        b.idleTimeout = Duration.ofNanos(idleTimeoutNanos);
        b.maxPeers = maxPeers;
        b.reassemblyBytesPerPeer = reassemblyBytesPerPeer;
        b.reassemblyBytesTotal = reassemblyBytesTotal;
        b.reassemblyTimeout = Duration.ofNanos(reassemblyTimeoutNanos);
        b.seed = seed;
        b.protection = protection;
        b.addressValidation = addressValidation;
        b.maxRetriesPerSecond = maxRetriesPerSecond;
        b.pathMtuDiscovery = pathMtuDiscovery;
        b.pacing = pacing;
        return b;
    }

    /**
     * The configuration with every default.
     *
     * @return the default configuration
     */
    public static EngineConfig defaults() {
        return builder().build();
    }

    /** The largest datagram the engine sends, UDP payload bytes (default 1,200). */
    public int maxDatagramSize() {
        return maxDatagramSize;
    }

    /** The largest message, sent or received (default 1 MiB). */
    public int maxMessageSize() {
        return maxMessageSize;
    }

    /** The probe (retransmission) timeout before any round trip was measured (default 1 s, RFC 6298). */
    public Duration initialRto() {
        return Duration.ofNanos(initialRtoNanos);
    }

    /**
     * The floor of the probe (retransmission) timeout (default 10 ms: above the scheduling
     * hiccups of a busy host, far below RFC 6298's 1 s, which suits the Internet of 2000 and not
     * a LAN).
     */
    public Duration minRto() {
        return Duration.ofNanos(minRtoNanos);
    }

    /** The ceiling of the probe (retransmission) timeout, back-off included (default 10 s). */
    public Duration maxRto() {
        return Duration.ofNanos(maxRtoNanos);
    }

    /** How many times a fragment is sent before its message fails (default 20). */
    public int maxTransmissions() {
        return maxTransmissions;
    }

    /**
     * How long a reliable message may wait for its acknowledgement after its first transmission
     * (default 30 s); time spent queued behind other messages does not count.
     */
    public Duration deliveryDeadline() {
        return Duration.ofNanos(deliveryDeadlineNanos);
    }

    /** How long an acknowledgement may be held to coalesce it (default 5 ms). */
    public Duration ackDelay() {
        return Duration.ofNanos(ackDelayNanos);
    }

    /** The most unacknowledged datagrams in flight to one peer (default 1,024). */
    public int maxInFlightDatagrams() {
        return maxInFlightDatagrams;
    }

    /**
     * The loss rate up to which losses that come without a queue on the path are not taken as
     * congestion (default 0.25; 0 takes every loss as congestion, as RFC 9002 does). See
     * {@link Builder#lossTolerance(double)}.
     */
    public double lossTolerance() {
        return lossTolerance;
    }

    /**
     * The most messages queued or unacknowledged for one peer; more are refused. Unless set, it is
     * 8,192, or twice the {@link #receiveWindow()} when that is larger: unacknowledged messages
     * count here, so a smaller bound would keep the receive window from being filled.
     *
     * @return the bound, in messages
     */
    public int maxQueuedMessages() {
        if (maxQueuedMessages != 0) {
            return maxQueuedMessages;
        }
        return Math.max(DEFAULT_MAX_QUEUED_MESSAGES, receiveWindow() / 4);
    }

    /** The most bytes of messages queued or unacknowledged for one peer (default 64 MiB). */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /**
     * The receive window, in messages per reliable sequence space, advertised to peers. Unless set,
     * it is 4,096, or {@link #maxDatagramSize()} rounded up to a power
     * of two when that is larger (65,536 for 65,507-byte datagrams): a window counted in messages
     * must grow with the datagram, or one datagram packed with small messages fills it. At 64 bytes
     * a 65,507-byte datagram packs about 900 messages, so 4,096 let barely four datagrams be in
     * flight, and the sender waited on every acknowledgement.
     *
     * @return the window, in messages
     */
    public int receiveWindow() {
        if (receiveWindow != 0) {
            return receiveWindow;
        }
        return Math.max(DEFAULT_RECEIVE_WINDOW, Integer.highestOneBit(maxDatagramSize - 1) << 1);
    }

    /** The interval of keep-alive PINGs to a quiet peer; zero disables them (default 5 s). */
    public Duration keepAliveInterval() {
        return Duration.ofNanos(keepAliveNanos);
    }

    /** How long a peer may stay silent before it is dropped as timed out (default 30 s). */
    public Duration idleTimeout() {
        return Duration.ofNanos(idleTimeoutNanos);
    }

    /** The most peers the engine holds state for (default 1,024). */
    public int maxPeers() {
        return maxPeers;
    }

    /** The reassembly and reorder memory one peer may use (default 4 MiB). */
    public long reassemblyBytesPerPeer() {
        return reassemblyBytesPerPeer;
    }

    /** The reassembly and reorder memory all peers together may use (default 64 MiB). */
    public long reassemblyBytesTotal() {
        return reassemblyBytesTotal;
    }

    /** How long a partial unreliable or sequenced message is kept (default 5 s). */
    public Duration reassemblyTimeout() {
        return Duration.ofNanos(reassemblyTimeoutNanos);
    }

    /** The seed of the session-id generator; empty means a {@code SecureRandom} (the default). */
    public OptionalLong seed() {
        return seed;
    }

    /** The datagram protection (default {@link PacketProtection#crc32c()}). */
    public PacketProtection protection() {
        return protection;
    }

    /**
     * Whether a new address must echo a stateless cookie before the engine keeps state for it or
     * answers it with more than a RETRY (default false; see {@link Builder#addressValidation}).
     */
    public boolean addressValidation() {
        return addressValidation;
    }

    /** The most RETRY replies the engine sends per second, to all addresses together (default 1,000). */
    public int maxRetriesPerSecond() {
        return maxRetriesPerSecond;
    }

    long initialRtoNanos() {
        return initialRtoNanos;
    }

    long minRtoNanos() {
        return minRtoNanos;
    }

    long maxRtoNanos() {
        return maxRtoNanos;
    }

    long deliveryDeadlineNanos() {
        return deliveryDeadlineNanos;
    }

    long ackDelayNanos() {
        return ackDelayNanos;
    }

    long keepAliveNanos() {
        return keepAliveNanos;
    }

    long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    long reassemblyTimeoutNanos() {
        return reassemblyTimeoutNanos;
    }

    /**
     * Whether each peer's path is probed for the largest datagram it carries (RFC 8899), from
     * {@link #BASE_DATAGRAM_SIZE} up to {@link #maxDatagramSize()}; see
     * {@link Builder#pathMtuDiscovery(boolean)}.
     *
     * @return whether path MTU discovery is on
     */
    public boolean pathMtuDiscovery() {
        return pathMtuDiscovery;
    }

    /**
     * Whether datagrams leave at the congestion controller's pace (RFC 9002 section 7.7); see
     * {@link Builder#pacing(boolean)}.
     *
     * @return whether pacing is on
     */
    public boolean pacing() {
        return pacing;
    }

    /**
     * The datagram size every path starts at: {@link #maxDatagramSize()}, or with path MTU
     * discovery the smaller of it and {@link #BASE_DATAGRAM_SIZE}. A message cut for it fits
     * every path, however far the path's size falls: what a message is re-cut to when its path
     * shrinks.
     */
    int baseDatagramSize() {
        return pathMtuDiscovery ? Math.min(BASE_DATAGRAM_SIZE, maxDatagramSize) : maxDatagramSize;
    }

    /** The largest message sent whole at the base size, in one DATA frame, with room left for an ACK. */
    int maxWholePayload() {
        return maxWholePayload(baseDatagramSize());
    }

    /** The fragment size of larger messages at the base size, with room left for an ACK. */
    int fragmentSize() {
        return fragmentSize(baseDatagramSize());
    }

    /** The largest message sent whole in a datagram of {@code datagramSize}, with room left for an ACK. */
    int maxWholePayload(int datagramSize) {
        return datagramSize - protection.overhead() - WireFormat.MAX_HEADER_LENGTH
                - WireWriter.MAX_WHOLE_DATA_OVERHEAD - ACK_RESERVE;
    }

    /** The fragment size that fills a datagram of {@code datagramSize}, with room left for an ACK. */
    int fragmentSize(int datagramSize) {
        return datagramSize - protection.overhead() - WireFormat.MAX_HEADER_LENGTH
                - WireWriter.MAX_DATA_OVERHEAD - ACK_RESERVE;
    }

    @Override
    public String toString() {
        return "EngineConfig{maxDatagramSize=" + maxDatagramSize + ", maxMessageSize=" + maxMessageSize
                + ", initialRto=" + initialRto() + ", minRto=" + minRto() + ", maxRto=" + maxRto()
                + ", maxTransmissions=" + maxTransmissions + ", deliveryDeadline=" + deliveryDeadline()
                + ", ackDelay=" + ackDelay() + ", maxInFlightDatagrams=" + maxInFlightDatagrams
                + ", lossTolerance=" + lossTolerance
                + ", maxQueuedMessages=" + maxQueuedMessages() + ", maxQueuedBytes=" + maxQueuedBytes
                + ", receiveWindow=" + receiveWindow() + ", keepAliveInterval=" + keepAliveInterval()
                + ", idleTimeout=" + idleTimeout() + ", maxPeers=" + maxPeers
                + ", reassemblyBytesPerPeer=" + reassemblyBytesPerPeer + ", reassemblyBytesTotal="
                + reassemblyBytesTotal + ", reassemblyTimeout=" + reassemblyTimeout() + ", seed="
                + (seed.isPresent() ? seed.getAsLong() : "secure") + ", protection=" + protection
                + ", addressValidation=" + addressValidation + ", maxRetriesPerSecond=" + maxRetriesPerSecond
                + ", pathMtuDiscovery=" + pathMtuDiscovery + ", pacing=" + pacing + '}';
    }

    /**
     * Builds an {@link EngineConfig}; each setter checks its value at once.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private int maxDatagramSize = BASE_DATAGRAM_SIZE;
        private int maxMessageSize = 1 << 20;
        private Duration initialRto = Duration.ofSeconds(1);
        private Duration minRto = Duration.ofMillis(10);
        private Duration maxRto = Duration.ofSeconds(10);
        private int maxTransmissions = 20;
        private Duration deliveryDeadline = Duration.ofSeconds(30);
        private Duration ackDelay = Duration.ofMillis(5);
        private int maxInFlightDatagrams = 1024;
        private double lossTolerance = DEFAULT_LOSS_TOLERANCE;
        /** 0: derived from the receive window, see {@link EngineConfig#maxQueuedMessages()}. */
        private int maxQueuedMessages;
        private long maxQueuedBytes = 64L << 20;
        /** 0: derived from maxDatagramSize, see {@link EngineConfig#receiveWindow()}. */
        private int receiveWindow;
        private Duration keepAliveInterval = Duration.ofSeconds(5);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int maxPeers = 1024;
        private long reassemblyBytesPerPeer = 4L << 20;
        private long reassemblyBytesTotal = 64L << 20;
        private Duration reassemblyTimeout = Duration.ofSeconds(5);
        private OptionalLong seed = OptionalLong.empty();
        private PacketProtection protection = PacketProtection.crc32c();
        private boolean addressValidation;
        private int maxRetriesPerSecond = 1000;
        private boolean pathMtuDiscovery;
        private boolean pacing;

        private Builder() {
        }

        /**
         * Probes each peer's path for the largest datagram it carries (DPLPMTUD, RFC 8899): every
         * path starts at {@value EngineConfig#BASE_DATAGRAM_SIZE} bytes (or {@code maxDatagramSize}
         * if smaller), padded probes search upward by halving the interval up to
         * {@link #maxDatagramSize(int)}, which becomes the ceiling (raise it: 1,472 for Ethernet,
         * 8,972 for jumbo frames, 65,507 for loopback). Datagrams to that peer are then packed up
         * to the size found; messages are still cut into fragments of the starting size, so that a
         * path whose size falls strands nothing. A probe lost three times means too big, never
         * congestion; repeated loss of large datagrams falls back to the starting size and
         * searches again; a finished search is repeated every ten minutes. Off by default: see
         * {@code docs/PROTOCOL.md} section 7.4.
         *
         * @param enabled whether to probe
         * @return this
         */
        public Builder pathMtuDiscovery(boolean enabled) {
            this.pathMtuDiscovery = enabled;
            return this;
        }

        /**
         * Sends datagrams at the congestion controller's pace (RFC 9002 section 7.7): 1.25 times
         * the congestion window per smoothed round trip, with a burst allowance of about two
         * milliseconds' worth (at least two datagrams), instead of a window's worth at once. Pure
         * acknowledgements and probes are not paced. Off by default: see
         * {@code docs/PROTOCOL.md} section 7.5.
         *
         * @param enabled whether to pace
         * @return this
         */
        public Builder pacing(boolean enabled) {
            this.pacing = enabled;
            return this;
        }

        /**
         * Sets the largest datagram the engine sends (UDP payload); with
         * {@link #pathMtuDiscovery(boolean)}, the ceiling of the search.
         *
         * @param bytes {@value EngineConfig#MIN_DATAGRAM_SIZE}..{@value Endpoint#MAX_DATAGRAM_PAYLOAD}
         * @return this
         */
        public Builder maxDatagramSize(int bytes) {
            checkArgument(bytes >= MIN_DATAGRAM_SIZE && bytes <= Endpoint.MAX_DATAGRAM_PAYLOAD,
                    "maxDatagramSize must be in %s..%s: %s", MIN_DATAGRAM_SIZE, Endpoint.MAX_DATAGRAM_PAYLOAD, bytes);
            this.maxDatagramSize = bytes;
            return this;
        }

        /**
         * Sets the largest message; larger sends throw, larger received messages are refused.
         *
         * @param bytes 1..16 MiB
         * @return this
         */
        public Builder maxMessageSize(int bytes) {
            checkArgument(bytes >= 1 && bytes <= WireFormat.MAX_MESSAGE_SIZE,
                    "maxMessageSize must be in 1..%s: %s", WireFormat.MAX_MESSAGE_SIZE, bytes);
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * Sets the probe (retransmission) timeout used before a round trip is measured.
         *
         * @param rto positive, at most 60 s
         * @return this
         */
        public Builder initialRto(Duration rto) {
            this.initialRto = positive(rto, Duration.ofSeconds(60), "initialRto");
            return this;
        }

        /**
         * Sets the floor of the probe (retransmission) timeout.
         *
         * @param rto positive, at most 60 s
         * @return this
         */
        public Builder minRto(Duration rto) {
            this.minRto = positive(rto, Duration.ofSeconds(60), "minRto");
            return this;
        }

        /**
         * Sets the ceiling of the probe (retransmission) timeout, back-off included.
         *
         * @param rto positive, at most 10 minutes
         * @return this
         */
        public Builder maxRto(Duration rto) {
            this.maxRto = positive(rto, Duration.ofMinutes(10), "maxRto");
            return this;
        }

        /**
         * Sets how many times a fragment is sent before its message fails.
         *
         * @param count 1..1,000
         * @return this
         */
        public Builder maxTransmissions(int count) {
            checkArgument(count >= 1 && count <= 1000, "maxTransmissions must be in 1..1000: %s", count);
            this.maxTransmissions = count;
            return this;
        }

        /**
         * Sets how long a reliable message may wait for its acknowledgement, counted from its first
         * transmission (so a long queue to a responsive peer does not fail it).
         *
         * @param deadline positive, at most one day
         * @return this
         */
        public Builder deliveryDeadline(Duration deadline) {
            this.deliveryDeadline = positive(deadline, Duration.ofDays(1), "deliveryDeadline");
            return this;
        }

        /**
         * Sets how long an acknowledgement may be held to coalesce it with others.
         *
         * @param delay zero (acknowledge at once) up to 1 s
         * @return this
         */
        public Builder ackDelay(Duration delay) {
            checkNotNull(delay, "ackDelay");
            checkArgument(!delay.isNegative() && delay.compareTo(Duration.ofSeconds(1)) <= 0,
                    "ackDelay must be in 0..1s: %s", delay);
            this.ackDelay = delay;
            return this;
        }

        /**
         * Sets the most unacknowledged datagrams in flight to one peer.
         *
         * @param count 2..65,536
         * @return this
         */
        public Builder maxInFlightDatagrams(int count) {
            checkArgument(count >= 2 && count <= 65_536, "maxInFlightDatagrams must be in 2..65536: %s", count);
            this.maxInFlightDatagrams = count;
            return this;
        }

        /**
         * Sets how much loss congestion control forgives. A loss is taken as congestion, and
         * halves the congestion window, when the path shows a queue of the engine's datagrams
         * (its round trip 250 µs or more above the smallest seen, and a datagram or more of the
         * window waiting, as TCP Vegas and Veno estimate it) or when the loss rate of about the
         * last 256 packets exceeds this tolerance. Loss on a path with no queue and a loss rate
         * within the tolerance is random (a radio, a lossy link, an occasional drop): it is
         * repaired, but slows nothing down. A congested bottleneck with a buffer builds a queue
         * before it drops, so it is still met with NewReno's halving; one with almost no buffer
         * sees up to this loss rate from the engine before the engine backs off. See
         * {@code docs/PROTOCOL.md} section 7.1.
         *
         * @param rate 0 (every loss is congestion: RFC 9002's NewReno) .. 0.5
         * @return this
         */
        public Builder lossTolerance(double rate) {
            checkArgument(rate >= 0 && rate <= MAX_LOSS_TOLERANCE, "lossTolerance must be in 0..%s: %s",
                    MAX_LOSS_TOLERANCE, rate);
            this.lossTolerance = rate;
            return this;
        }

        /**
         * Sets the most messages queued or unacknowledged for one peer; unset, it grows with the
         * receive window (see {@link EngineConfig#maxQueuedMessages()}).
         *
         * @param count 1..1,048,576
         * @return this
         */
        public Builder maxQueuedMessages(int count) {
            checkArgument(count >= 1 && count <= 1 << 20, "maxQueuedMessages must be in 1..1048576: %s", count);
            this.maxQueuedMessages = count;
            return this;
        }

        /**
         * Sets the most bytes of messages queued or unacknowledged for one peer.
         *
         * @param bytes at least {@link #maxMessageSize}, checked by {@link #build()}
         * @return this
         */
        public Builder maxQueuedBytes(long bytes) {
            checkArgument(bytes >= 1, "maxQueuedBytes must be positive: %s", bytes);
            this.maxQueuedBytes = bytes;
            return this;
        }

        /**
         * Sets the receive window, in messages per reliable sequence space; unset, it grows with
         * {@link #maxDatagramSize(int)} (see {@link EngineConfig#receiveWindow()}).
         *
         * @param messages 16..1,048,576
         * @return this
         */
        public Builder receiveWindow(int messages) {
            checkArgument(messages >= 16 && messages <= WireFormat.MAX_RECEIVE_WINDOW,
                    "receiveWindow must be in 16..%s: %s", WireFormat.MAX_RECEIVE_WINDOW, messages);
            this.receiveWindow = messages;
            return this;
        }

        /**
         * Sets the interval of keep-alive PINGs to a quiet peer.
         *
         * @param interval zero to disable, else at most one hour and below the idle timeout
         * @return this
         */
        public Builder keepAliveInterval(Duration interval) {
            checkNotNull(interval, "keepAliveInterval");
            checkArgument(!interval.isNegative() && interval.compareTo(Duration.ofHours(1)) <= 0,
                    "keepAliveInterval must be in 0..1h: %s", interval);
            this.keepAliveInterval = interval;
            return this;
        }

        /**
         * Sets how long a silent peer is kept.
         *
         * @param timeout positive, at most one day
         * @return this
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive(timeout, Duration.ofDays(1), "idleTimeout");
            return this;
        }

        /**
         * Sets the most peers held at once.
         *
         * @param count 1..1,048,576
         * @return this
         */
        public Builder maxPeers(int count) {
            checkArgument(count >= 1 && count <= 1 << 20, "maxPeers must be in 1..1048576: %s", count);
            this.maxPeers = count;
            return this;
        }

        /**
         * Sets the reassembly and reorder memory of one peer.
         *
         * @param bytes at least twice {@link #maxMessageSize}, checked by {@link #build()}
         * @return this
         */
        public Builder reassemblyBytesPerPeer(long bytes) {
            checkArgument(bytes >= 1, "reassemblyBytesPerPeer must be positive: %s", bytes);
            this.reassemblyBytesPerPeer = bytes;
            return this;
        }

        /**
         * Sets the reassembly and reorder memory of all peers together.
         *
         * @param bytes at least {@link #reassemblyBytesPerPeer}, checked by {@link #build()}
         * @return this
         */
        public Builder reassemblyBytesTotal(long bytes) {
            checkArgument(bytes >= 1, "reassemblyBytesTotal must be positive: %s", bytes);
            this.reassemblyBytesTotal = bytes;
            return this;
        }

        /**
         * Sets how long a partial unreliable or sequenced message is kept.
         *
         * @param timeout positive, at most one hour
         * @return this
         */
        public Builder reassemblyTimeout(Duration timeout) {
            this.reassemblyTimeout = positive(timeout, Duration.ofHours(1), "reassemblyTimeout");
            return this;
        }

        /**
         * Makes session ids come from a generator with this seed, so that a simulation replays
         * exactly. Give each engine its own seed; without one, session ids come from a
         * {@code SecureRandom}.
         *
         * @param seed the seed
         * @return this
         */
        public Builder seed(long seed) {
            this.seed = OptionalLong.of(seed);
            return this;
        }

        /**
         * Sets the datagram protection.
         *
         * @param protection the protection, for example an AEAD from the security package
         * @return this
         */
        public Builder protection(PacketProtection protection) {
            checkNotNull(protection, "protection");
            checkArgument(protection.overhead() >= 0 && protection.overhead() <= 256,
                    "protection overhead must be in 0..256: %s", protection.overhead());
            this.protection = protection;
            return this;
        }

        /**
         * Turns address validation before state on or off (off by default, for peer-to-peer use;
         * turn it on for a server on a public network). When on, a datagram from an address the
         * engine holds no state for creates no state and gets no answer but a RETRY, never larger
         * than the datagram it answers, carrying a stateless cookie (an HMAC of the address, port,
         * session and a time bucket under a secret that changes every 10 seconds); only a datagram
         * that echoes a valid cookie creates the peer. So the engine cannot be made to reflect or
         * amplify traffic at a spoofed address, and a flood from many addresses costs it no
         * memory. A first message takes one round trip longer.
         *
         * <p>Clients need no setting: every engine answers a RETRY, whether or not it validates
         * addresses itself.
         *
         * @param on whether to validate
         * @return this
         */
        public Builder addressValidation(boolean on) {
            this.addressValidation = on;
            return this;
        }

        /**
         * Sets the most RETRY replies sent per second, to all addresses together (a token bucket
         * holding one second's worth), so that a flood of spoofed datagrams cannot make the
         * engine send unbounded traffic. Datagrams over the limit are dropped unanswered and
         * counted in {@link EngineMetrics#retriesSuppressed()}.
         *
         * @param count 1..1,000,000
         * @return this
         */
        public Builder maxRetriesPerSecond(int count) {
            checkArgument(count >= 1 && count <= 1_000_000, "maxRetriesPerSecond must be in 1..1000000: %s", count);
            this.maxRetriesPerSecond = count;
            return this;
        }

        /**
         * Checks the settings against each other and builds the config.
         *
         * @return the config
         * @throws IllegalArgumentException if settings contradict each other, naming them
         */
        public EngineConfig build() {
            checkArgument(minRto.compareTo(maxRto) <= 0, "minRto %s must not exceed maxRto %s", minRto, maxRto);
            checkArgument(initialRto.compareTo(minRto) >= 0 && initialRto.compareTo(maxRto) <= 0,
                    "initialRto %s must be within minRto %s..maxRto %s", initialRto, minRto, maxRto);
            checkArgument(ackDelay.compareTo(minRto) < 0, "ackDelay %s must be below minRto %s", ackDelay, minRto);
            checkArgument(keepAliveInterval.compareTo(idleTimeout) < 0,
                    "keepAliveInterval %s must be below idleTimeout %s", keepAliveInterval, idleTimeout);
            checkArgument(maxQueuedBytes >= maxMessageSize, "maxQueuedBytes %s must be at least maxMessageSize %s",
                    maxQueuedBytes, maxMessageSize);
            // Twice: one maximum message always has room to become deliverable while others wait.
            checkArgument(reassemblyBytesPerPeer >= 2L * maxMessageSize,
                    "reassemblyBytesPerPeer %s must be at least twice maxMessageSize %s", reassemblyBytesPerPeer,
                    maxMessageSize);
            checkArgument(reassemblyBytesTotal >= reassemblyBytesPerPeer,
                    "reassemblyBytesTotal %s must be at least reassemblyBytesPerPeer %s", reassemblyBytesTotal,
                    reassemblyBytesPerPeer);
            int room = maxDatagramSize - protection.overhead() - WireFormat.MAX_HEADER_LENGTH
                    - WireWriter.MAX_DATA_OVERHEAD - ACK_RESERVE;
            checkArgument(room >= 256, "maxDatagramSize %s leaves %s bytes per fragment after a protection overhead "
                    + "of %s; need at least 256", maxDatagramSize, room, protection.overhead());
            return new EngineConfig(this);
        }

        private static Duration positive(Duration value, Duration max, String name) {
            checkNotNull(value, name);
            checkArgument(!value.isNegative() && !value.isZero() && value.compareTo(max) <= 0,
                    "%s must be positive and at most %s: %s", name, max, value);
            return value;
        }
    }
}
