package io.github.udpkit.core.protocol;

import io.github.udpkit.core.wire.AckRanges;
import java.util.Arrays;

/**
 * What one peer's path has shown of reordering, for loss detection that adapts to it (after RACK,
 * RFC 8985): until a packet is acknowledged after a later one, loss is declared by packet count
 * (3 later packets acknowledged) or time (9/8 of an RTT), as RFC 9002 does. Once reordering is
 * seen, the packet count no longer declares anything (a datagram overtaken by many is not lost),
 * and the time threshold widens by a reordering window of {@code multiplier × minRtt / 4}, at most
 * one smoothed RTT. A packet declared lost and then acknowledged anyway (a spurious loss: it was
 * only late) doubles the multiplier; sixteen loss recoveries without one set it back to 1.
 *
 * <p>RFC 8985 adds one to the multiplier per round trip with a spurious retransmission; doubling
 * adapts in a few steps to links whose reordering is large against their minimum RTT, and the
 * SRTT cap bounds what it can cost real losses: their detection waits at most one RTT more.
 */
final class Reordering {
    /** Packets declared lost that are remembered, to recognise their late acknowledgements. */
    static final int HISTORY = 16;
    static final int MAX_MULTIPLIER = 1024;
    static final int PERSIST = 16;

    /** Packet numbers declared lost, -1 for none; a ring, the oldest overwritten first. */
    private final long[] lost = new long[HISTORY];
    private int live;
    private int lostNext;
    private boolean seen;
    private int multiplier = 1;
    private int persist;

    Reordering() {
        Arrays.fill(lost, -1);
    }

    /** Whether reordering was seen: then the packet threshold is off. */
    boolean seen() {
        return seen;
    }

    /** The reordering window multiplier for {@link RttEstimator#lossDelay(int)}: 0 until reordering was seen. */
    int multiplier() {
        return seen ? multiplier : 0;
    }

    /** A packet was acknowledged after a later one had been: the path reorders. */
    void outOfOrder() {
        seen = true;
    }

    /** A packet was declared lost by the packet or time threshold; remember it, the oldest forgotten first. */
    void declaredLost(long packetNumber) {
        if (lost[lostNext] < 0) {
            live++;
        }
        lost[lostNext] = packetNumber;
        lostNext = (lostNext + 1) % HISTORY;
    }

    /** A loss recovery began: sixteen of them without a spurious loss end the widened window. */
    void recovery() {
        if (persist > 0 && --persist == 0) {
            multiplier = 1;
        }
    }

    /**
     * Checks an ACK for packets declared lost: each one it acknowledges was only late. Forgets
     * them, and widens the reordering window once for the ACK.
     *
     * @return how many spurious losses the ACK revealed
     */
    int spurious(AckRanges ranges) {
        if (live == 0) {
            return 0;
        }
        int found = 0;
        for (int i = 0; i < HISTORY; i++) {
            long pn = lost[i];
            if (pn >= 0 && acknowledges(ranges, pn)) {
                lost[i] = -1;
                live--;
                found++;
            }
        }
        if (found > 0) {
            seen = true;
            multiplier = Math.min(multiplier * 2, MAX_MULTIPLIER);
            persist = PERSIST;
        }
        return found;
    }

    private static boolean acknowledges(AckRanges ranges, long pn) {
        for (int r = 0; r < ranges.count(); r++) {
            if (pn > ranges.high(r)) {
                return false; // ranges run downwards
            }
            if (pn >= ranges.low(r)) {
                return true;
            }
        }
        return false;
    }
}
