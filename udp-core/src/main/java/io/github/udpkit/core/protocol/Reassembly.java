package io.github.udpkit.core.protocol;

import java.nio.ByteBuffer;

/**
 * A message being put together from its fragments. Its buffer is allocated whole when the first
 * fragment arrives (the total length has been checked against the limits by then), so a started
 * reassembly can always finish.
 */
final class Reassembly {
    final long sequence;
    final byte[] data;
    final int fragmentSize;
    final int fragmentCount;
    final long createdAt;
    private final long[] received;
    private int receivedCount;

    Reassembly(long sequence, int totalLength, int fragmentSize, long createdAt) {
        this.sequence = sequence;
        this.data = new byte[totalLength];
        this.fragmentSize = fragmentSize;
        this.fragmentCount = (totalLength + fragmentSize - 1) / fragmentSize;
        this.createdAt = createdAt;
        this.received = new long[(fragmentCount + 63) >>> 6];
    }

    /** Whether a fragment describes the same message geometry as this reassembly. */
    boolean matches(int totalLength, int size) {
        return data.length == totalLength && fragmentSize == size;
    }

    /** Copies a fragment in; returns false if it was already there. */
    boolean add(int index, ByteBuffer source, int offset, int length) {
        long bit = 1L << index;
        if ((received[index >>> 6] & bit) != 0) {
            return false;
        }
        source.get(offset, data, index * fragmentSize, length);
        received[index >>> 6] |= bit;
        receivedCount++;
        return true;
    }

    boolean complete() {
        return receivedCount == fragmentCount;
    }
}
