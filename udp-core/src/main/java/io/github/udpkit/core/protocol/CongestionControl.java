package io.github.udpkit.core.protocol;

/**
 * NewReno congestion control in bytes, after RFC 9002 section 7 and in the spirit of RFC 8085:
 * slow start from ten datagrams, halving on a congestion event at most once per round trip (a
 * recovery period starts at the event; losses of packets sent before it do not reduce the window
 * again), additive increase of one datagram per window, and collapse to the minimum of
 * {@value #MIN_WINDOW_DATAGRAMS} datagrams only on persistent congestion (RFC 9002 section 7.6):
 * a timeout alone sends probes and leaves the window as it is.
 *
 * <p>Not every loss is congestion. A loss is taken as congestion when the path shows a queue of
 * ours (a datagram or more, queued for a millisecond or more, estimated from the RTT as TCP Vegas
 * and Veno do: {@link RttEstimator#queued}) or when the recent loss rate exceeds the configured
 * tolerance ({@link EngineConfig#lossTolerance()}); otherwise it is random loss, which is
 * repaired without slowing down. NewReno at 10 % random loss holds the window at a few datagrams
 * (every round trip has a loss, so it halves every round trip); a bottleneck that is congested
 * queues before it drops, and is still met with halving; one with almost no buffer sees the
 * loss rate climb past the tolerance, and is met with halving then.
 */
final class CongestionControl {
    /**
     * The smallest window, in datagrams. RFC 9002 allows two; with four, a window at its floor
     * still gets three later packets acknowledged behind a lost one, so that the packet threshold
     * detects the loss in one round trip instead of waiting for the time threshold.
     */
    static final int MIN_WINDOW_DATAGRAMS = 4;

    /**
     * The loss rate is the mean fate of the last packets, about this many (an exponentially
     * weighted moving average; over the first ones, their plain mean). With 256, 20 % random loss
     * reads 20 ± 2 %, so that a tolerance of 25 % is not crossed by chance; with 16 it read up to
     * 33 %, and every crossing halved the window.
     */
    static final int LOSS_MEMORY = 256;

    private final int maxDatagram;
    private final double lossTolerance;
    private final long minWindow;
    private final long maxWindow;
    private final long initialWindow;
    private long window;
    private long slowStartThreshold = Long.MAX_VALUE;
    private long recoveryStart = Long.MIN_VALUE;
    /** The recent fraction of packets lost (see {@link #LOSS_MEMORY}). */
    private double lossRate;
    /** Packets acknowledged or lost so far, up to {@link #LOSS_MEMORY}. */
    private int lossSamples;

    CongestionControl(int maxDatagram, int maxInFlightDatagrams, double lossTolerance) {
        this.maxDatagram = maxDatagram;
        this.lossTolerance = lossTolerance;
        this.maxWindow = (long) maxInFlightDatagrams * maxDatagram;
        this.minWindow = Math.min(maxWindow, (long) MIN_WINDOW_DATAGRAMS * maxDatagram);
        this.initialWindow = Math.min(maxWindow, Math.min(10L * maxDatagram, Math.max(minWindow, 14_720)));
        this.window = initialWindow;
    }

    boolean canSend(long bytesInFlight) {
        return bytesInFlight < window;
    }

    void onAcked(long bytes, long sentAt) {
        lossSample(0);
        if (sentAt <= recoveryStart) {
            return;
        }
        if (window < slowStartThreshold) {
            window += bytes;
        } else {
            window += Math.max(1, maxDatagram * bytes / window);
        }
        window = Math.min(window, maxWindow);
    }

    /** One packet was declared lost. */
    void onLost() {
        lossSample(1);
    }

    private void lossSample(int lost) {
        if (lossSamples < LOSS_MEMORY) {
            lossSamples++;
        }
        lossRate += (lost - lossRate) / lossSamples;
    }

    /**
     * Packets were declared lost; the newest of them was sent at {@code sentAt}. They are
     * congestion if the path shows a queue, or if the loss rate exceeds the tolerance; else they
     * were random loss, and the window stays (slow start included).
     *
     * @param queueBytes the estimated bytes of ours queued on the path (TCP Vegas' and Veno's
     *     {@code window × (RTT − minRTT) / RTT})
     * @return whether the window was reduced (false inside a recovery period, or for random loss)
     */
    boolean onCongestionEvent(long sentAt, long now, long queueBytes) {
        if (sentAt <= recoveryStart) {
            return false;
        }
        if (queueBytes < maxDatagram && lossRate <= lossTolerance) {
            return false;
        }
        recoveryStart = now;
        window = Math.max(window / 2, minWindow);
        slowStartThreshold = window;
        return true;
    }

    /**
     * Everything sent over a long enough period was lost: start again from the minimum window, in
     * slow start up to the threshold the congestion event that came with it set.
     */
    void onPersistentCongestion(long now) {
        recoveryStart = now;
        if (slowStartThreshold == Long.MAX_VALUE) {
            slowStartThreshold = Math.max(window / 2, minWindow);
        }
        window = minWindow;
    }

    void reset() {
        lossRate = 0;
        lossSamples = 0;
        window = initialWindow;
        slowStartThreshold = Long.MAX_VALUE;
        recoveryStart = Long.MIN_VALUE;
    }

    long window() {
        return window;
    }
}
