package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.Engine.NO_DEADLINE;

import io.github.udpkit.api.DeliveryMode;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The receive side of one channel of one session of a {@link Connection}: what each delivery mode
 * holds of the peer's messages (the sequenced high-water mark, the unordered and ordered windows, partial
 * messages in reassembly) and the memory they take. It turns DATA frames into deliveries. A new
 * session of the peer gets a new receiver.
 */
final class Receiver {
    /** Unreliable and sequenced partial messages kept per peer at most (each is bounded by memory too). */
    static final int MAX_LOSSY_PARTIALS = 64;

    private final Engine engine;
    private final Connection connection;
    private final int channel;
    private final EngineConfig config;
    private final EngineMetrics metrics;
    private final EngineOutput output;

    long highestSequenced = -1;
    final UnorderedWindow unordered;
    final OrderedBuffer ordered;
    HashMap<Long, Reassembly> lossyPartials;
    long lossyExpiry = NO_DEADLINE;
    HashMap<Long, Reassembly> unorderedPartials;
    /** Reassembly memory this receiver holds (also counted in the engine's total). */
    long reassemblyBytes;

    Receiver(Engine engine, Connection connection, int channel) {
        this.engine = engine;
        this.connection = connection;
        this.channel = channel;
        this.config = engine.config;
        this.metrics = engine.metrics;
        this.output = engine.output;
        this.unordered = new UnorderedWindow(config.receiveWindow());
        this.ordered = new OrderedBuffer(config.receiveWindow());
    }

    /** Whether nothing received is held: no partial message, nothing waiting for an earlier one. */
    boolean isEmpty() {
        return reassemblyBytes == 0 && ordered.isEmpty()
                && (lossyPartials == null || lossyPartials.isEmpty())
                && (unorderedPartials == null || unorderedPartials.isEmpty());
    }

    /** Gives back this receiver's reassembly memory to the engine's budget: it is being dropped. */
    void releaseAll() {
        engine.reassemblyBytes -= reassemblyBytes;
        reassemblyBytes = 0;
    }

    /** A reliable message or fragment arrived again: count it, and note it for the connection (it acknowledges at once). */
    private void reliableDuplicate() {
        metrics.duplicatesDropped.increment();
        connection.duplicate = true;
    }

    /** Applies a DATA frame; returns false if a reliable frame was refused (so its packet is not acknowledged). */
    boolean handleData(DeliveryMode mode, long seq, int total, int fragSize, int index,
            ByteBuffer b, int offset, int length, long now) {
        if (total > config.maxMessageSize()) {
            metrics.oversized.increment();
            return !mode.isReliable();
        }
        switch (mode) {
            case UNRELIABLE:
                if (fragSize == 0) {
                    deliverSlice(mode, b, offset, length, now);
                } else {
                    lossyFragment(mode, seq, total, fragSize, index, b, offset, length, now);
                }
                return true;
            case SEQUENCED:
                if (seq <= highestSequenced) {
                    (seq == highestSequenced ? metrics.duplicatesDropped : metrics.sequencedStaleDropped)
                            .increment();
                    return true;
                }
                if (fragSize == 0) {
                    highestSequenced = seq;
                    deliverSlice(mode, b, offset, length, now);
                } else {
                    lossyFragment(mode, seq, total, fragSize, index, b, offset, length, now);
                }
                return true;
            case RELIABLE_UNORDERED:
                return unorderedData(seq, total, fragSize, index, b, offset, length, now);
            default:
                return orderedData(seq, total, fragSize, index, b, offset, length, now);
        }
    }

    private boolean unorderedData(long seq, int total, int fragSize, int index, ByteBuffer b, int offset,
            int length, long now) {
        int c = unordered.classify(seq);
        if (c == UnorderedWindow.DUPLICATE) {
            reliableDuplicate();
            return true;
        }
        if (c == UnorderedWindow.BEYOND) {
            metrics.receiveRefusals.increment();
            return false;
        }
        Reassembly held = unorderedPartials == null ? null : unorderedPartials.get(seq);
        if (fragSize == 0) {
            if (held != null) {
                if (held.data.length != length) {
                    metrics.malformed.increment(); // one message, two lengths
                    return false;
                }
                // A whole copy of a message held in part (its sender cut it again): the copy wins.
                unorderedPartials.remove(seq);
                release(length);
            }
            unordered.markReceived(seq);
            deliverSlice(DeliveryMode.RELIABLE_UNORDERED, b, offset, length, now);
            return true;
        }
        if (unorderedPartials == null) {
            unorderedPartials = new HashMap<>();
        }
        if (staleCut(held, total, fragSize)) {
            return true;
        }
        Reassembly r = partial(held, seq, total, fragSize, false, now);
        if (r == null) {
            return false;
        }
        if (r != held) {
            unorderedPartials.put(seq, r);
        }
        if (!r.add(index, b, offset, length)) {
            reliableDuplicate();
            return true;
        }
        if (r.complete()) {
            unorderedPartials.remove(seq);
            release(total);
            unordered.markReceived(seq);
            deliverArray(DeliveryMode.RELIABLE_UNORDERED, r.data, now);
        }
        return true;
    }

    private boolean orderedData(long seq, int total, int fragSize, int index, ByteBuffer b, int offset,
            int length, long now) {
        OrderedBuffer ob = ordered;
        int c = ob.classify(seq);
        if (c == OrderedBuffer.DUPLICATE) {
            reliableDuplicate();
            return true;
        }
        if (c == OrderedBuffer.BEYOND) {
            metrics.receiveRefusals.increment();
            return false;
        }
        Object held = ob.get(seq);
        if (held instanceof byte[]) {
            reliableDuplicate();
            return true;
        }
        boolean isBase = seq == ob.base();
        if (fragSize == 0) {
            if (held != null) {
                // A whole copy of a message held in part (its sender cut it again): the copy wins,
                // in the memory the partial message took.
                Reassembly partial = (Reassembly) held;
                if (partial.data.length != length) {
                    metrics.malformed.increment(); // one message, two lengths
                    return false;
                }
                if (isBase) {
                    ob.advance();
                    release(length);
                    deliverSlice(DeliveryMode.RELIABLE, b, offset, length, now);
                    drainOrdered(now);
                } else {
                    b.get(offset, partial.data, 0, length);
                    ob.put(seq, partial.data);
                }
                return true;
            }
            if (isBase) {
                ob.advance();
                deliverSlice(DeliveryMode.RELIABLE, b, offset, length, now);
                drainOrdered(now);
                return true;
            }
            if (!reserve(length, true)) {
                metrics.receiveRefusals.increment();
                return false;
            }
            byte[] copy = new byte[length];
            b.get(offset, copy, 0, length);
            ob.put(seq, copy);
            return true;
        }
        if (staleCut((Reassembly) held, total, fragSize)) {
            return true;
        }
        // A message that is not next to deliver leaves room for one that is (no deadlock).
        Reassembly r = partial((Reassembly) held, seq, total, fragSize, !isBase, now);
        if (r == null) {
            return false;
        }
        if (r != held) {
            ob.put(seq, r);
        }
        if (!r.add(index, b, offset, length)) {
            reliableDuplicate();
            return true;
        }
        if (r.complete()) {
            if (isBase) {
                ob.advance();
                release(total);
                deliverArray(DeliveryMode.RELIABLE, r.data, now);
                drainOrdered(now);
            } else {
                ob.put(seq, r.data);
            }
        }
        return true;
    }

    /**
     * The reassembly a reliable fragment belongs to: the one held for its message; a new one if
     * the memory budgets allow it; or, for a fragment of a new cut of the message (smaller
     * fragments: its sender cut it again because its path shrank), a new one in place of the
     * held one, in the same memory. Null, counted, when refused for memory
     * ({@code receiveRefusals}) or when the fragment's total length disagrees with the held
     * one's ({@code malformed}).
     */
    private Reassembly partial(Reassembly held, long seq, int total, int fragSize, boolean leaveRoom, long now) {
        if (held == null) {
            if (!reserve(total, leaveRoom)) {
                metrics.receiveRefusals.increment();
                return null;
            }
            return new Reassembly(seq, total, fragSize, now);
        }
        if (held.matches(total, fragSize)) {
            return held;
        }
        if (held.data.length != total) {
            metrics.malformed.increment();
            return null;
        }
        return new Reassembly(seq, total, fragSize, now); // a new cut: the old partial is dropped
    }

    /**
     * Whether a fragment belongs to an earlier cut of a message held in part under a newer cut
     * (its fragments are larger than the held ones): such a fragment is dropped and counted as a
     * duplicate. Its packet is still acknowledged; the sender ignores acknowledgements of its
     * earlier cut's pieces. Cuts only ever get smaller, so a later cut never gives way to an
     * earlier one and two cuts cannot take turns dropping each other.
     */
    private boolean staleCut(Reassembly held, int total, int fragSize) {
        if (held == null || held.data.length != total || fragSize <= held.fragmentSize) {
            return false;
        }
        metrics.duplicatesDropped.increment();
        return true;
    }

    /** Delivers the complete messages that follow the base in order. */
    private void drainOrdered(long now) {
        while (!connection.removed && !engine.isClosed()) {
            OrderedBuffer ob = ordered;
            if (!(ob.get(ob.base()) instanceof byte[])) {
                return;
            }
            byte[] data = (byte[]) ob.advance();
            release(data.length);
            deliverArray(DeliveryMode.RELIABLE, data, now);
        }
    }

    /**
     * Delivers, in order and skipping gaps, the complete RELIABLE messages held early, before the
     * receive state is dropped: they were acknowledged, so their senders count them delivered.
     */
    void flushOrdered(long now) {
        OrderedBuffer ob = ordered;
        while (!ob.isEmpty() && !engine.isClosed()) {
            Object held = ob.advance();
            if (held instanceof byte[]) {
                deliverArray(DeliveryMode.RELIABLE, (byte[]) held, now);
            }
        }
    }

    private void lossyFragment(DeliveryMode mode, long seq, int total, int fragSize, int index,
            ByteBuffer b, int offset, int length, long now) {
        long key = (seq << 1) | (mode == DeliveryMode.SEQUENCED ? 1 : 0);
        if (lossyPartials == null) {
            lossyPartials = new HashMap<>();
        }
        Reassembly r = lossyPartials.get(key);
        if (r == null) {
            if (lossyPartials.size() >= MAX_LOSSY_PARTIALS) {
                evictOldestLossy();
            }
            if (!reserve(total, true)) {
                metrics.reassemblyDrops.increment();
                return;
            }
            r = new Reassembly(seq, total, fragSize, now);
            lossyPartials.put(key, r);
            lossyExpiry = Math.min(lossyExpiry, now + config.reassemblyTimeoutNanos());
        } else if (!r.matches(total, fragSize)) {
            if (r.data.length != total) {
                metrics.malformed.increment();
                return;
            }
            if (fragSize > r.fragmentSize) {
                metrics.duplicatesDropped.increment(); // a piece of an earlier cut: see staleCut
                return;
            }
            r = new Reassembly(seq, total, fragSize, r.createdAt); // a new cut, in the same memory
            lossyPartials.put(key, r);
        }
        if (!r.add(index, b, offset, length)) {
            metrics.duplicatesDropped.increment();
            return;
        }
        if (r.complete()) {
            lossyPartials.remove(key);
            release(total);
            if (mode == DeliveryMode.SEQUENCED) {
                if (seq <= highestSequenced) {
                    metrics.sequencedStaleDropped.increment();
                    return;
                }
                highestSequenced = seq;
            }
            deliverArray(mode, r.data, now);
        }
    }

    /**
     * Takes reassembly memory for a peer, evicting its partial lossy messages if that makes room.
     * With {@code leaveRoom}, one maximum-size message of room is kept free in the peer's and the
     * endpoint's budgets, for messages that are next to deliver.
     */
    private boolean reserve(long bytes, boolean leaveRoom) {
        long slack = leaveRoom ? config.maxMessageSize() : 0;
        while (reassemblyBytes + bytes > config.reassemblyBytesPerPeer() - slack
                || engine.reassemblyBytes + bytes > config.reassemblyBytesTotal() - slack) {
            if (!evictOldestLossy()) {
                return false;
            }
        }
        reassemblyBytes += bytes;
        engine.reassemblyBytes += bytes;
        return true;
    }

    private void release(long bytes) {
        reassemblyBytes -= bytes;
        engine.reassemblyBytes -= bytes;
    }

    private boolean evictOldestLossy() {
        if (lossyPartials == null || lossyPartials.isEmpty()) {
            return false;
        }
        Map.Entry<Long, Reassembly> oldest = null;
        for (Map.Entry<Long, Reassembly> e : lossyPartials.entrySet()) {
            if (oldest == null || e.getValue().createdAt < oldest.getValue().createdAt) {
                oldest = e;
            }
        }
        lossyPartials.remove(oldest.getKey());
        release(oldest.getValue().data.length);
        metrics.reassemblyDrops.increment();
        return true;
    }

    void expireLossy(long now) {
        long next = NO_DEADLINE;
        if (lossyPartials != null) {
            long timeout = config.reassemblyTimeoutNanos();
            for (Iterator<Reassembly> it = lossyPartials.values().iterator(); it.hasNext();) {
                Reassembly r = it.next();
                if (now - r.createdAt >= timeout) {
                    it.remove();
                    release(r.data.length);
                    metrics.reassemblyDrops.increment();
                } else {
                    next = Math.min(next, r.createdAt + timeout);
                }
            }
        }
        lossyExpiry = next;
    }

    private void deliverSlice(DeliveryMode mode, ByteBuffer b, int offset, int length, long now) {
        int limit = b.limit();
        int position = b.position();
        b.limit(offset + length);
        b.position(offset);
        try {
            if (!connection.mayDeliver(b, now)) {
                return;
            }
            metrics.messagesDelivered.increment();
            output.deliver(connection.address, channel, mode, b, now);
        } finally {
            b.limit(limit);
            b.position(position);
        }
    }

    private void deliverArray(DeliveryMode mode, byte[] data, long now) {
        ByteBuffer message = ByteBuffer.wrap(data);
        if (!connection.mayDeliver(message, now)) {
            return;
        }
        metrics.messagesDelivered.increment();
        output.deliver(connection.address, channel, mode, message, now);
    }

}
