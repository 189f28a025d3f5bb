package io.github.udpkit.core.protocol;

import java.util.Arrays;

/**
 * The ack-eliciting packets in flight to one peer, in a ring indexed by packet number, each with
 * the reliable fragments it carried. Packet numbers increase by one per datagram, so a ring is
 * exact; packets that carried nothing to track (ACK-only, PING-only) simply leave their slot
 * empty. The ring grows by doubling up to a hard capacity, which bounds the span between the
 * oldest packet in flight and the next packet number.
 */
final class SentPackets {
    private final int maxCapacity;
    private final OutMessagePool pool;
    private long[] numbers;
    private long[] sentAt;
    private int[] sizes;
    private boolean[] inFlight;
    /** Whether a packet taken out of flight was acknowledged (else declared lost), until its slot is reused. */
    private boolean[] acked;
    /** Whether a packet was sent as a probe (on a probe timeout). */
    private boolean[] probe;
    private OutMessage[][] messages;
    private int[][] fragments;
    private int[] refCounts;
    private int mask;
    private long base;
    private int inFlightCount;
    private long bytesInFlight;

    SentPackets(int initialCapacity, int maxCapacity) {
        this(initialCapacity, maxCapacity, null);
    }

    /** With a pool, a packet taken out of flight lets go of the messages it carried (see {@link OutMessage#holds}). */
    SentPackets(int initialCapacity, int maxCapacity, OutMessagePool pool) {
        this.pool = pool;
        this.maxCapacity = ceilPowerOfTwo(maxCapacity);
        allocate(ceilPowerOfTwo(Math.min(initialCapacity, maxCapacity)));
    }

    private static int ceilPowerOfTwo(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    private void allocate(int capacity) {
        numbers = new long[capacity];
        Arrays.fill(numbers, -1);
        sentAt = new long[capacity];
        sizes = new int[capacity];
        inFlight = new boolean[capacity];
        acked = new boolean[capacity];
        probe = new boolean[capacity];
        messages = new OutMessage[capacity][];
        fragments = new int[capacity][];
        refCounts = new int[capacity];
        mask = capacity - 1;
    }

    /** Whether a packet with this number can be tracked now (after {@link #advanceBase}). */
    boolean hasRoom(long packetNumber) {
        return packetNumber - base < maxCapacity;
    }

    /** Prepares the slot of a packet about to be built; {@link #hasRoom} must hold. */
    int open(long packetNumber) {
        if (packetNumber - base > mask) {
            grow(packetNumber);
        }
        int slot = (int) (packetNumber & mask);
        numbers[slot] = packetNumber;
        inFlight[slot] = false;
        acked[slot] = false;
        refCounts[slot] = 0;
        return slot;
    }

    void addRef(int slot, OutMessage message, int fragment) {
        int n = refCounts[slot];
        OutMessage[] m = messages[slot];
        if (m == null || n == m.length) {
            int size = m == null ? 8 : m.length << 1;
            messages[slot] = m = m == null ? new OutMessage[size] : Arrays.copyOf(m, size);
            fragments[slot] = fragments[slot] == null ? new int[size] : Arrays.copyOf(fragments[slot], size);
        }
        m[n] = message;
        fragments[slot][n] = fragment;
        refCounts[slot] = n + 1;
    }

    void commit(int slot, long now, int size, boolean asProbe) {
        sentAt[slot] = now;
        sizes[slot] = size;
        probe[slot] = asProbe;
        inFlight[slot] = true;
        inFlightCount++;
        bytesInFlight += size;
    }

    /** The slot of a packet in flight, or -1. */
    int slotOf(long packetNumber) {
        if (packetNumber < base || packetNumber - base > mask) {
            return -1;
        }
        int slot = (int) (packetNumber & mask);
        return numbers[slot] == packetNumber && inFlight[slot] ? slot : -1;
    }

    long sentAt(int slot) {
        return sentAt[slot];
    }

    int size(int slot) {
        return sizes[slot];
    }

    boolean isProbe(int slot) {
        return probe[slot];
    }

    int refCount(int slot) {
        return refCounts[slot];
    }

    OutMessage refMessage(int slot, int i) {
        return messages[slot][i];
    }

    int refFragment(int slot, int i) {
        return fragments[slot][i];
    }

    /**
     * Whether a packet that is no longer in flight was acknowledged; false for one declared lost,
     * one in flight, one that carried nothing tracked, and one forgotten (below the ring).
     */
    boolean wasAcked(long packetNumber) {
        if (packetNumber < base - mask || packetNumber - base > mask) {
            return false;
        }
        int slot = (int) (packetNumber & mask);
        return numbers[slot] == packetNumber && !inFlight[slot] && acked[slot];
    }

    /** Takes a packet out of flight, acknowledged or lost. */
    void release(int slot, boolean wasAcked) {
        acked[slot] = wasAcked;
        release(slot);
    }

    /** Takes a packet out of flight. */
    private void release(int slot) {
        inFlight[slot] = false;
        inFlightCount--;
        bytesInFlight -= sizes[slot];
        OutMessage[] m = messages[slot];
        if (m != null) {
            if (pool != null) {
                for (int i = 0, n = refCounts[slot]; i < n; i++) {
                    pool.release(m[i]);
                }
            }
            Arrays.fill(m, 0, refCounts[slot], null);
        }
        refCounts[slot] = 0;
    }

    /** Moves the base up to the oldest packet still in flight (or {@code next}). */
    void advanceBase(long next) {
        while (base < next && slotOf(base) < 0) {
            base++;
        }
    }

    long base() {
        return base;
    }

    int inFlight() {
        return inFlightCount;
    }

    long bytesInFlight() {
        return bytesInFlight;
    }

    /** Forgets every packet; the next packet number is {@code next}. */
    void clear(long next) {
        for (int slot = 0; slot <= mask; slot++) {
            if (inFlight[slot]) {
                release(slot);
            }
        }
        base = next;
    }

    /**
     * Doubles the ring (at least) to hold {@code packetNumber}, keeping every packet the old ring
     * could still answer for: those in flight, and those taken out of flight as acknowledged, so
     * that {@link #wasAcked} says the same after the growth as before it (loss detection reads it
     * to tell a run of losses from losses with an acknowledgement between them).
     */
    private void grow(long packetNumber) {
        int capacity = ceilPowerOfTwo((int) (packetNumber - base + 1));
        int oldMask = mask;
        long[] oldNumbers = numbers;
        long[] oldSentAt = sentAt;
        int[] oldSizes = sizes;
        boolean[] oldInFlight = inFlight;
        boolean[] oldAcked = acked;
        boolean[] oldProbe = probe;
        OutMessage[][] oldMessages = messages;
        int[][] oldFragments = fragments;
        int[] oldRefCounts = refCounts;
        allocate(capacity);
        for (int i = 0; i < oldNumbers.length; i++) {
            long number = oldNumbers[i];
            // The old ring answered wasAcked for numbers down to base - oldMask; older ones are
            // forgotten, and copying them could overwrite a slot the new ring must keep.
            boolean remembered = oldAcked[i] && number >= base - oldMask;
            if (number < 0 || !(oldInFlight[i] || remembered)) {
                continue;
            }
            int slot = (int) (number & mask);
            numbers[slot] = number;
            sentAt[slot] = oldSentAt[i];
            sizes[slot] = oldSizes[i];
            probe[slot] = oldProbe[i];
            inFlight[slot] = oldInFlight[i];
            acked[slot] = oldAcked[i];
            messages[slot] = oldMessages[i];
            fragments[slot] = oldFragments[i];
            refCounts[slot] = oldRefCounts[i];
        }
    }
}
