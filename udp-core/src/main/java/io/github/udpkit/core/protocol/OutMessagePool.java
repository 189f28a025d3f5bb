package io.github.udpkit.core.protocol;

import io.github.udpkit.api.DeliveryMode;
import java.util.concurrent.CompletableFuture;

/**
 * Whole messages of an engine's connections, reused once acknowledged and referred to by
 * nothing, so that a steady stream of small messages allocates no {@link OutMessage} per message.
 * Bounded: beyond {@link #capacity} spare messages, the rest go to the garbage collector. Engine
 * thread only.
 */
final class OutMessagePool {
    private final OutMessage[] spare;
    private int count;
    /** Messages taken from the spares rather than allocated; for tests. */
    private long reused;

    OutMessagePool(int capacity) {
        this.spare = new OutMessage[capacity];
    }

    int capacity() {
        return spare.length;
    }

    /** Spare messages held now; for tests. */
    int spare() {
        return count;
    }

    /** How many messages were reused; for tests. */
    long reused() {
        return reused;
    }

    /** A message set up as {@code new OutMessage(...)} would be, reused when one is spare. */
    OutMessage take(int channel, DeliveryMode mode, byte[] payload, int offset, int length,
            CompletableFuture<Void> completion, long enqueuedAt, long order, int maxWholePayload, int fragmentSize) {
        if (count == 0 || length > maxWholePayload) {
            return new OutMessage(channel, mode, payload, offset, length, completion, enqueuedAt, order,
                    maxWholePayload, fragmentSize);
        }
        OutMessage m = spare[--count];
        spare[count] = null;
        reused++;
        m.init(channel, mode, payload, offset, length, completion, enqueuedAt, order, maxWholePayload, fragmentSize);
        return m;
    }

    /** One place let go of the message; it is reused if that was the last and it is completed. */
    void release(OutMessage m) {
        if (--m.holds == 0 && m.completed) {
            recycle(m);
        }
    }

    /** Its completion has run; it is reused if nothing refers to it any more. */
    void completed(OutMessage m) {
        m.completed = true;
        if (m.holds == 0) {
            recycle(m);
        }
    }

    private void recycle(OutMessage m) {
        if (!m.whole() || count == spare.length) {
            return;
        }
        m.payload = null; // the application's array, or a batch's, is not kept alive by a spare
        m.completion = null;
        m.holds = -1; // a stray release of a spare shows in its count, never reaches 0 again
        spare[count++] = m;
    }
}
