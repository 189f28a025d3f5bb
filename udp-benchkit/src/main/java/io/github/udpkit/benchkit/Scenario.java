package io.github.udpkit.benchkit;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import io.github.udpkit.api.Endpoint;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * One row of the comparison: what is measured (one-way throughput or round-trip latency), through
 * what (the mode, such as "udpkit RAW" or "TCP"), how the receiving side waits, at what message
 * size, and how to open it. Baseline rows are what every other row's ratio is taken against.
 *
 * @since 0.1.0
 */
public final class Scenario {

    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]*");
    /**
     * The transport of every row that does not say otherwise: the JDK's {@code DatagramChannel},
     * as {@link Endpoint#transport()} names it.
     */
    public static final String JDK_TRANSPORT = "jdk";

    /** What a scenario measures. */
    public enum Kind {
        /** Messages per second received one way, and loss. */
        THROUGHPUT("throughput"),
        /** Round-trip latency percentiles of a ping and its echo. */
        ROUND_TRIP("round-trip");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The name used in the table, the JSON and scenario ids. */
        public String label() {
            return label;
        }
    }

    /** How the receiving sides wait for the next message. */
    public enum Wait {
        /**
         * A thread blocks in the system call (or on the library's queue) until a message arrives,
         * at once: for udpkit, endpoints built {@code idleSpin(Duration.ZERO)}, whose I/O threads
         * sleep in the selector as soon as they are idle.
         */
        BLOCKING("blocking"),
        /**
         * udpkit's default: after recent traffic the I/O thread keeps polling its socket for a
         * while that adapts to the gaps it sees (at most {@code EndpointBuilder.DEFAULT_IDLE_SPIN}),
         * then blocks as {@link #BLOCKING} does. A round trip that waits so is compared with the
         * blocking baseline, what a plain program does; the busy-spin baseline is the other bound.
         */
        ADAPTIVE("adaptive"),
        /** Threads spin on non-blocking reads: lowest latency, a core each. */
        BUSY_SPIN("busy-spin");

        private final String label;

        Wait(String label) {
            this.label = label;
        }

        /** The name used in the table, the JSON and scenario ids. */
        public String label() {
            return label;
        }

        /**
         * The wait of the baseline a round trip that waits so is compared with: its own, except
         * that {@link #ADAPTIVE} is compared with {@link #BLOCKING}, as the plain program it
         * replaces blocks; no baseline polls adaptively.
         *
         * @return the baseline's wait
         */
        public Wait baselineWait() {
            return this == ADAPTIVE ? BLOCKING : this;
        }
    }

    /** Opens a one-way stream whose receiving side counts into the given counter. */
    @FunctionalInterface
    public interface OneWayFactory {
        /**
         * Opens the stream.
         *
         * @param counter where the receiving side counts messages
         * @return the open stream
         * @throws Exception if it cannot be opened
         */
        OneWay open(SequenceCounter counter) throws Exception;
    }

    /** Opens a one-way stream to many receivers that count what they receive themselves. */
    @FunctionalInterface
    public interface FanOutFactory {
        /**
         * Opens the stream and its receivers.
         *
         * @return the open stream
         * @throws Exception if it cannot be opened
         */
        FanOut open() throws Exception;
    }

    /** Opens a ping client and its echo server. */
    @FunctionalInterface
    public interface RoundTripFactory {
        /**
         * Opens the pair.
         *
         * @return the open pair
         * @throws Exception if it cannot be opened
         */
        RoundTrip open() throws Exception;
    }

    private final String key;
    private final Kind kind;
    private final String mode;
    private final Wait wait;
    private final int payloadBytes;
    private final boolean baseline;
    private final boolean lossless;
    private final int maxDatagramBytes;
    /** The key of the row this one is also compared with, or null. */
    private final String referenceKey;
    /** The transport the row runs on unless its opened stream says otherwise; see {@link #transport()}. */
    private final String transport;
    private final OneWayFactory oneWay;
    private final FanOutFactory fanOut;
    private final int receivers;
    private final RoundTripFactory roundTrip;

    private Scenario(String key, Kind kind, String mode, Wait wait, int payloadBytes, OneWayFactory oneWay,
                     FanOutFactory fanOut, int receivers, RoundTripFactory roundTrip) {
        Objects.requireNonNull(key, "key");
        checkArgument(KEY.matcher(key).matches(), "key must be lower-case letters, digits and dashes: %s", key);
        checkArgument(!mode.isBlank(), "mode must not be blank");
        checkArgument(payloadBytes >= Stamp.LENGTH && payloadBytes <= Endpoint.MAX_DATAGRAM_PAYLOAD,
                "payloadBytes must be in %s..%s: %s", Stamp.LENGTH, Endpoint.MAX_DATAGRAM_PAYLOAD, payloadBytes);
        checkArgument(receivers >= 1, "receivers must be positive: %s", receivers);
        this.key = key;
        this.kind = kind;
        this.mode = mode;
        this.wait = Objects.requireNonNull(wait, "wait");
        this.payloadBytes = payloadBytes;
        this.baseline = false;
        this.lossless = false;
        this.maxDatagramBytes = 0;
        this.referenceKey = null;
        this.transport = JDK_TRANSPORT;
        this.oneWay = oneWay;
        this.fanOut = fanOut;
        this.receivers = receivers;
        this.roundTrip = roundTrip;
    }

    /** A copy of {@code s} with the given report settings; what is measured and how stays the same. */
    private Scenario(Scenario s, boolean baseline, boolean lossless, int maxDatagramBytes, String referenceKey,
                     String transport) {
        this.key = s.key;
        this.kind = s.kind;
        this.mode = s.mode;
        this.wait = s.wait;
        this.payloadBytes = s.payloadBytes;
        this.baseline = baseline;
        this.lossless = lossless;
        this.maxDatagramBytes = maxDatagramBytes;
        this.referenceKey = referenceKey;
        this.transport = transport;
        this.oneWay = s.oneWay;
        this.fanOut = s.fanOut;
        this.receivers = s.receivers;
        this.roundTrip = s.roundTrip;
    }

    /**
     * A one-way throughput scenario.
     *
     * @param key a short lower-case name of the subject, the start of the id ({@code "udpkit-raw"})
     * @param mode what the table calls it ({@code "udpkit RAW"})
     * @param wait how the receiving side waits
     * @param payloadBytes the size of every message, at least {@link Stamp#LENGTH}
     * @param factory opens the stream
     * @return the scenario
     */
    public static Scenario throughput(String key, String mode, Wait wait, int payloadBytes, OneWayFactory factory) {
        return new Scenario(key, Kind.THROUGHPUT, Objects.requireNonNull(mode, "mode"), wait, payloadBytes,
                Objects.requireNonNull(factory, "factory"), null, 1, null);
    }

    /**
     * A one-way throughput scenario whose every message is delivered to many receivers (a chat
     * room's members), each counting what it receives: its rate and loss are per delivery, a
     * message counted once for every receiver it reached.
     *
     * @param key a short lower-case name of the subject, the start of the id
     * @param mode what the table calls it
     * @param wait how the receiving sides wait
     * @param payloadBytes the size of every message, at least {@link Stamp#LENGTH}
     * @param receivers how many receivers each message is delivered to, positive
     * @param factory opens the stream with that many receivers
     * @return the scenario
     */
    public static Scenario fanOut(String key, String mode, Wait wait, int payloadBytes, int receivers,
                                  FanOutFactory factory) {
        return new Scenario(key, Kind.THROUGHPUT, Objects.requireNonNull(mode, "mode"), wait, payloadBytes, null,
                Objects.requireNonNull(factory, "factory"), receivers, null);
    }

    /**
     * A round-trip latency scenario.
     *
     * @param key a short lower-case name of the subject, the start of the id
     * @param mode what the table calls it
     * @param wait how both sides wait
     * @param payloadBytes the size of the ping and its echo, at least {@link Stamp#LENGTH}
     * @param factory opens the client and its echo server
     * @return the scenario
     */
    public static Scenario roundTrip(String key, String mode, Wait wait, int payloadBytes, RoundTripFactory factory) {
        return new Scenario(key, Kind.ROUND_TRIP, Objects.requireNonNull(mode, "mode"), wait, payloadBytes, null,
                null, 1, Objects.requireNonNull(factory, "factory"));
    }

    /**
     * This scenario as a baseline: the rows of the same kind and size (and, for round trips, whose
     * wait's {@linkplain Wait#baselineWait() baseline wait} is this one's) are compared against it.
     *
     * @return a baseline copy
     * @throws IllegalStateException if this is a round trip that waits {@link Wait#ADAPTIVE}: no
     *         row would be compared with it
     */
    public Scenario asBaseline() {
        checkState(kind == Kind.THROUGHPUT || wait.baselineWait() == wait,
                "a round-trip baseline waits blocking or busy-spin, not %s: %s", wait.label(), id());
        return new Scenario(this, true, lossless, maxDatagramBytes, referenceKey, transport);
    }

    /**
     * This scenario as one whose transport delivers every message (TCP, a reliable mode): after
     * each throughput round the benchmark waits, boundedly, until every sent message has arrived,
     * rather than until the stream goes quiet, and what is still missing then counts as loss.
     *
     * @return a lossless copy
     */
    public Scenario asLossless() {
        return new Scenario(this, baseline, true, maxDatagramBytes, referenceKey, transport);
    }

    /**
     * This scenario with the largest datagram its subject was configured to send stated, for the
     * report (a protocol that packs or fragments messages: how large its datagrams may grow).
     *
     * @param bytes the configured limit on a datagram's UDP payload, 1..{@value Endpoint#MAX_DATAGRAM_PAYLOAD}
     * @return a copy that states it
     */
    public Scenario withMaxDatagramBytes(int bytes) {
        checkArgument(bytes >= 1 && bytes <= Endpoint.MAX_DATAGRAM_PAYLOAD, "maxDatagramBytes must be in 1..%s: %s",
                Endpoint.MAX_DATAGRAM_PAYLOAD, bytes);
        return new Scenario(this, baseline, lossless, bytes, referenceKey, transport);
    }

    /**
     * This scenario compared, besides with its baseline, with another row of the same kind and
     * size (and, for round trips, wait, which their ids name): the row it varies in one respect
     * (an encrypted row with the same row unencrypted, a pure-blocking throughput row with the
     * same row on udpkit's default wait). The run reports this row's figure over that row's as its
     * ratio to the reference, and choosing this row with {@code --scenario} runs the reference too.
     *
     * @param key the key of the reference row, not this row's own
     * @return a copy that names its reference
     */
    public Scenario withReference(String key) {
        Objects.requireNonNull(key, "key");
        checkArgument(KEY.matcher(key).matches(), "reference key must be lower-case letters, digits and dashes: %s", key);
        checkArgument(!key.equals(this.key), "a row cannot be its own reference: %s", key);
        return new Scenario(this, baseline, lossless, maxDatagramBytes, key, transport);
    }

    /**
     * This scenario on another transport than the JDK's {@code DatagramChannel}, as the report
     * names it ({@code "tcp"}, {@code "aeron"}, {@code "netty-nio"}). A row whose stream learns its
     * transport only when it opens (a udpkit endpoint, which chooses one) reports that instead
     * ({@link OneWay#transport()}); this is what a row that failed to open shows.
     *
     * @param name the transport's name, lower-case letters, digits and dashes
     * @return a copy that names it
     */
    public Scenario withTransport(String name) {
        Objects.requireNonNull(name, "name");
        checkArgument(KEY.matcher(name).matches(), "transport must be lower-case letters, digits and dashes: %s", name);
        return new Scenario(this, baseline, lossless, maxDatagramBytes, referenceKey, name);
    }

    /** The transport the row runs on, as declared ({@link #withTransport}); {@value #JDK_TRANSPORT} unless it says otherwise. */
    public String transport() {
        return transport;
    }

    /**
     * The id that {@code --scenario} filters match: key, kind (with the wait for round trips) and
     * payload size, such as {@code udpkit-raw.throughput.64} or {@code tcp.rtt-busy-spin.64}.
     *
     * @return the id
     */
    public String id() {
        return idOf(key);
    }

    private String idOf(String subject) {
        String what = kind == Kind.THROUGHPUT ? "throughput" : "rtt-" + wait.label();
        return subject + "." + what + "." + payloadBytes;
    }

    /** The subject's key, the start of the id. */
    public String key() {
        return key;
    }

    /** What is measured. */
    public Kind kind() {
        return kind;
    }

    /** What the table calls the thing measured. */
    public String mode() {
        return mode;
    }

    /** How the receiving sides wait. */
    public Wait waitMode() {
        return wait;
    }

    /** The size of every message, in bytes. */
    public int payloadBytes() {
        return payloadBytes;
    }

    /** Whether the other rows' ratios are taken against this one. */
    public boolean isBaseline() {
        return baseline;
    }

    /** Whether the transport delivers every message, so a round drains until all have arrived. */
    public boolean isLossless() {
        return lossless;
    }

    /** The configured limit on the subject's datagrams, if the scenario states one. */
    public OptionalInt maxDatagramBytes() {
        return maxDatagramBytes == 0 ? OptionalInt.empty() : OptionalInt.of(maxDatagramBytes);
    }

    /** How many receivers each message reaches: 1, or a fan-out's receivers. */
    public int receivers() {
        return receivers;
    }

    /** Whether this is a {@link #fanOut} scenario, whose stream counts its own deliveries. */
    public boolean isFanOut() {
        return fanOut != null;
    }

    /** The key of the row this one is also compared with, if it names one ({@link #withReference}). */
    public Optional<String> referenceKey() {
        return Optional.ofNullable(referenceKey);
    }

    /** The id of the row this one is also compared with, if it names one. */
    public Optional<String> referenceId() {
        return referenceKey().map(this::idOf);
    }

    /**
     * Whether this row is the reference {@code other} names: the row of that key with the same
     * kind and payload size, and for round trips the same wait; that row's id is
     * {@code other}'s {@link #referenceId()}.
     *
     * @param other a scenario
     * @return whether this is its reference
     */
    public boolean isReferenceFor(Scenario other) {
        return key.equals(other.referenceKey) && kind == other.kind && payloadBytes == other.payloadBytes
                && (kind == Kind.THROUGHPUT || wait == other.wait);
    }

    /**
     * Whether this row is the baseline {@code other} is compared against: a baseline of the same
     * kind and payload size; for round trips, one that waits as {@code other}'s
     * {@linkplain Wait#baselineWait() baseline wait} says (an adaptive round trip is compared with
     * the blocking baseline). Throughput baselines are compared with rows of any wait.
     *
     * @param other a scenario
     * @return whether this is its baseline
     */
    public boolean isBaselineFor(Scenario other) {
        return baseline && kind == other.kind && payloadBytes == other.payloadBytes
                && (kind == Kind.THROUGHPUT || wait == other.wait.baselineWait());
    }

    OneWay openOneWay(SequenceCounter counter) throws Exception {
        return oneWay.open(counter);
    }

    FanOut openFanOut() throws Exception {
        return fanOut.open();
    }

    RoundTrip openRoundTrip() throws Exception {
        return roundTrip.open();
    }

    @Override
    public String toString() {
        return id();
    }
}
