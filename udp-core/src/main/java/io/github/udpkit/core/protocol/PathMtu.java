package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.Engine.NO_DEADLINE;

/**
 * Datagram packetization layer path MTU discovery (DPLPMTUD, RFC 8899) for one path, as
 * quinn-proto's {@code mtud.rs}: which datagram size the path carries, and when to probe for a
 * larger one. It decides; the {@link Connection} sends the probes (a PING padded to
 * {@link #probeSize()}) and reports what became of them and of its other datagrams.
 *
 * <p>The search starts at the base size, known to fit (RFC 8899's BASE_PLPMTU), tries the common
 * sizes of Ethernet and jumbo frames, then halves the interval between the largest size
 * acknowledged and the smallest size that failed (at first the ceiling plus one) until they meet. A probe lost {@value #MAX_PROBES} times in a row means
 * the size is too big (MAX_PROBES); its loss says nothing about congestion, so probes are not
 * counted in flight and their loss never touches the congestion window. A search that has
 * converged is run again after {@link #RAISE_INTERVAL_NANOS} (PMTU_RAISE_TIMER), in case the
 * path grew. A black hole (the path no longer carries the size in use) shows as
 * {@value #BLACK_HOLE_LOSSES} losses of datagrams larger than the base with none of them
 * acknowledged in between: the size falls back to the base and the search starts again.
 *
 * <p>No allocation: a handful of longs and ints, updated in place.
 */
final class PathMtu {
    /** Probes of one size lost in a row before the size is taken as too big (RFC 8899 MAX_PROBES). */
    static final int MAX_PROBES = 3;
    /** How long a converged search rests before it runs again (RFC 8899 PMTU_RAISE_TIMER, 600 s). */
    static final long RAISE_INTERVAL_NANOS = 600_000_000_000L;
    /**
     * Losses of datagrams larger than the base, with no such datagram acknowledged in between,
     * that are taken as a black hole. Random loss of 10 % makes six in a row once in a million
     * such losses; a path that shrank loses every one of them, and is detected after six.
     */
    static final int BLACK_HOLE_LOSSES = 6;
    /**
     * Sizes tried before halving (RFC 8899 section 5.3.2 allows a table of likely values): the
     * UDP payload of an Ethernet frame and of a jumbo frame. Most paths are one of the two, and
     * finding either at once costs no lost probes.
     */
    private static final int[] COMMON_SIZES = {1472, 8972};

    private final int base;
    private final int ceiling;
    /** The size in use: the largest acknowledged so far (the base until a probe is). */
    private int current;
    /** The smallest size known too big, or the ceiling plus one. */
    private int tooBig;
    /** The size of the probe in flight, or being tried; 0 when the search rests. */
    private int probeSize;
    /** The probe in flight, or -1. */
    private long probePacket = -1;
    private long probeSentAt;
    /** Losses of the current probe size so far. */
    private int failures;
    /** When the next probe may go out, or (the search resting) when the search runs again. */
    private long nextProbeAt;
    private int largeLosses;

    /**
     * @param base the size every path carries, where the search starts
     * @param ceiling the largest size to probe for
     * @param now when the path was opened: the first probe may go out at once
     */
    PathMtu(int base, int ceiling, long now) {
        this.base = base;
        this.ceiling = Math.max(base, ceiling);
        this.current = base;
        this.tooBig = this.ceiling + 1;
        nextProbeSize(now);
    }

    /** The largest datagram to send on the path now, in bytes. */
    int current() {
        return current;
    }

    /** The size of the next probe to send. */
    int probeSize() {
        return probeSize;
    }

    /**
     * Whether a probe should go out, as soon as the congestion window allows: a search is on and
     * no probe is in flight.
     */
    boolean wantsProbe() {
        return probeSize != 0 && probePacket < 0;
    }

    /**
     * When the path next needs its timer: the loss deadline of the probe in flight, or, the
     * search resting, when it runs again. {@link Engine#NO_DEADLINE} while a probe waits to be sent
     * (the connection sends it when the window allows, no timer needed).
     *
     * @param probeTimeout how long a probe may go unanswered before it counts as lost (RFC 9002's PTO)
     */
    long deadline(long probeTimeout) {
        if (probePacket >= 0) {
            return probeSentAt + probeTimeout;
        }
        return probeSize == 0 ? nextProbeAt : NO_DEADLINE;
    }

    /** A probe of {@link #probeSize()} went out as packet {@code packetNumber}. */
    void onProbeSent(long packetNumber, long now) {
        probePacket = packetNumber;
        probeSentAt = now;
    }

    /** When the probe in flight was sent. */
    long probeSentAt() {
        return probeSentAt;
    }

    /** The packet number of the probe in flight, or -1. */
    long probePacket() {
        return probePacket;
    }

    /** The probe in flight was acknowledged: its size fits the path. */
    void onProbeAcked(long now) {
        current = probeSize;
        probePacket = -1;
        failures = 0;
        largeLosses = 0;
        nextProbeSize(now);
    }

    /**
     * The timer of {@link #deadline} fired: the probe in flight is lost (a third loss makes its
     * size too big), or a resting search starts again.
     */
    void onTimeout(long now) {
        if (probePacket >= 0) {
            probePacket = -1;
            if (++failures >= MAX_PROBES) {
                tooBig = probeSize;
                failures = 0;
            }
            nextProbeSize(now);
            return;
        }
        if (probeSize == 0 && now >= nextProbeAt) {
            tooBig = ceiling + 1; // the path may have grown
            nextProbeSize(now);
        }
    }

    /** A datagram of {@code size} bytes was acknowledged. */
    void onAcked(int size) {
        if (size > base) {
            largeLosses = 0;
        }
    }

    /**
     * A datagram of {@code size} bytes was declared lost. Too many large ones in a row are a black
     * hole: fall back to the base and search again.
     *
     * @return whether the size fell back
     */
    boolean onLost(int size, long now) {
        if (size <= base || current <= base || ++largeLosses < BLACK_HOLE_LOSSES) {
            return false;
        }
        largeLosses = 0;
        tooBig = current;
        current = base;
        probePacket = -1;
        failures = 0;
        nextProbeSize(now);
        return true;
    }

    /**
     * The conversation moved to another path (RFC 8899 section 5.2: a new path starts again): back
     * to the base, and a new search from it.
     */
    void onNewPath(long now) {
        current = base;
        tooBig = ceiling + 1;
        probePacket = -1;
        failures = 0;
        largeLosses = 0;
        nextProbeSize(now);
    }

    /**
     * The next probe: the midpoint of the interval still open, at once; or, when the interval is
     * closed, none (size 0) until the raise timer.
     */
    private void nextProbeSize(long now) {
        if (tooBig - current <= 1) {
            probeSize = 0;
            nextProbeAt = now + RAISE_INTERVAL_NANOS;
            return;
        }
        probeSize = current + (tooBig - current) / 2;
        for (int common : COMMON_SIZES) {
            if (common > current && common < tooBig) {
                probeSize = common;
                break;
            }
        }
        nextProbeAt = now;
    }
}
