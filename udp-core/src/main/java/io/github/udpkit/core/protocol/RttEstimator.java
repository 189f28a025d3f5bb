package io.github.udpkit.core.protocol;

/**
 * Round-trip time estimation and the probe timeout of RFC 9002: SRTT and RTTVAR from samples
 * (RFC 6298's filters), PTO = SRTT + max(G, 4 RTTVAR) + the peer's ACK delay allowance, clamped to
 * a floor and a ceiling, grown by half per back-off. Samples are never ambiguous (a
 * retransmission travels in a new packet with a new number), which is Karn's rule by
 * construction. The reported ACK delay is subtracted from a sample when what remains is not below
 * the smallest RTT seen (RFC 9002).
 */
final class RttEstimator {
    static final long GRANULARITY = 1_000_000; // 1 ms
    static final int MAX_BACKOFF = 8;
    static final int MAX_BACKOFF_UNMEASURED = 2;
    /**
     * Queueing delay below this is not taken for a queue: the smoothed round trip of a LAN or
     * loopback path wanders by tens of microseconds with the scheduling of the hosts' threads. A
     * full socket buffer on loopback holds a fraction of a millisecond (with 1 ms, the engine
     * overflowed a loopback proxy's buffer, losing 7 % of its datagrams there; with 250 µs, about
     * 1 %, as NewReno does), a congested router milliseconds.
     */
    static final long QUEUE_DELAY = 250_000; // 250 µs

    private final long initialRto;
    private final long minRto;
    private final long maxRto;
    private final long ackDelayAllowance;
    private boolean hasSample;
    private long smoothed;
    private long variance;
    private long minRtt;
    private long latest;
    /**
     * The round trip of the path alone, for {@link #queued}: samples less the ACK delay the peer
     * reported, smoothed as SRTT is, and the smallest of them. SRTT and minRTT mix in the peer's
     * delayed ACKs: a sample acknowledged at once after several delayed ones looked like a queue
     * of milliseconds draining.
     */
    private long pathSmoothed;
    private long pathMin;

    RttEstimator(long initialRto, long minRto, long maxRto, long ackDelayAllowance) {
        this.initialRto = initialRto;
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.ackDelayAllowance = ackDelayAllowance;
    }

    void sample(long rtt, long ackDelay) {
        rtt = Math.max(rtt, 1);
        latest = rtt;
        long path = Math.max(1, rtt - Math.max(0, ackDelay));
        if (!hasSample) {
            hasSample = true;
            minRtt = rtt;
            smoothed = rtt;
            variance = rtt / 2;
            pathSmoothed = path;
            pathMin = path;
            return;
        }
        pathMin = Math.min(pathMin, path);
        pathSmoothed = (7 * pathSmoothed + path) / 8;
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

    /** The mean deviation of the round trip (RFC 9002's rttvar). */
    long variation() {
        return variance;
    }

    long latest() {
        return latest;
    }

    /**
     * The probe timeout of RFC 9002 (a tail-loss probe, RFC 8985) before back-off:
     * {@code SRTT + max(4 RTTVAR, G) + ackDelay}, at least {@code minRto} and at most
     * {@code maxRto}; {@code initialRto} before the first sample.
     */
    long probeTimeout() {
        if (!hasSample) {
            return initialRto;
        }
        long pto = smoothed + Math.max(GRANULARITY, 4 * variance) + ackDelayAllowance;
        return Math.max(minRto, Math.min(maxRto, pto));
    }

    /**
     * The probe timeout after {@code probes} consecutive expiries with no acknowledgement: grown
     * by half for each (KCP's no-delay back-off, where TCP doubles), at most
     * {@value #MAX_BACKOFF} times (about 26-fold), and never above {@code maxRto}. Doubling
     * without a bound, as TCP does, reached the ceiling after a handful of losses in a row: under
     * loss in bursts of both data and acknowledgements a conversation spent most of its time
     * waiting, and could reach its idle timeout or delivery deadline on a path that worked.
     * Bounded, a peer that is gone costs two small probes every 26 probe timeouts until the
     * deadline, the retry limit or the idle timeout ends it.
     *
     * <p>Before the first sample the timeout is {@code initialRto}, already far longer than the
     * round trip of most paths, and grows at most {@value #MAX_BACKOFF_UNMEASURED} times (to
     * 2.25-fold): backing it off to 10 s left a conversation whose first datagrams met a burst of
     * loss a handful of tries in its first 30 s.
     */
    long probeTimeout(int probes) {
        long pto = probeTimeout();
        int growths = Math.min(probes, hasSample ? MAX_BACKOFF : MAX_BACKOFF_UNMEASURED);
        for (int i = 0; i < growths && pto < maxRto; i++) {
            pto += pto >> 1;
        }
        return Math.min(pto, maxRto);
    }

    /**
     * How long losses must span, with nothing acknowledged in between, to be persistent
     * congestion (RFC 9002 section 7.6): three probe timeouts, without back-off or floor.
     */
    long persistentCongestionDuration() {
        return 3 * (smoothed + Math.max(GRANULARITY, 4 * variance) + ackDelayAllowance);
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

    /**
     * The bytes of a window of {@code window} bytes that wait in queues on the path, as TCP Vegas
     * and Veno estimate it: {@code window × (RTT − minRTT) / RTT}, with the path's round trips
     * net of the reported ACK delays; none while the queueing delay {@code RTT − minRTT} is below
     * {@value #QUEUE_DELAY} ns, and the whole window before the first sample, when nothing is known.
     */
    long queued(long window) {
        if (!hasSample) {
            return window;
        }
        long queueing = pathSmoothed - pathMin;
        if (queueing < QUEUE_DELAY) {
            return 0;
        }
        return (long) (window * ((double) queueing / pathSmoothed));
    }

    long minRtt() {
        return minRtt;
    }
}
