package io.github.udpkit.core.transport;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.PriorityQueue;

/**
 * An endpoint's impairments: the outgoing and incoming {@link Impairer}s and the datagrams their
 * delays hold back. An endpoint makes one only when its settings configure an impairment, so an
 * endpoint without one keeps no queue of held datagrams and its loop never looks into one.
 */
final class ImpairedPath {

    /** Datagrams held back at most; past it more are lost, as in a full router queue. */
    static final int MAX_DELAYED = 10_000;

    /** Where held-back datagrams go when due; called on the I/O thread. */
    interface Release {
        /** An outgoing datagram, to be put on the wire now. */
        void send(InetSocketAddress to, byte[] bytes);

        /** An incoming datagram, to be handled as if it arrived now. */
        void receive(InetSocketAddress from, byte[] bytes, long now);
    }

    /** Impairs outgoing datagrams. Guarded by itself: RAW senders share it. */
    private final Impairer out;
    /** Impairs incoming datagrams. I/O thread only. */
    private final Impairer in;
    /** Impaired datagrams held back by a delay, due in time order. I/O thread only. */
    private final PriorityQueue<Delayed> delayed = new PriorityQueue<>();
    private long delayedOrder;

    /** The impairments of an endpoint whose settings configure some; null when they configure none. */
    static ImpairedPath of(Impairments impairments, long originNanos) {
        return impairments.isNone() ? null : new ImpairedPath(impairments, originNanos);
    }

    private ImpairedPath(Impairments impairments, long originNanos) {
        this.out = impairments.newImpairer(1, originNanos);
        this.in = impairments.newImpairer(2, originNanos);
    }

    /** Any thread: what the network does to an outgoing datagram, told to the sink. */
    void outgoing(ByteBuffer datagram, long nowNanos, Impairer.Sink sink) {
        synchronized (out) {
            out.apply(datagram, nowNanos, sink);
        }
    }

    /** I/O thread: what the network does to an incoming datagram, told to the sink. */
    void incoming(ByteBuffer datagram, long nowNanos, Impairer.Sink sink) {
        in.apply(datagram, nowNanos, sink);
    }

    /** I/O thread: holds a datagram back; past the bound it is lost, as in a full router queue. */
    void holdBack(InetSocketAddress address, byte[] bytes, long delayNanos, boolean outgoing) {
        if (delayed.size() >= MAX_DELAYED) {
            return;
        }
        delayed.add(new Delayed(System.nanoTime() + delayNanos, delayedOrder++, address, bytes, outgoing));
    }

    /** I/O thread: hands every held datagram now due to the release; whether there was one. */
    boolean release(long now, Release release) {
        boolean released = false;
        for (Delayed d; (d = delayed.peek()) != null && d.due - now <= 0; ) {
            delayed.poll();
            released = true;
            if (d.outgoing) {
                release.send(d.address, d.bytes);
            } else {
                release.receive(d.address, d.bytes, now);
            }
        }
        return released;
    }

    /** I/O thread: the earlier of {@code next} and when the first held datagram is due. */
    long nextDue(long next) {
        Delayed held = delayed.peek();
        return held == null ? next : Math.min(next, held.due);
    }

    /** A datagram an impairment delays; ordered by due time, then by arrival. */
    private record Delayed(long due, long order, InetSocketAddress address, byte[] bytes, boolean outgoing)
            implements Comparable<Delayed> {
        @Override
        public int compareTo(Delayed other) {
            int byDue = Long.compare(due - other.due, 0);
            return byDue != 0 ? byDue : Long.compare(order, other.order);
        }
    }
}
