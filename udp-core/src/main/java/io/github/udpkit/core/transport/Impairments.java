package io.github.udpkit.core.transport;

import static com.google.common.base.Preconditions.checkArgument;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.StringJoiner;

/**
 * What a network does to datagrams, as a seeded, immutable model: loss (independent and in
 * bursts), duplication, reordering, delay and jitter, corruption, an MTU and blackouts.
 *
 * <p>One {@code Impairments} describes a link; {@link #newImpairer(long)} makes the stateful engine
 * that decides the fate of each datagram in one direction. The same model drives udp-testkit's
 * simulated network, its lossy UDP proxy, and an endpoint's own send path, so a scenario can be
 * tried by hand and replayed in a test. Every random choice derives from {@link #seed()} and the
 * impairer's stream salt, so fates replay exactly.
 *
 * <p>Burst loss follows the Gilbert–Elliott two-state model: in the <em>bad</em> state every
 * datagram is lost, in the <em>good</em> state only the independent {@link #loss()} applies. The
 * transition probabilities are chosen so that the long-run fraction of datagrams in the bad state
 * is {@link #burstLoss()} and a stay in it lasts {@link #meanBurstLength()} datagrams on average.
 *
 * <pre>{@code
 * Impairments lossy = Impairments.builder()
 *         .burstLoss(0.30, 3)            // 30 % loss in bursts of 3
 *         .duplicate(0.05)
 *         .delay(Duration.ofMillis(20)).jitter(Duration.ofMillis(5))
 *         .seed(7)
 *         .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Impairments {

    /** The largest delay, jitter or reordering delay accepted: longer ones model no real network. */
    public static final Duration MAX_DELAY = Duration.ofHours(1);
    /** The latest end of a blackout window, measured from the impairer's origin. */
    public static final Duration MAX_BLACKOUT_END = Duration.ofDays(365);
    /** The most blackout windows one model may hold (they are scanned for every datagram). */
    public static final int MAX_BLACKOUTS = 1024;
    /** The largest MTU accepted: the largest datagram an IP packet can carry. */
    public static final int MAX_MTU = 65_535;

    private static final Impairments NONE = builder().build();

    private final double loss;
    private final double burstLoss;
    private final double meanBurstLength;
    private final double duplicate;
    private final double reorder;
    private final Duration reorderDelay;
    private final Duration delay;
    private final Duration jitter;
    private final double corrupt;
    private final int mtu;
    private final List<Blackout> blackouts;
    private final long seed;
    // Pre-computed for the per-datagram path.
    final long reorderDelayNanos;
    final long delayNanos;
    final long jitterNanos;
    final long[] blackoutStartNanos;
    final long[] blackoutEndNanos;

    private Impairments(Builder b) {
        this.loss = b.loss;
        this.burstLoss = b.burstLoss;
        this.meanBurstLength = b.meanBurstLength;
        this.duplicate = b.duplicate;
        this.reorder = b.reorder;
        this.reorderDelay = b.reorderDelay;
        this.delay = b.delay;
        this.jitter = b.jitter;
        this.corrupt = b.corrupt;
        this.mtu = b.mtu;
        this.blackouts = Collections.unmodifiableList(new ArrayList<>(b.blackouts));
        this.seed = b.seed;
        this.reorderDelayNanos = reorderDelay.toNanos();
        this.delayNanos = delay.toNanos();
        this.jitterNanos = jitter.toNanos();
        this.blackoutStartNanos = new long[blackouts.size()];
        this.blackoutEndNanos = new long[blackouts.size()];
        for (int i = 0; i < blackouts.size(); i++) {
            blackoutStartNanos[i] = blackouts.get(i).start().toNanos();
            blackoutEndNanos[i] = blackouts.get(i).end().toNanos();
        }
    }

    /**
     * The model that does nothing: every datagram is delivered once, intact and at once.
     *
     * @return the empty model, with seed 0
     */
    public static Impairments none() {
        return NONE;
    }

    /**
     * Starts a model with no impairment and seed 0.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder holding this model's settings, to derive a variant of it.
     *
     * @return a new builder initialised from this model
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.loss = loss;
        b.burstLoss = burstLoss;
        b.meanBurstLength = meanBurstLength;
        b.duplicate = duplicate;
        b.reorder = reorder;
        b.reorderDelay = reorderDelay;
        b.delay = delay;
        b.jitter = jitter;
        b.corrupt = corrupt;
        b.mtu = mtu;
        b.blackouts.addAll(blackouts);
        b.seed = seed;
        return b;
    }

    /**
     * Makes the engine that decides the fates of datagrams in one direction, with its blackout
     * windows measured from the time of its first {@link Impairer#apply apply} call.
     *
     * <p>Impairers made with the same salt from equal models decide the same fates for the same
     * sequence of calls; different salts (one per direction, say) give independent fates.
     *
     * @param streamSalt distinguishes this stream of fates from others made from the same seed
     * @return a new impairer, not thread-safe
     */
    public Impairer newImpairer(long streamSalt) {
        return new Impairer(this, streamSalt, 0L, false);
    }

    /**
     * Makes the engine that decides the fates of datagrams in one direction, with its blackout
     * windows measured from {@code originNanos} (on the same clock as the times passed to
     * {@link Impairer#apply apply}). Give both directions of a link the same origin, so that a
     * blackout cuts them at the same time.
     *
     * @param streamSalt distinguishes this stream of fates from others made from the same seed
     * @param originNanos the time blackout windows are measured from
     * @return a new impairer, not thread-safe
     */
    public Impairer newImpairer(long streamSalt, long originNanos) {
        return new Impairer(this, streamSalt, originNanos, true);
    }

    /**
     * Whether this model leaves every datagram alone (its seed aside), so a caller can skip it.
     *
     * @return true when no knob is set
     */
    public boolean isNone() {
        return loss == 0 && burstLoss == 0 && duplicate == 0 && reorder == 0 && delayNanos == 0
                && jitterNanos == 0 && corrupt == 0 && mtu == 0 && blackouts.isEmpty();
    }

    /**
     * The probability that a datagram is lost independently of every other.
     *
     * @return a probability in [0, 1)
     */
    public double loss() {
        return loss;
    }

    /**
     * The long-run fraction of datagrams lost in bursts (the Gilbert–Elliott bad state).
     *
     * @return a probability in [0, 1), 0 when burst loss is off
     */
    public double burstLoss() {
        return burstLoss;
    }

    /**
     * The mean number of consecutive datagrams a loss burst lasts.
     *
     * @return at least 1
     */
    public double meanBurstLength() {
        return meanBurstLength;
    }

    /**
     * The probability that a datagram is delivered twice.
     *
     * @return a probability in [0, 1]
     */
    public double duplicate() {
        return duplicate;
    }

    /**
     * The probability that a delivered copy is held back by {@link #reorderDelay()}, so that
     * datagrams sent after it overtake it.
     *
     * @return a probability in [0, 1]
     */
    public double reorder() {
        return reorder;
    }

    /**
     * The extra delay of a reordered copy.
     *
     * @return a non-negative duration, positive when {@link #reorder()} is
     */
    public Duration reorderDelay() {
        return reorderDelay;
    }

    /**
     * The delay every copy gets (the link's one-way latency).
     *
     * @return a non-negative duration
     */
    public Duration delay() {
        return delay;
    }

    /**
     * The bound of the uniformly random delay added to {@link #delay()} for each copy.
     *
     * @return a non-negative duration
     */
    public Duration jitter() {
        return jitter;
    }

    /**
     * The probability that a delivered copy has one random bit flipped.
     *
     * @return a probability in [0, 1]
     */
    public double corrupt() {
        return corrupt;
    }

    /**
     * The largest datagram, in bytes of UDP payload, that passes; larger ones are dropped.
     *
     * @return the MTU, or empty when there is no limit
     */
    public OptionalInt mtu() {
        return mtu == 0 ? OptionalInt.empty() : OptionalInt.of(mtu);
    }

    /**
     * The windows during which every datagram is dropped, in the order they were added.
     *
     * @return an unmodifiable list
     */
    public List<Blackout> blackouts() {
        return blackouts;
    }

    /**
     * The seed every random choice derives from.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    int mtuOrZero() {
        return mtu;
    }

    /**
     * Describes the knobs that are set, e.g. {@code "loss 10%, duplicate 5%, seed 7"}, for a
     * command line or a test report to print.
     */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ");
        if (loss > 0) {
            j.add("loss " + percent(loss));
        }
        if (burstLoss > 0) {
            j.add("burst loss " + percent(burstLoss) + " in bursts of " + number(meanBurstLength));
        }
        if (duplicate > 0) {
            j.add("duplicate " + percent(duplicate));
        }
        if (reorder > 0) {
            j.add("reorder " + percent(reorder) + " by +" + duration(reorderDelay));
        }
        if (delayNanos > 0 || jitterNanos > 0) {
            j.add("delay " + duration(delay) + (jitterNanos > 0 ? " +0.." + duration(jitter) : ""));
        }
        if (corrupt > 0) {
            j.add("corrupt " + percent(corrupt));
        }
        if (mtu > 0) {
            j.add("mtu " + mtu);
        }
        for (Blackout b : blackouts) {
            j.add("blackout " + duration(b.start()) + ".." + duration(b.end()));
        }
        if (j.length() == 0) {
            j.add("no impairments");
        }
        j.add("seed " + seed);
        return j.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Impairments)) {
            return false;
        }
        Impairments other = (Impairments) o;
        return Double.compare(loss, other.loss) == 0
                && Double.compare(burstLoss, other.burstLoss) == 0
                && Double.compare(meanBurstLength, other.meanBurstLength) == 0
                && Double.compare(duplicate, other.duplicate) == 0
                && Double.compare(reorder, other.reorder) == 0
                && reorderDelay.equals(other.reorderDelay)
                && delay.equals(other.delay)
                && jitter.equals(other.jitter)
                && Double.compare(corrupt, other.corrupt) == 0
                && mtu == other.mtu
                && blackouts.equals(other.blackouts)
                && seed == other.seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(loss, burstLoss, meanBurstLength, duplicate, reorder, reorderDelay, delay, jitter,
                corrupt, mtu, blackouts, seed);
    }

    private static String percent(double p) {
        return BigDecimal.valueOf(p).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }

    private static String number(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static String duration(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
    }

    /**
     * A window of time during which every datagram is dropped, as when a link goes down.
     *
     * @param start when the window opens, measured from the impairer's origin
     * @param length how long it lasts
     * @since 0.1.0
     */
    public record Blackout(Duration start, Duration length) {

        /** Checks that the window starts at or after the origin, lasts a while and ends in range. */
        public Blackout {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(length, "length");
            checkArgument(!start.isNegative(), "blackout start must not be negative: %s", start);
            checkArgument(!length.isNegative() && !length.isZero(), "blackout length must be positive: %s", length);
            checkArgument(start.compareTo(MAX_BLACKOUT_END) <= 0 && length.compareTo(MAX_BLACKOUT_END) <= 0
                            && start.plus(length).compareTo(MAX_BLACKOUT_END) <= 0,
                    "blackout must end within %s of the origin: %s + %s", MAX_BLACKOUT_END, start, length);
        }

        /**
         * When the window closes, measured from the impairer's origin.
         *
         * @return {@code start + length}
         */
        public Duration end() {
            return start.plus(length);
        }
    }

    /**
     * Builds an {@link Impairments}; every setter checks its arguments at once.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private double loss;
        private double burstLoss;
        private double meanBurstLength = 1;
        private double duplicate;
        private double reorder;
        private Duration reorderDelay = Duration.ZERO;
        private Duration delay = Duration.ZERO;
        private Duration jitter = Duration.ZERO;
        private double corrupt;
        private int mtu;
        private final List<Blackout> blackouts = new ArrayList<>();
        private long seed;

        private Builder() {
        }

        /**
         * Sets the probability that a datagram is lost independently of every other.
         *
         * @param probability in [0, 1)
         * @return this builder
         */
        public Builder loss(double probability) {
            checkArgument(probability >= 0 && probability < 1, "loss must be in [0, 1): %s", probability);
            this.loss = probability;
            return this;
        }

        /**
         * Sets loss in bursts (Gilbert–Elliott): in the long run a fraction {@code rate} of datagrams
         * falls in bursts lasting {@code meanBurstLength} datagrams on average. "30 % loss in bursts
         * of 3" is {@code burstLoss(0.30, 3)}. Independent {@link #loss(double) loss} applies on top.
         *
         * @param rate the long-run fraction lost in bursts, in [0, 1)
         * @param meanBurstLength the mean burst length in datagrams, at least 1; a rate of at most
         *     {@code meanBurstLength / (meanBurstLength + 1)} is reachable
         * @return this builder
         */
        public Builder burstLoss(double rate, double meanBurstLength) {
            checkArgument(rate >= 0 && rate < 1, "burst loss must be in [0, 1): %s", rate);
            checkArgument(meanBurstLength >= 1 && meanBurstLength <= 1_000_000,
                    "mean burst length must be in [1, 1000000]: %s", meanBurstLength);
            // With a stay in the bad state of mean L, leaving it has probability 1/L; entering it
            // must then have probability rate / ((1 - rate) * L), which may not exceed 1.
            checkArgument(rate <= meanBurstLength / (meanBurstLength + 1),
                    "burst loss %s is unreachable with mean burst length %s (at most %s)",
                    rate, meanBurstLength, meanBurstLength / (meanBurstLength + 1));
            this.burstLoss = rate;
            this.meanBurstLength = meanBurstLength;
            return this;
        }

        /**
         * Sets the probability that a datagram is delivered twice.
         *
         * @param probability in [0, 1]
         * @return this builder
         */
        public Builder duplicate(double probability) {
            checkArgument(probability >= 0 && probability <= 1, "duplicate must be in [0, 1]: %s", probability);
            this.duplicate = probability;
            return this;
        }

        /**
         * Sets reordering: with {@code probability}, a copy is held back by {@code extraDelay} so
         * that datagrams sent after it overtake it.
         *
         * @param probability in [0, 1]
         * @param extraDelay positive when {@code probability} is, at most {@link #MAX_DELAY}
         * @return this builder
         */
        public Builder reorder(double probability, Duration extraDelay) {
            Objects.requireNonNull(extraDelay, "extraDelay");
            checkArgument(probability >= 0 && probability <= 1, "reorder must be in [0, 1]: %s", probability);
            checkDelay("reorder delay", extraDelay);
            checkArgument(probability == 0 || !extraDelay.isZero(),
                    "reorder delay must be positive when reordering (probability %s): %s", probability, extraDelay);
            this.reorder = probability;
            this.reorderDelay = extraDelay;
            return this;
        }

        /**
         * Sets the delay every copy gets: the link's one-way latency.
         *
         * @param delay in [0, {@link #MAX_DELAY}]
         * @return this builder
         */
        public Builder delay(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            checkDelay("delay", delay);
            this.delay = delay;
            return this;
        }

        /**
         * Sets jitter: each copy gets a further delay drawn uniformly from [0, jitter]. Jitter larger
         * than the gap between datagrams reorders them, as it does on real networks.
         *
         * @param jitter in [0, {@link #MAX_DELAY}]
         * @return this builder
         */
        public Builder jitter(Duration jitter) {
            Objects.requireNonNull(jitter, "jitter");
            checkDelay("jitter", jitter);
            this.jitter = jitter;
            return this;
        }

        /**
         * Sets the probability that a delivered copy has one random bit flipped.
         *
         * @param probability in [0, 1]
         * @return this builder
         */
        public Builder corrupt(double probability) {
            checkArgument(probability >= 0 && probability <= 1, "corrupt must be in [0, 1]: %s", probability);
            this.corrupt = probability;
            return this;
        }

        /**
         * Sets the largest datagram, in bytes of UDP payload, that passes; larger ones are dropped,
         * as a path with a small MTU and no fragmentation would.
         *
         * @param mtu in [1, {@link #MAX_MTU}]
         * @return this builder
         */
        public Builder mtu(int mtu) {
            checkArgument(mtu >= 1 && mtu <= MAX_MTU, "mtu must be in [1, %s]: %s", MAX_MTU, mtu);
            this.mtu = mtu;
            return this;
        }

        /**
         * Removes the MTU limit.
         *
         * @return this builder
         */
        public Builder noMtu() {
            this.mtu = 0;
            return this;
        }

        /**
         * Adds a window during which every datagram is dropped, measured from the impairer's origin.
         * A datagram's fate is decided when it is sent: one sent before the window opens still
         * arrives, however long its delay.
         *
         * @param start when the window opens, not negative
         * @param length how long it lasts, positive
         * @return this builder
         */
        public Builder blackout(Duration start, Duration length) {
            checkArgument(blackouts.size() < MAX_BLACKOUTS, "at most %s blackouts: %s", MAX_BLACKOUTS,
                    blackouts.size() + 1);
            blackouts.add(new Blackout(start, length));
            return this;
        }

        /**
         * Removes every blackout window added so far.
         *
         * @return this builder
         */
        public Builder clearBlackouts() {
            blackouts.clear();
            return this;
        }

        /**
         * Sets the seed every random choice derives from.
         *
         * @param seed any value
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the immutable model.
         *
         * @return the model
         */
        public Impairments build() {
            return new Impairments(this);
        }

        private static void checkDelay(String name, Duration d) {
            checkArgument(!d.isNegative() && d.compareTo(MAX_DELAY) <= 0, "%s must be in [0, %s]: %s", name,
                    MAX_DELAY, d);
        }
    }
}
