package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * An anti-replay sliding window over 64-bit packet numbers (RFC 4303 §3.4.3 style), so that a
 * packet already accepted, or older than the window, is rejected.
 *
 * <p>The window remembers the highest accepted packet number {@code top} and which of the
 * {@link #size()} numbers ending at it, {@code (top - size, top]}, were accepted. A number
 * above {@code top} is always acceptable; one inside the window is acceptable once; one at or
 * below {@code top - size} never is. Negative numbers are never acceptable.
 *
 * <p>Use it in two steps, so that only authenticated packets move it:
 * <pre>{@code
 *   if (!window.check(pn)) { drop; count replay; }
 *   else if (opener.open(pn, ...) < 0) { drop; count forgery; }   // window unchanged
 *   else { window.accept(pn); deliver; }
 * }</pre>
 * A forged packet with a huge packet number therefore cannot slide the window past genuine ones.
 *
 * <p>The bitmap is a ring of {@code long}s indexed by packet number modulo the size; sliding
 * clears only the bits that fall out, and neither call allocates. Not thread-safe.
 *
 * @since 0.1.0
 */
public final class ReplayWindow {
    /** The smallest window, 64 packets (RFC 4303's recommended minimum). */
    public static final int MIN_SIZE = 64;

    /** The largest window, 4096 packets. */
    public static final int MAX_SIZE = 4096;

    /** The default window, 1024 packets: room for reordering at high packet rates. */
    public static final int DEFAULT_SIZE = 1024;

    private final int size;
    private final long[] bits;
    private long top = -1;

    /**
     * Creates a window of {@link #DEFAULT_SIZE} packets that has accepted nothing.
     */
    public ReplayWindow() {
        this(DEFAULT_SIZE);
    }

    /**
     * Creates a window that has accepted nothing.
     *
     * @param size how many packet numbers up to the highest accepted one are remembered; a
     *     multiple of 64 from {@value #MIN_SIZE} to {@value #MAX_SIZE}
     */
    public ReplayWindow(int size) {
        checkArgument(size >= MIN_SIZE && size <= MAX_SIZE && size % 64 == 0,
                "window size must be a multiple of 64 in %s..%s: %s", MIN_SIZE, MAX_SIZE, size);
        this.size = size;
        this.bits = new long[size / 64];
    }

    /**
     * Tells whether a packet number would be accepted, without changing anything.
     *
     * @param packetNumber the packet number, as read from an unauthenticated header
     * @return false for a negative number, a number already accepted, or one at or below
     *     {@code highestAccepted() - size()}; true otherwise
     */
    public boolean check(long packetNumber) {
        if (packetNumber < 0) {
            return false;
        }
        if (packetNumber > top) {
            return true;
        }
        if (top - packetNumber >= size) {
            return false;
        }
        int index = (int) (packetNumber % size);
        return (bits[index >>> 6] & (1L << (index & 63))) == 0;
    }

    /**
     * Records a packet number as accepted, sliding the window forward if it is the highest yet.
     * Call it only after {@link #check} returned true for the number and the packet then passed
     * authentication.
     *
     * @param packetNumber the packet number
     * @throws IllegalArgumentException if {@link #check} would return false for it
     */
    public void accept(long packetNumber) {
        checkArgument(check(packetNumber),
                "packet number %s is not acceptable (highest accepted %s, window %s): call check first",
                packetNumber, top, size);
        if (packetNumber > top) {
            slideTo(packetNumber);
        }
        int index = (int) (packetNumber % size);
        bits[index >>> 6] |= 1L << (index & 63);
    }

    /**
     * Returns the highest packet number accepted so far.
     *
     * @return the number, or -1 before the first
     */
    public long highestAccepted() {
        return top;
    }

    /**
     * Returns the window size in packets.
     *
     * @return the size
     */
    public int size() {
        return size;
    }

    /**
     * Describes the window.
     *
     * @return size and highest accepted number
     */
    @Override
    public String toString() {
        return "ReplayWindow[size " + size + ", highest accepted " + top + "]";
    }

    /** Moves {@code top} up to {@code newTop}, forgetting the numbers that leave the window. */
    private void slideTo(long newTop) {
        if (top < 0 || newTop - top >= size) {
            Arrays.fill(bits, 0L);
        } else {
            // Clear the slots of top+1 .. newTop: they held numbers that are now too old.
            long p = top + 1;
            while (p <= newTop) {
                int index = (int) (p % size);
                int bit = index & 63;
                int n = (int) Math.min(64 - bit, newTop - p + 1);
                long mask = n == 64 ? -1L : ((1L << n) - 1) << bit;
                bits[index >>> 6] &= ~mask;
                p += n;
            }
        }
        top = newTop;
    }
}
