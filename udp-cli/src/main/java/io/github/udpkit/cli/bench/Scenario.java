package io.github.udpkit.cli.bench;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;
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
        /** A thread blocks in the system call (or on the library's queue) until a message arrives. */
        BLOCKING("blocking"),
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
    private final OneWayFactory oneWay;
    private final RoundTripFactory roundTrip;

    private Scenario(String key, Kind kind, String mode, Wait wait, int payloadBytes, boolean baseline,
                     boolean lossless, int maxDatagramBytes, OneWayFactory oneWay, RoundTripFactory roundTrip) {
        Objects.requireNonNull(key, "key");
        checkArgument(KEY.matcher(key).matches(), "key must be lower-case letters, digits and dashes: %s", key);
        checkArgument(!mode.isBlank(), "mode must not be blank");
        checkArgument(payloadBytes >= Stamp.LENGTH && payloadBytes <= 65_507,
                "payloadBytes must be in %s..65507: %s", Stamp.LENGTH, payloadBytes);
        this.key = key;
        this.kind = kind;
        this.mode = mode;
        this.wait = Objects.requireNonNull(wait, "wait");
        this.payloadBytes = payloadBytes;
        this.baseline = baseline;
        this.lossless = lossless;
        this.maxDatagramBytes = maxDatagramBytes;
        this.oneWay = oneWay;
        this.roundTrip = roundTrip;
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
        return new Scenario(key, Kind.THROUGHPUT, Objects.requireNonNull(mode, "mode"), wait, payloadBytes, false,
                false, 0, Objects.requireNonNull(factory, "factory"), null);
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
        return new Scenario(key, Kind.ROUND_TRIP, Objects.requireNonNull(mode, "mode"), wait, payloadBytes, false,
                false, 0, null, Objects.requireNonNull(factory, "factory"));
    }

    /**
     * This scenario as a baseline: the rows of the same kind and size (and, for round trips, the same
     * wait) are compared against it.
     *
     * @return a baseline copy
     */
    public Scenario asBaseline() {
        return new Scenario(key, kind, mode, wait, payloadBytes, true, lossless, maxDatagramBytes, oneWay, roundTrip);
    }

    /**
     * This scenario as one whose transport delivers every message (TCP, a reliable mode): after
     * each throughput round the benchmark waits, boundedly, until every sent message has arrived,
     * rather than until the stream goes quiet, and what is still missing then counts as loss.
     *
     * @return a lossless copy
     */
    public Scenario asLossless() {
        return new Scenario(key, kind, mode, wait, payloadBytes, baseline, true, maxDatagramBytes, oneWay, roundTrip);
    }

    /**
     * This scenario with the largest datagram its subject was configured to send stated, for the
     * report (a protocol that packs or fragments messages: how large its datagrams may grow).
     *
     * @param bytes the configured limit on a datagram's UDP payload, 1..65507
     * @return a copy that states it
     */
    public Scenario withMaxDatagramBytes(int bytes) {
        checkArgument(bytes >= 1 && bytes <= 65_507, "maxDatagramBytes must be in 1..65507: %s", bytes);
        return new Scenario(key, kind, mode, wait, payloadBytes, baseline, lossless, bytes, oneWay, roundTrip);
    }

    /**
     * The id that {@code --scenario} filters match: key, kind (with the wait for round trips) and
     * payload size, such as {@code udpkit-raw.throughput.64} or {@code tcp.rtt-busy-spin.64}.
     *
     * @return the id
     */
    public String id() {
        String what = kind == Kind.THROUGHPUT ? "throughput" : "rtt-" + wait.label();
        return key + "." + what + "." + payloadBytes;
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

    /**
     * Whether {@code other} is the baseline this row is compared against: a baseline of the same
     * kind and payload size, with the same wait for round trips.
     *
     * @param other a scenario
     * @return whether it is this row's baseline
     */
    public boolean isBaselineFor(Scenario other) {
        return baseline && kind == other.kind && payloadBytes == other.payloadBytes
                && (kind == Kind.THROUGHPUT || wait == other.wait);
    }

    OneWay openOneWay(SequenceCounter counter) throws Exception {
        return oneWay.open(counter);
    }

    RoundTrip openRoundTrip() throws Exception {
        return roundTrip.open();
    }

    @Override
    public String toString() {
        return id();
    }
}
