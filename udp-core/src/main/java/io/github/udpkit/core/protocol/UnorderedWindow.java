package io.github.udpkit.core.protocol;

/**
 * The RELIABLE_UNORDERED receive window of one peer: every sequence number below {@link #base()}
 * was received, and a circular bitmap records which of the next {@code size} were. A sequence
 * number at or beyond {@code base + size} is refused (the sender keeps within the window it was
 * told, so this happens only with mismatched settings or a hostile peer).
 */
final class UnorderedWindow {
    static final int NEW = 0;
    static final int DUPLICATE = 1;
    static final int BEYOND = 2;

    private final int size;
    private final long[] bits;
    private long base;

    UnorderedWindow(int size) {
        this.size = size;
        this.bits = new long[(size + 63) >>> 6];
    }

    int classify(long sequence) {
        if (sequence < base) {
            return DUPLICATE;
        }
        if (sequence - base >= size) {
            return BEYOND;
        }
        return get(sequence) ? DUPLICATE : NEW;
    }

    /** Records a sequence number as received; {@link #classify} must have said NEW. */
    void markReceived(long sequence) {
        set(sequence, true);
        while (get(base)) {
            set(base, false);
            base++;
        }
    }

    long base() {
        return base;
    }

    private boolean get(long sequence) {
        int i = (int) (sequence % size);
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    private void set(long sequence, boolean value) {
        int i = (int) (sequence % size);
        if (value) {
            bits[i >>> 6] |= 1L << i;
        } else {
            bits[i >>> 6] &= ~(1L << i);
        }
    }
}
