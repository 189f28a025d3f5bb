package io.github.udpkit.core.protocol;

import io.github.udpkit.core.wire.AckRanges;
import io.github.udpkit.core.wire.WireFormat;
import java.util.Arrays;

/**
 * The packet numbers received from one peer: a sliding bitmap of the last {@value #WINDOW}
 * numbers that rejects duplicates (and, behind an authenticating protection, replays), and the
 * ranges to acknowledge, largest first, at most {@value #MAX_RANGES} of them.
 */
final class ReceivedPackets {
    static final int WINDOW = 1024;
    /**
     * As many as an ACK frame can carry. A whole window of datagrams arrives together and is
     * answered by one ACK: at 20 % loss, 160 datagrams leave about 32 gaps, and every range
     * forgotten made its packets count as lost (and be resent) though they had arrived.
     */
    static final int MAX_RANGES = WireFormat.MAX_ACK_RANGES + 1;
    static final int NEW = 0;
    static final int DUPLICATE = 1;
    static final int TOO_OLD = 2;

    private final long[] seen = new long[WINDOW / 64];
    private final long[] high = new long[MAX_RANGES + 1];
    private final long[] low = new long[MAX_RANGES + 1];
    private int rangeCount;
    /** Ranges at or below this number were dropped to stay within {@value #MAX_RANGES}; never re-add below it. */
    private long floor = -1;
    private long largest = -1;
    private long largestAt;

    /** Whether a packet number is new, a duplicate, or too old to tell (treated as a duplicate). */
    int classify(long packetNumber) {
        if (packetNumber > largest) {
            return NEW;
        }
        if (largest - packetNumber >= WINDOW) {
            return TOO_OLD;
        }
        return isSeen(packetNumber) ? DUPLICATE : NEW;
    }

    /** Whether a new packet number arrives in order (the next after the largest so far). */
    boolean isNext(long packetNumber) {
        return packetNumber == largest + 1;
    }

    /**
     * Records a packet as seen; if {@code ackable}, also as to be acknowledged (a packet whose
     * reliable frames were refused is seen, so its network duplicates are dropped, but not
     * acknowledged, so that its sender retransmits them).
     */
    void record(long packetNumber, boolean ackable, long now) {
        if (packetNumber > largest) {
            long d = packetNumber - largest;
            if (d >= WINDOW || largest < 0) {
                Arrays.fill(seen, 0);
            } else {
                for (long p = largest + 1; p < packetNumber; p++) {
                    clearSeen(p);
                }
            }
            largest = packetNumber;
            largestAt = now;
        }
        seen[(int) ((packetNumber >>> 6) & (seen.length - 1))] |= 1L << packetNumber;
        if (ackable) {
            addRange(packetNumber);
        }
    }

    private boolean isSeen(long p) {
        return (seen[(int) ((p >>> 6) & (seen.length - 1))] & (1L << p)) != 0;
    }

    private void clearSeen(long p) {
        seen[(int) ((p >>> 6) & (seen.length - 1))] &= ~(1L << p);
    }

    private void addRange(long p) {
        if (p <= floor) {
            return; // acknowledged below the floor or forgotten: the sender's loss detection copes
        }
        for (int i = 0; i < rangeCount; i++) {
            if (p > high[i] + 1) {
                insert(i, p);
                return;
            }
            if (p == high[i] + 1) {
                high[i] = p;
                if (i > 0 && low[i - 1] == p + 1) {
                    low[i - 1] = low[i];
                    remove(i);
                }
                return;
            }
            if (p >= low[i]) {
                return;
            }
            if (p == low[i] - 1) {
                low[i] = p;
                if (i + 1 < rangeCount && high[i + 1] == p - 1) {
                    low[i] = low[i + 1];
                    remove(i + 1);
                }
                return;
            }
        }
        insert(rangeCount, p);
    }

    private void insert(int at, long p) {
        if (rangeCount == MAX_RANGES) {
            floor = at == MAX_RANGES ? p : high[MAX_RANGES - 1];
            if (at == MAX_RANGES) {
                return;
            }
        }
        int n = Math.min(rangeCount, MAX_RANGES) - at;
        System.arraycopy(high, at, high, at + 1, n);
        System.arraycopy(low, at, low, at + 1, n);
        high[at] = p;
        low[at] = p;
        rangeCount = Math.min(rangeCount + 1, MAX_RANGES);
    }

    private void remove(int at) {
        System.arraycopy(high, at + 1, high, at, rangeCount - at - 1);
        System.arraycopy(low, at + 1, low, at, rangeCount - at - 1);
        rangeCount--;
    }

    /** Every acknowledgeable number above this one is in the ranges. */
    long floor() {
        return floor;
    }

    boolean hasRanges() {
        return rangeCount > 0;
    }

    /** Copies the ranges to acknowledge into {@code out}, largest first. */
    void fillAck(AckRanges out) {
        out.clear();
        for (int i = 0; i < rangeCount && i < out.capacity(); i++) {
            out.add(high[i], low[i]);
        }
    }

    long largest() {
        return largest;
    }

    /** When the largest packet number arrived, for the ACK delay field. */
    long largestAt() {
        return largestAt;
    }
}
