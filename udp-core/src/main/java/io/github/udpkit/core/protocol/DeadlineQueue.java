package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.Engine.NO_DEADLINE;

import java.util.Arrays;

/**
 * The connections of an engine ordered by their next deadline: an indexed binary min-heap (each
 * connection knows its slot), so a connection is scheduled, rescheduled or removed in
 * O(log n) and the earliest deadline is read in O(1). This is what lets a turn of the engine touch
 * only the connections that have work or a due timer, whatever the number of idle ones (quinn
 * schedules by {@code poll_timeout}; KCP's {@code ikcp_check} exists for the same reason).
 */
final class DeadlineQueue {
    private Connection[] heap = new Connection[16];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest deadline scheduled; {@link Engine#NO_DEADLINE} when none is. */
    long earliest() {
        return size == 0 ? NO_DEADLINE : heap[0].scheduledAt;
    }

    /** Removes and returns the connection with the earliest deadline; the queue must not be empty. */
    Connection poll() {
        Connection first = heap[0];
        removeAt(0);
        return first;
    }

    /**
     * Schedules a connection at a deadline, or moves it there if it is scheduled already. A
     * deadline of {@link Engine#NO_DEADLINE} (no timer armed) takes it out of the queue.
     */
    void schedule(Connection c, long deadline) {
        if (deadline == NO_DEADLINE) {
            remove(c);
            return;
        }
        int i = c.heapIndex;
        if (i < 0) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            c.scheduledAt = deadline;
            heap[size] = c;
            c.heapIndex = size;
            siftUp(size++);
            return;
        }
        long old = c.scheduledAt;
        c.scheduledAt = deadline;
        if (deadline < old) {
            siftUp(i);
        } else if (deadline > old) {
            siftDown(i);
        }
    }

    /** Takes a connection out of the queue; nothing if it is not in it. */
    void remove(Connection c) {
        if (c.heapIndex >= 0) {
            removeAt(c.heapIndex);
        }
    }

    /** Empties the queue. */
    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].heapIndex = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private void removeAt(int i) {
        Connection removed = heap[i];
        removed.heapIndex = -1;
        int last = --size;
        if (i == last) {
            heap[last] = null;
            return;
        }
        Connection moved = heap[last];
        heap[last] = null;
        heap[i] = moved;
        moved.heapIndex = i;
        siftDown(i);
        if (moved.heapIndex == i) {
            siftUp(i);
        }
    }

    private void siftUp(int i) {
        Connection c = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Connection p = heap[parent];
            if (p.scheduledAt <= c.scheduledAt) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = c;
        c.heapIndex = i;
    }

    private void siftDown(int i) {
        Connection c = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].scheduledAt < heap[child].scheduledAt) {
                child = right;
            }
            Connection smallest = heap[child];
            if (c.scheduledAt <= smallest.scheduledAt) {
                break;
            }
            heap[i] = smallest;
            smallest.heapIndex = i;
            i = child;
        }
        heap[i] = c;
        c.heapIndex = i;
    }
}
