package io.github.udpkit.core.protocol;

import java.util.Arrays;

/**
 * A FIFO of (message, fragment index) pairs waiting for retransmission, in two parallel arrays
 * that grow by doubling. Its size is bounded by the fragments in flight, which is bounded by the
 * in-flight window: each unacknowledged fragment is in exactly one in-flight packet or here once.
 */
final class FragmentQueue {
    private OutMessage[] messages = new OutMessage[16];
    private int[] fragments = new int[16];
    private int head;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void add(OutMessage message, int fragment) {
        if (size == messages.length) {
            grow();
        }
        int i = (head + size) & (messages.length - 1);
        messages[i] = message;
        fragments[i] = fragment;
        size++;
    }

    OutMessage peekMessage() {
        return messages[head];
    }

    int peekFragment() {
        return fragments[head];
    }

    void removeFirst() {
        messages[head] = null;
        head = (head + 1) & (messages.length - 1);
        size--;
    }

    void clear() {
        Arrays.fill(messages, null);
        head = 0;
        size = 0;
    }

    private void grow() {
        int n = messages.length;
        OutMessage[] m = new OutMessage[n << 1];
        int[] f = new int[n << 1];
        for (int i = 0; i < size; i++) {
            m[i] = messages[(head + i) & (n - 1)];
            f[i] = fragments[(head + i) & (n - 1)];
        }
        messages = m;
        fragments = f;
        head = 0;
    }
}
