package io.github.udpkit.core.transport;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Decides what the network does to each datagram of one direction of a link, following an
 * {@link Impairments} model: drops it, delivers it, or delivers it twice, each copy possibly
 * corrupted and delayed. Made by {@link Impairments#newImpairer(long)}.
 *
 * <p>An impairer is stateful (its random stream, the burst-loss state, its counters) and not
 * thread-safe: confine it to one thread, as the simulated network, the lossy proxy and an
 * endpoint's I/O thread do. Its fates depend only on the model's seed, the stream salt and the
 * sequence of calls (sizes and times), so a run replays exactly.
 *
 * @since 0.1.0
 */
public final class Impairer {

    /**
     * Receives the copies of a datagram that the network delivers.
     *
     * @since 0.1.0
     */
    @FunctionalInterface
    public interface Sink {
        /**
         * Takes one copy of a datagram, to be delivered after {@code delayNanos}.
         *
         * <p>The buffer holds the datagram between its position and limit, and is valid only during
         * this call: an uncorrupted copy shares the caller's bytes and a corrupted one a scratch
         * array the impairer reuses. A sink may move the buffer's position and limit, but must not
         * write into it, and must copy the bytes to keep them.
         *
         * @param datagram the copy
         * @param delayNanos how long after the {@code apply} call the copy arrives; not negative
         */
        void deliver(ByteBuffer datagram, long delayNanos);
    }

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final Impairments model;
    private final SplittableRandom random;
    private final double enterBurst;
    private final double leaveBurst;
    private long originNanos;
    private boolean originSet;
    private boolean inBurst;
    private byte[] scratch = new byte[0];

    private long offered;
    private long delivered;
    private long lost;
    private long droppedByMtu;
    private long droppedByBlackout;
    private long duplicated;
    private long corrupted;
    private long reordered;
    private long delayed;

    Impairer(Impairments model, long streamSalt, long originNanos, boolean originSet) {
        this.model = model;
        this.random = new SplittableRandom(mix64(model.seed() ^ mix64(streamSalt + GOLDEN_GAMMA)));
        this.originNanos = originNanos;
        this.originSet = originSet;
        double rate = model.burstLoss();
        if (rate > 0) {
            this.leaveBurst = 1 / model.meanBurstLength();
            this.enterBurst = Math.min(1, rate * leaveBurst / (1 - rate));
            // Start in the stationary distribution, so the first datagrams see the configured rate.
            this.inBurst = random.nextDouble() < rate;
        } else {
            this.leaveBurst = 1;
            this.enterBurst = 0;
        }
    }

    /**
     * Decides the fate of one datagram sent at {@code nowNanos} and hands each delivered copy to
     * {@code sink}: not at all when it is lost, once, or twice when it is duplicated. The caller's
     * buffer is left as it was: neither its bytes nor its position or limit change.
     *
     * @param datagram the datagram, between its position and limit
     * @param nowNanos the current time, on the clock the impairer's origin was given on
     * @param sink receives the copies, synchronously, before this method returns
     */
    public void apply(ByteBuffer datagram, long nowNanos, Sink sink) {
        Objects.requireNonNull(datagram, "datagram");
        Objects.requireNonNull(sink, "sink");
        offered++;
        if (!originSet) {
            originNanos = nowNanos;
            originSet = true;
        }
        int length = datagram.remaining();
        int mtu = model.mtuOrZero();
        if (mtu > 0 && length > mtu) {
            droppedByMtu++;
            return;
        }
        if (inBlackout(nowNanos - originNanos)) {
            droppedByBlackout++;
            return;
        }
        boolean lose = false;
        if (enterBurst > 0) {
            // The Gilbert–Elliott chain moves one step per datagram offered to the link.
            inBurst = random.nextDouble() < (inBurst ? 1 - leaveBurst : enterBurst);
            lose = inBurst;
        }
        if (model.loss() > 0 && random.nextDouble() < model.loss()) {
            lose = true;
        }
        if (lose) {
            lost++;
            return;
        }
        int copies = 1;
        if (model.duplicate() > 0 && random.nextDouble() < model.duplicate()) {
            copies = 2;
            duplicated++;
        }
        for (int i = 0; i < copies; i++) {
            deliverCopy(datagram, length, sink);
        }
    }

    private void deliverCopy(ByteBuffer datagram, int length, Sink sink) {
        ByteBuffer copy;
        if (length > 0 && model.corrupt() > 0 && random.nextDouble() < model.corrupt()) {
            if (scratch.length < length) {
                scratch = new byte[length];
            }
            datagram.get(datagram.position(), scratch, 0, length);
            scratch[random.nextInt(length)] ^= (byte) (1 << random.nextInt(8));
            copy = ByteBuffer.wrap(scratch, 0, length);
            corrupted++;
        } else {
            copy = datagram.slice();
        }
        long delay = model.delayNanos;
        if (model.jitterNanos > 0) {
            delay += random.nextLong(model.jitterNanos + 1);
        }
        if (model.reorder() > 0 && random.nextDouble() < model.reorder()) {
            delay += model.reorderDelayNanos;
            reordered++;
        }
        if (delay > 0) {
            delayed++;
        }
        delivered++;
        sink.deliver(copy, delay);
    }

    private boolean inBlackout(long elapsedNanos) {
        long[] starts = model.blackoutStartNanos;
        long[] ends = model.blackoutEndNanos;
        for (int i = 0; i < starts.length; i++) {
            if (elapsedNanos >= starts[i] && elapsedNanos < ends[i]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The model this impairer follows.
     *
     * @return the model
     */
    public Impairments impairments() {
        return model;
    }

    /**
     * The datagrams offered to {@link #apply apply}.
     *
     * @return a count
     */
    public long offered() {
        return offered;
    }

    /**
     * The copies handed to sinks, duplicates included.
     *
     * @return a count
     */
    public long delivered() {
        return delivered;
    }

    /**
     * The datagrams dropped for any reason: loss, MTU or blackout.
     *
     * @return a count
     */
    public long dropped() {
        return lost + droppedByMtu + droppedByBlackout;
    }

    /**
     * The datagrams lost at random, independently or in bursts.
     *
     * @return a count
     */
    public long lost() {
        return lost;
    }

    /**
     * The datagrams dropped for being larger than the MTU.
     *
     * @return a count
     */
    public long droppedByMtu() {
        return droppedByMtu;
    }

    /**
     * The datagrams dropped because they were sent during a blackout.
     *
     * @return a count
     */
    public long droppedByBlackout() {
        return droppedByBlackout;
    }

    /**
     * The datagrams delivered twice (each counts once here).
     *
     * @return a count
     */
    public long duplicated() {
        return duplicated;
    }

    /**
     * The copies delivered with a flipped bit.
     *
     * @return a count
     */
    public long corrupted() {
        return corrupted;
    }

    /**
     * The copies held back by the reordering delay.
     *
     * @return a count
     */
    public long reordered() {
        return reordered;
    }

    /**
     * The copies delivered with a positive delay (latency, jitter or reordering).
     *
     * @return a count
     */
    public long delayed() {
        return delayed;
    }

    /**
     * A snapshot of every counter, to sum over impairers or hand to another thread.
     *
     * @return the counters now
     */
    public Counters counters() {
        return new Counters(offered, delivered, lost, droppedByMtu, droppedByBlackout, duplicated, corrupted,
                reordered, delayed);
    }

    /** Shows the model and what the impairer has done so far. */
    @Override
    public String toString() {
        return "Impairer[" + model + "; " + counters() + "]";
    }

    // Stafford's variant 13 of the MurmurHash3 finaliser: spreads salts that differ in few bits.
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * What one impairer (or, {@link #plus summed}, several) did to the datagrams offered to it.
     *
     * @param offered datagrams offered
     * @param delivered copies delivered, duplicates included
     * @param lost datagrams lost at random, independently or in bursts
     * @param droppedByMtu datagrams dropped for exceeding the MTU
     * @param droppedByBlackout datagrams dropped during a blackout
     * @param duplicated datagrams delivered twice
     * @param corrupted copies delivered with a flipped bit
     * @param reordered copies held back by the reordering delay
     * @param delayed copies delivered with a positive delay
     * @since 0.1.0
     */
    public record Counters(long offered, long delivered, long lost, long droppedByMtu, long droppedByBlackout,
                           long duplicated, long corrupted, long reordered, long delayed) {

        /** All zero. */
        public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0);

        /**
         * The datagrams dropped for any reason.
         *
         * @return {@code lost + droppedByMtu + droppedByBlackout}
         */
        public long dropped() {
            return lost + droppedByMtu + droppedByBlackout;
        }

        /**
         * Adds two snapshots, field by field.
         *
         * @param other the counters to add
         * @return the sum
         */
        public Counters plus(Counters other) {
            return new Counters(offered + other.offered, delivered + other.delivered, lost + other.lost,
                    droppedByMtu + other.droppedByMtu, droppedByBlackout + other.droppedByBlackout,
                    duplicated + other.duplicated, corrupted + other.corrupted, reordered + other.reordered,
                    delayed + other.delayed);
        }
    }
}
