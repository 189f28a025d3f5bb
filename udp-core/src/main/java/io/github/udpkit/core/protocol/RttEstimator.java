package io.github.udpkit.core.protocol;

/**
 * Round-trip time estimation and the retransmission timeout of RFC 6298: SRTT and RTTVAR from
 * samples, RTO = SRTT + max(G, 4 RTTVAR) + the peer's ACK delay allowance, clamped to a floor and a
 * ceiling, doubled per back-off. Samples are never ambiguous (a retransmission travels in a new
 * packet with a new number), which is Karn's rule by construction. The reported ACK delay is
 * subtracted from a sample when what remains is not below the smallest RTT seen (RFC 9002).
 */
final class RttEstimator {
    static final long GRANULARITY = 1_000_000; // 1 ms

    private final long initialRto;
    private final long minRto;
    private final long maxRto;
    private final long ackDelayAllowance;
    private boolean hasSample;
    private long smoothed;
    private long variance;
    private long minRtt;
    private long latest;

    RttEstimator(long initialRto, long minRto, long maxRto, long ackDelayAllowance) {
        this.initialRto = initialRto;
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.ackDelayAllowance = ackDelayAllowance;
    }

    void sample(long rtt, long ackDelay) {
        rtt = Math.max(rtt, 1);
        latest = rtt;
        if (!hasSample) {
            hasSample = true;
            minRtt = rtt;
            smoothed = rtt;
            variance = rtt / 2;
            return;
        }
        minRtt = Math.min(minRtt, rtt);
        long adjusted = rtt - ackDelay >= minRtt ? rtt - ackDelay : rtt;
        variance = (3 * variance + Math.abs(smoothed - adjusted)) / 4;
        smoothed = (7 * smoothed + adjusted) / 8;
    }

    boolean hasSample() {
        return hasSample;
    }

    long smoothed() {
        return smoothed;
    }

    long latest() {
        return latest;
    }

    /** The timeout before back-off. */
    long rto() {
        if (!hasSample) {
            return initialRto;
        }
        long rto = smoothed + Math.max(GRANULARITY, 4 * variance) + ackDelayAllowance;
        return Math.max(minRto, Math.min(maxRto, rto));
    }

    /** The timeout after {@code backoff} consecutive expiries, doubled each time up to the ceiling. */
    long rto(int backoff) {
        long rto = rto();
        for (int i = 0; i < backoff && rto < maxRto; i++) {
            rto <<= 1;
        }
        return Math.min(rto, maxRto);
    }

    /**
     * The probe timeout of RFC 9002 (a tail-loss probe, RFC 8985): SRTT + max(4 RTTVAR, G) + the
     * ACK delay allowance, doubled per probe, with no floor other than the granularity. It asks
     * the peer for an ACK long before the retransmission timeout declares anything lost.
     */
    long probeTimeout(int probes) {
        long pto = hasSample ? smoothed + Math.max(GRANULARITY, 4 * variance) + ackDelayAllowance : initialRto;
        for (int i = 0; i < probes && pto < maxRto; i++) {
            pto <<= 1;
        }
        return Math.min(pto, maxRto);
    }

    /**
     * How long after it was sent a packet below the largest acknowledged one is considered lost:
     * RFC 9002's 9/8 RTT, or, once the path was seen to reorder, the RTT plus a reordering window
     * of {@code reorderMultiplier × minRtt / 4}, at most one SRTT (RFC 8985), if that is longer.
     *
     * @param reorderMultiplier 0 while no reordering was seen; see {@link Reordering}
     */
    long lossDelay(int reorderMultiplier) {
        long rtt = Math.max(smoothed, latest);
        long delay = rtt + (rtt >> 3);
        if (reorderMultiplier > 0) {
            long window = Math.min(reorderMultiplier * (minRtt / 4), smoothed + 4 * variance);
            delay = Math.max(delay, rtt + window);
        }
        return Math.max(delay, GRANULARITY);
    }

    long minRtt() {
        return minRtt;
    }
}
