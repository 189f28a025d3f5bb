package io.github.udpkit.core.protocol;

import io.github.udpkit.api.HandshakeException;
import io.github.udpkit.api.PeerIdentity;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A security protocol with a handshake of its own below the engine's frames (DTLS 1.2, in
 * {@code core.dtls}): every datagram on the wire is one of its records, and each udpkit datagram
 * is the plaintext of one. The engine owns it as it owns everything that decides: it asks the
 * layer to answer or admit a datagram from an address it holds nothing for (stateless cookies,
 * limits), holds the {@link Session} it gets in the peer's {@link Connection} as that peer's
 * protection, runs the session's timers from its own deadline queue, and reports its handshake's
 * outcome through the {@link EngineOutput}. The layer never touches a socket, a thread or a clock.
 *
 * <p>A record layer binds its records to the peer's address (DTLS 1.2 without RFC 9146 connection
 * ids does): an engine with one does not migrate connections.
 *
 * @since 0.1.0
 */
public interface RecordLayer {
    /** Where a layer's and a session's datagrams go, addressed. */
    @FunctionalInterface
    interface Wire {
        /**
         * Sends a datagram as it is: a record (or records), nothing added.
         *
         * @param to its destination
         * @param datagram its bytes, position to limit; valid only during the call
         */
        void transmit(InetSocketAddress to, ByteBuffer datagram);
    }

    /** Where a session's records go, and its decrypted plaintexts. */
    interface Output {
        /**
         * Sends a datagram to the session's peer.
         *
         * @param datagram its bytes; valid only during the call
         */
        void transmit(ByteBuffer datagram);

        /**
         * Hands over one decrypted application record.
         *
         * @param payload its plaintext; valid only during the call
         */
        void deliver(ByteBuffer payload);
    }

    /**
     * Answers a datagram from an address the engine holds no connection for: a server admits a
     * client that proved its address (a session comes back), answers one that has not statelessly
     * (a reply never larger than the datagram), and drops and counts anything else. A client
     * admits nobody.
     *
     * @param from the sender
     * @param datagram its bytes, position to limit; not changed
     * @param room whether the engine has room for another connection; when not, nothing is admitted
     * @param now the current time
     * @param wire where a stateless answer goes
     * @param out where the new session's first flight goes
     * @return the new session, already handshaking, or null if nothing was admitted
     */
    Session accept(InetSocketAddress from, ByteBuffer datagram, boolean room, long now, Wire wire, Output out);

    /**
     * Whether a datagram from a peer the engine has a finished session with starts a handshake
     * afresh (a client that restarted from the same port): it then goes through {@link #accept}.
     *
     * @param datagram its bytes, position to limit
     * @return whether it opens a new handshake
     */
    boolean opensHandshake(ByteBuffer datagram);

    /**
     * Whether this side starts handshakes ({@link #connect}): a client does, a server only accepts.
     *
     * @return true for a client
     */
    boolean connects();

    /**
     * Starts a client's handshake with a server.
     *
     * @param server its address
     * @param now the current time
     * @param out where the first flight goes
     * @return the session, handshaking (or already failed)
     * @throws IllegalStateException if this side only accepts
     */
    Session connect(InetSocketAddress server, long now, Output out);

    /**
     * Ends a session the engine replaces with a new handshake from the same address, without a
     * word to the peer (an alert of the old epoch would only confuse its new handshake).
     *
     * @param session a session of this layer
     */
    void abandon(Session session);

    /**
     * The largest datagram this layer puts on the wire; the engine's plaintext datagrams are
     * smaller by {@link #overhead()}.
     *
     * @return bytes
     */
    int maxDatagramSize();

    /**
     * What a record adds to its plaintext.
     *
     * @return bytes
     */
    int overhead();

    /** One peer's association: the protection of its {@link Connection}. */
    interface Session {
        /**
         * Processes a datagram from the peer: handshake records drive the handshake, application
         * records are checked against replay, decrypted and handed to {@code out}. What is
         * malformed, replayed or forged is dropped and counted.
         *
         * @param datagram its bytes, position to limit
         * @param now the current time
         * @param out where answers and plaintexts go
         */
        void receive(ByteBuffer datagram, long now, Output out);

        /**
         * Seals one plaintext datagram as one record.
         *
         * @param payload position to limit; consumed
         * @param now the current time
         * @param out where the record goes
         * @throws IllegalStateException if the session is not established
         */
        void send(ByteBuffer payload, long now, Output out);

        /**
         * Runs the handshake's timers.
         *
         * @param now the current time
         * @param out where retransmissions go
         * @return the next deadline, or {@link Engine#NO_DEADLINE}
         */
        long update(long now, Output out);

        /**
         * Closes the association, saying so to the peer if it was established.
         *
         * @param now the current time
         * @param out where the alert goes
         */
        void close(long now, Output out);

        /** @return whether the handshake is still under way */
        boolean isHandshaking();

        /** @return whether application records flow */
        boolean isEstablished();

        /** @return why the handshake failed, or null if it has not */
        HandshakeException failure();

        /** @return who the peer proved to be, or null before the handshake completed */
        PeerIdentity identity();
    }
}
