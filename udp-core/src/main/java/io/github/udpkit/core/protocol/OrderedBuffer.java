package io.github.udpkit.core.protocol;

/**
 * The RELIABLE (ordered) receive buffer of one peer: {@link #base()} is the next sequence number
 * to deliver, and the slots hold what arrived early for the next {@code size} numbers (a
 * complete message as {@code byte[]}, a partial one as {@link Reassembly}). The slot array is
 * allocated on the first early arrival, so a peer that never reorders costs nothing.
 */
final class OrderedBuffer {
    static final int NEW = 0;
    static final int DUPLICATE = 1;
    static final int BEYOND = 2;

    private final int size;
    private Object[] slots;
    private long base;
    private int occupied;

    OrderedBuffer(int size) {
        this.size = size;
    }

    int classify(long sequence) {
        if (sequence < base) {
            return DUPLICATE;
        }
        if (sequence - base >= size) {
            return BEYOND;
        }
        return NEW;
    }

    /** What is held for a sequence number within the window: null, a byte[] or a Reassembly. */
    Object get(long sequence) {
        return slots == null ? null : slots[(int) (sequence % size)];
    }

    void put(long sequence, Object value) {
        if (slots == null) {
            slots = new Object[size];
        }
        int i = (int) (sequence % size);
        if (slots[i] == null && value != null) {
            occupied++;
        } else if (slots[i] != null && value == null) {
            occupied--;
        }
        slots[i] = value;
    }

    /** Takes what is held for the base (maybe null) and moves the base on by one. */
    Object advance() {
        Object value = get(base);
        if (value != null) {
            put(base, null);
        }
        base++;
        return value;
    }

    long base() {
        return base;
    }

    boolean isEmpty() {
        return occupied == 0;
    }
}
