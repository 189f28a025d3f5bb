package io.github.udpkit.core.wire;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;

/**
 * A reusable, bounded list of acknowledged packet-number ranges, largest first, with at least
 * one unacknowledged number between neighbours: what one ACK frame carries. Mutable so that the
 * engine fills and reads ACKs without allocating.
 *
 * @since 0.1.0
 */
public final class AckRanges {
    private final long[] largest;
    private final long[] smallest;
    private int count;

    /**
     * Creates an empty list.
     *
     * @param capacity the most ranges it holds
     */
    public AckRanges(int capacity) {
        checkArgument(capacity > 0, "capacity must be positive: %s", capacity);
        this.largest = new long[capacity];
        this.smallest = new long[capacity];
    }

    /** Empties the list. */
    public void clear() {
        count = 0;
    }

    /** The number of ranges. */
    public int count() {
        return count;
    }

    /** The most ranges the list holds. */
    public int capacity() {
        return largest.length;
    }

    /**
     * Appends a range below the last one.
     *
     * @param high the largest packet number of the range
     * @param low the smallest, not above {@code high}
     * @throws IllegalArgumentException if the range is not at least two below the previous range's
     *     smallest number (ranges are separated by a gap), or the list is full
     */
    public void add(long high, long low) {
        checkArgument(low >= 0 && low <= high && high <= Varint.MAX_VALUE,
                "range must satisfy 0 <= low <= high <= 2^62-1: %s..%s", low, high);
        checkArgument(count < largest.length, "at most %s ranges", largest.length);
        // Not checkArgument with three longs: that boxes them into a varargs array on every call,
        // and the reader adds up to 65 ranges per ACK frame received.
        if (count > 0 && high > smallest[count - 1] - 2) {
            throw new IllegalArgumentException("range " + low + ".." + high + " must lie below the previous smallest "
                    + smallest[count - 1] + " with a gap");
        }
        largest[count] = high;
        smallest[count] = low;
        count++;
    }

    /**
     * The largest packet number of a range.
     *
     * @param index 0 for the range holding the largest acknowledged number
     * @return the number
     */
    public long high(int index) {
        checkElementIndex(index, count);
        return largest[index];
    }

    /**
     * The smallest packet number of a range.
     *
     * @param index the range
     * @return the number
     */
    public long low(int index) {
        checkElementIndex(index, count);
        return smallest[index];
    }

    /**
     * Whether a packet number is acknowledged by one of the ranges.
     *
     * @param packetNumber the number
     * @return whether it is covered
     */
    public boolean contains(long packetNumber) {
        for (int i = 0; i < count; i++) {
            if (packetNumber <= largest[i] && packetNumber >= smallest[i]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "" : ", ").append(largest[i]).append("..").append(smallest[i]);
        }
        return sb.append(']').toString();
    }
}
