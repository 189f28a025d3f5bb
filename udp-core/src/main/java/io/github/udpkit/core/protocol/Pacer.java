package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.Engine.NO_DEADLINE;

/**
 * Pacing (RFC 9002 section 7.7), as quinn-proto's {@code pacing.rs}: a token bucket in bytes,
 * filled at {@value #GAIN_NUMERATOR}/{@value #GAIN_DENOMINATOR} of the congestion window per
 * smoothed round trip, holding at most a burst of about {@link #BURST_INTERVAL_NANOS} of that rate
 * (at least {@value #MIN_BURST_DATAGRAMS} datagrams, at most {@value #MAX_BURST_DATAGRAMS}).
 * Without it a connection sends a window's worth at once whenever an ACK opens the window, and a
 * bottleneck with a shallow buffer drops the tail of every such burst.
 *
 * <p>The gain (RFC 9002's N = 1.25) lets the window be used up within a round trip despite
 * timer granularity, so pacing alone never limits a flow below its window. No allocation: two
 * numbers, updated in place.
 */
final class Pacer {
    /** RFC 9002's N, 1.25, as a fraction. */
    static final int GAIN_NUMERATOR = 5;
    static final int GAIN_DENOMINATOR = 4;
    /** The burst a connection may send at once after a pause: this much of its rate. */
    static final long BURST_INTERVAL_NANOS = 2_000_000L;
    static final int MIN_BURST_DATAGRAMS = 2;
    static final int MAX_BURST_DATAGRAMS = 64;

    /** Bytes that may be sent now. */
    private double tokens;
    private long lastRefill;

    Pacer(long now) {
        this.lastRefill = now;
        this.tokens = Double.MAX_VALUE; // full until the first refill caps it to the burst
    }

    /**
     * When a datagram of {@code size} bytes may leave: {@code now}, or the time the bucket holds
     * enough for it.
     *
     * @param window the congestion window, in bytes
     * @param smoothedRtt the smoothed round-trip time (or the initial one), in nanoseconds
     * @param datagram the datagram size in use, for the burst bounds
     */
    long nextSendTime(long now, int size, long window, long smoothedRtt, int datagram) {
        long rtt = Math.max(1, smoothedRtt);
        refill(now, window, rtt, datagram);
        if (tokens >= size) {
            return now;
        }
        // Nanoseconds until the missing bytes are in: missing * rtt / (window * gain), rounded up.
        double rate = (double) window * GAIN_NUMERATOR / GAIN_DENOMINATOR / rtt;
        long wait = (long) Math.ceil((size - tokens) / rate);
        return now + Math.max(1, wait) >= now ? now + Math.max(1, wait) : NO_DEADLINE;
    }

    /** A paced datagram of {@code size} bytes went out. */
    void onSent(int size) {
        tokens -= size;
    }

    private void refill(long now, long window, long rtt, int datagram) {
        long elapsed = now - lastRefill;
        lastRefill = now;
        long capacity = Math.min(Math.max(burst(window, rtt), (long) MIN_BURST_DATAGRAMS * datagram),
                (long) MAX_BURST_DATAGRAMS * datagram);
        if (elapsed > 0) {
            double added = (double) elapsed * window * GAIN_NUMERATOR / GAIN_DENOMINATOR / rtt;
            tokens = Math.min(capacity, tokens + added);
        } else {
            tokens = Math.min(tokens, capacity);
        }
    }

    private static long burst(long window, long rtt) {
        return (long) ((double) window * BURST_INTERVAL_NANOS / rtt);
    }
}
