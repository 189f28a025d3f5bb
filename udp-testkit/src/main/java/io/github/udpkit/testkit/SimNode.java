package io.github.udpkit.testkit;

import io.github.udpkit.core.protocol.Engine;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Something the {@link SimulatedNetwork} drives: it is handed the datagrams addressed to it and
 * woken at the deadlines it asks for, always with the current virtual time, and sends through the
 * {@link SimulatedNetwork.Port} it was attached with.
 *
 * <p>This is the shape of udpkit's sans-I/O protocol engine ({@code receive(from, datagram, now)},
 * {@code update(now)} returning the next deadline), so an engine becomes a node with a one-line
 * adapter. All calls come from the thread running the network; a node needs no locks.
 *
 * @since 0.1.0
 */
public interface SimNode {

    /**
     * Takes a datagram that arrived for this node. The buffer is the node's to keep.
     *
     * @param from the address of the sending node
     * @param datagram the datagram, between position and limit
     * @param nowNanos the current virtual time
     */
    void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos);

    /**
     * Runs timers and flushes what is due, and says when to be called next. The network calls it
     * at the deadline returned last time, after datagrams arrived, and at the start of every run;
     * so it may be called before its deadline and must then do only what is due.
     *
     * @param nowNanos the current virtual time
     * @return the next virtual time this node wants to be updated at, or {@link Engine#NO_DEADLINE}
     *     for none; a time in the past means at once
     */
    default long update(long nowNanos) {
        return Engine.NO_DEADLINE;
    }
}
