package io.github.udpkit.core.internal;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * A bounded FIFO ring of references that grows by doubling up to a hard capacity: the array-based
 * queue the engine uses on its hot paths instead of {@code LinkedList} or {@code ArrayDeque}
 * (which is unbounded).
 *
 * @param <T> the element type
 */
public final class ObjectRing<T> {
    private final int maxCapacity;
    private Object[] elements;
    private int head;
    private int size;

    /**
     * Creates an empty ring.
     *
     * @param initialCapacity the first array size, rounded up to a power of two
     * @param maxCapacity the most elements it will ever hold
     */
    public ObjectRing(int initialCapacity, int maxCapacity) {
        checkArgument(initialCapacity > 0, "initialCapacity must be positive: %s", initialCapacity);
        checkArgument(maxCapacity >= initialCapacity && maxCapacity <= 1 << 30,
                "maxCapacity must be in %s..2^30: %s", initialCapacity, maxCapacity);
        this.maxCapacity = maxCapacity;
        this.elements = new Object[ceilPowerOfTwo(initialCapacity)];
    }

    static int ceilPowerOfTwo(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /** The number of elements held. */
    public int size() {
        return size;
    }

    /** Whether the ring holds nothing. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Whether {@link #addLast} would refuse. */
    public boolean isFull() {
        return size >= maxCapacity;
    }

    /**
     * Appends an element.
     *
     * @param element the element, not null
     * @return false, leaving the ring unchanged, when it already holds its maximum
     */
    public boolean addLast(T element) {
        if (size >= maxCapacity) {
            return false;
        }
        if (size == elements.length) {
            grow();
        }
        elements[(head + size) & (elements.length - 1)] = element;
        size++;
        return true;
    }

    /**
     * Puts an element in front of the first: for one taken out earlier that must go first again.
     *
     * @param element the element, not null
     * @return false, leaving the ring unchanged, when it already holds its maximum
     */
    public boolean addFirst(T element) {
        if (size >= maxCapacity) {
            return false;
        }
        if (size == elements.length) {
            grow();
        }
        head = (head - 1) & (elements.length - 1);
        elements[head] = element;
        size++;
        return true;
    }

    /**
     * The first element.
     *
     * @return the first element, or null when empty
     */
    @SuppressWarnings("unchecked")
    public T peekFirst() {
        return size == 0 ? null : (T) elements[head];
    }

    /**
     * Removes the first element.
     *
     * @return the element
     * @throws NoSuchElementException when empty
     */
    @SuppressWarnings("unchecked")
    public T removeFirst() {
        if (size == 0) {
            throw new NoSuchElementException("ring is empty");
        }
        T element = (T) elements[head];
        elements[head] = null;
        head = (head + 1) & (elements.length - 1);
        size--;
        return element;
    }

    /**
     * The element at a position counted from the first.
     *
     * @param index the position, 0 for the first
     * @return the element
     */
    @SuppressWarnings("unchecked")
    public T get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " out of 0.." + size);
        }
        return (T) elements[(head + index) & (elements.length - 1)];
    }

    /** Removes every element. */
    public void clear() {
        Arrays.fill(elements, null);
        head = 0;
        size = 0;
    }

    private void grow() {
        Object[] bigger = new Object[elements.length << 1];
        for (int i = 0; i < size; i++) {
            bigger[i] = elements[(head + i) & (elements.length - 1)];
        }
        elements = bigger;
        head = 0;
    }
}
