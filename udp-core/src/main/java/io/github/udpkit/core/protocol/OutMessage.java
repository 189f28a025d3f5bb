package io.github.udpkit.core.protocol;

import io.github.udpkit.api.DeliveryMode;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A message queued or in flight to one peer, with its fragments' acknowledgement state. A whole
 * (unfragmented) message is reused once nothing refers to it any more (see {@link OutMessagePool}):
 * its fields are set by {@link #init}, not final.
 */
final class OutMessage {
    static final long NOT_SENT = Long.MIN_VALUE;

    int channel;
    DeliveryMode mode;
    /** The array that holds the message, from {@link #offset}; a batch's messages share one. */
    byte[] payload;
    int offset;
    int length;
    CompletableFuture<Void> completion;
    long enqueuedAt;
    /** The order of sends to the peer, across modes; used to renumber after a peer restart. */
    long order;
    /** 0 when the message travels whole; else the size of every fragment but the last. */
    int fragmentSize;
    int fragmentCount;
    /**
     * The first piece number of the current cut. Packets in flight and the retransmission queue
     * name a piece as {@code cutBase + index}, so that after {@link #recut} the pieces of the
     * earlier cut (numbers below it) are told apart and ignored: their acknowledgements say
     * nothing about the new pieces.
     */
    int cutBase;
    /**
     * How many places of the connection refer to the message: the send queue, the unacknowledged
     * ring, the retransmission queue, each packet in flight that carries it. It is reused only
     * once this is 0 and its completion has run; a place that drops it without counting down
     * leaves it to the garbage collector, which is always safe.
     */
    int holds;
    /** Whether its completion has run (acknowledged, or sent in an unreliable mode). */
    boolean completed;

    long sequence;
    /** When the first fragment was first transmitted; {@link #NOT_SENT} before. The delivery deadline counts from here. */
    long firstSentAt = NOT_SENT;
    /** Fragments below this index have been transmitted at least once. */
    int nextFragment;
    boolean done;

    private int ackedCount;
    private long[] ackedBits;
    private int transmissions;
    private int[] fragmentTransmissions;
    /** The packet that carried the newest copy of the message (whole), or of each fragment; -1 before. */
    private long lastPacket = -1;
    private long[] fragmentPackets;
    /** Whether the message (whole), or each fragment, waits in the retransmission queue. */
    private boolean queued;
    private long[] queuedBits;

    OutMessage(int channel, DeliveryMode mode, byte[] payload, int offset, int length,
            CompletableFuture<Void> completion, long enqueuedAt, long order, int maxWholePayload, int fragmentSize) {
        init(channel, mode, payload, offset, length, completion, enqueuedAt, order, maxWholePayload, fragmentSize);
    }

    /** Whether it travels whole, so that it can be reused: a fragmented one has arrays sized to it. */
    boolean whole() {
        return fragmentSize == 0;
    }

    /** Sets every field as a new message's; what {@link OutMessagePool#take} calls on a reused one. */
    void init(int channel, DeliveryMode mode, byte[] payload, int offset, int length,
            CompletableFuture<Void> completion, long enqueuedAt, long order, int maxWholePayload, int fragmentSize) {
        this.sequence = 0;
        this.firstSentAt = NOT_SENT;
        this.nextFragment = 0;
        this.done = false;
        this.holds = 0;
        this.completed = false;
        this.ackedCount = 0;
        this.transmissions = 0;
        this.lastPacket = -1;
        this.queued = false;
        this.cutBase = 0;
        this.channel = channel;
        this.mode = mode;
        this.payload = payload;
        this.offset = offset;
        this.length = length;
        this.completion = completion;
        this.enqueuedAt = enqueuedAt;
        this.order = order;
        if (length <= maxWholePayload) {
            this.fragmentSize = 0;
            this.fragmentCount = 1;
            this.ackedBits = null;
            this.fragmentTransmissions = null;
            this.fragmentPackets = null;
            this.queuedBits = null;
        } else {
            cut(fragmentSize);
        }
    }

    /** Cuts the message into fragments of {@code size}, with fresh acknowledgement state for them. */
    private void cut(int size) {
        this.fragmentSize = size;
        this.fragmentCount = (length + size - 1) / size;
        boolean reliable = mode.isReliable();
        this.ackedBits = reliable ? new long[(fragmentCount + 63) >>> 6] : null;
        this.fragmentTransmissions = reliable ? new int[fragmentCount] : null;
        this.fragmentPackets = reliable ? new long[fragmentCount] : null;
        this.queuedBits = reliable ? new long[(fragmentCount + 63) >>> 6] : null;
        if (reliable) {
            Arrays.fill(fragmentPackets, -1);
        }
    }

    /**
     * Whether a piece of the current cut needs more room than a path allows: a whole message
     * longer than {@code maxWholePayload}, or fragments larger than {@code fragmentSize}.
     */
    boolean cutExceeds(int maxWholePayload, int fragmentSize) {
        return this.fragmentSize == 0 ? length > maxWholePayload : this.fragmentSize > fragmentSize;
    }

    /**
     * Cuts the message again, into fragments of the base {@code fragmentSize} that every path
     * carries, under the same sequence number: its path shrank below what a piece of the earlier
     * cut needs. Every new piece is to be sent (from fragment 0); what the peer acknowledged of
     * the earlier cut is forgotten, since its receiver drops a partial message of the earlier cut
     * when a piece of the new one arrives (see PROTOCOL.md). The transmissions of the new pieces
     * count from zero: a message is re-cut at most once, as the base cut always fits.
     */
    void recut(int fragmentSize) {
        cutBase += fragmentCount;
        ackedCount = 0;
        transmissions = 0;
        lastPacket = -1;
        queued = false;
        nextFragment = 0;
        cut(fragmentSize);
    }

    /** The piece number that packets and the retransmission queue record for a fragment of the current cut. */
    int piece(int index) {
        return cutBase + index;
    }

    /** The fragment index of a recorded piece number; negative if it belongs to an earlier cut. */
    int index(int piece) {
        return piece - cutBase;
    }

    boolean reliable() {
        return mode.isReliable();
    }

    /** Where a fragment starts in {@link #payload}. */
    int fragmentOffset(int index) {
        return offset + index * fragmentSize;
    }

    int fragmentLength(int index) {
        if (fragmentSize == 0) {
            return length;
        }
        return index < fragmentCount - 1 ? fragmentSize : length - (fragmentCount - 1) * fragmentSize;
    }

    boolean isAcked(int index) {
        if (ackedBits == null) {
            return ackedCount > 0;
        }
        return (ackedBits[index >>> 6] & (1L << index)) != 0;
    }

    /** Marks a fragment acknowledged; returns whether that was news. */
    boolean markAcked(int index) {
        if (ackedBits == null) {
            if (ackedCount > 0) {
                return false;
            }
            ackedCount = 1;
            return true;
        }
        long bit = 1L << index;
        if ((ackedBits[index >>> 6] & bit) != 0) {
            return false;
        }
        ackedBits[index >>> 6] |= bit;
        ackedCount++;
        return true;
    }

    boolean allAcked() {
        return ackedCount == fragmentCount;
    }

    /** Counts one more transmission of a fragment, in packet {@code packetNumber}, and returns the new count. */
    int recordTransmission(int index, long packetNumber) {
        if (fragmentTransmissions == null) {
            lastPacket = packetNumber;
            return ++transmissions;
        }
        fragmentPackets[index] = packetNumber;
        return ++fragmentTransmissions[index];
    }

    /**
     * The packet that carried the newest copy of a fragment. Only the loss of that packet calls
     * for another copy: an older one may be declared lost while a newer copy (a probe) is in flight.
     */
    long lastPacket(int index) {
        return fragmentPackets == null ? lastPacket : fragmentPackets[index];
    }

    /** Marks a fragment as waiting in the retransmission queue; false if it already was (so it is queued once). */
    boolean markQueued(int index) {
        if (queuedBits == null) {
            if (queued) {
                return false;
            }
            queued = true;
            return true;
        }
        long bit = 1L << index;
        if ((queuedBits[index >>> 6] & bit) != 0) {
            return false;
        }
        queuedBits[index >>> 6] |= bit;
        return true;
    }

    /** The fragment left the retransmission queue (sent, or no longer needed). */
    void unqueue(int index) {
        if (queuedBits == null) {
            queued = false;
        } else {
            queuedBits[index >>> 6] &= ~(1L << index);
        }
    }

    int transmissions(int index) {
        return fragmentTransmissions == null ? transmissions : fragmentTransmissions[index];
    }

    /** The most transmissions of any fragment: what a {@code DeliveryException} reports. */
    int attempts() {
        if (fragmentTransmissions == null) {
            return transmissions;
        }
        int max = 0;
        for (int t : fragmentTransmissions) {
            max = Math.max(max, t);
        }
        return max;
    }

    /** Forgets transmission and acknowledgement state, for a peer's new session. */
    void restart(long newSequence) {
        sequence = newSequence;
        firstSentAt = NOT_SENT;
        nextFragment = 0;
        ackedCount = 0;
        transmissions = 0;
        lastPacket = -1;
        queued = false;
        if (ackedBits != null) {
            Arrays.fill(ackedBits, 0);
        }
        if (fragmentTransmissions != null) {
            Arrays.fill(fragmentTransmissions, 0);
            Arrays.fill(fragmentPackets, -1);
            Arrays.fill(queuedBits, 0);
        }
    }
}
