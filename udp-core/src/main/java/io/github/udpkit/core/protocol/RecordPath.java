package io.github.udpkit.core.protocol;

import io.github.udpkit.api.HandshakeException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One connection's {@link RecordLayer.Session} and the path its records take: records out to the
 * peer's address on the wire, plaintexts in to the engine as the peer's datagrams. The session is
 * the connection's protection; this class holds what the engine must remember of its handshake
 * (whether the peer was announced and authenticated, the failure reported once).
 *
 * <p>Made before its session, which sends its first flight through it. On the engine's thread, like the connection that holds it.
 */
final class RecordPath implements RecordLayer.Output {
    private final Engine engine;
    private final InetSocketAddress peer;
    RecordLayer.Session session;
    /** Whether {@link EngineOutput#peerAuthenticated} was reported. */
    boolean authenticated;
    /** Whether {@link EngineOutput#peerConnected} was reported: a server announces a peer once it proved itself. */
    boolean announced;
    /** Whether the handshake's failure was reported. */
    boolean failureReported;

    RecordPath(Engine engine, InetSocketAddress peer, RecordLayer.Session session) {
        this.engine = engine;
        this.peer = peer;
        this.session = session;
    }

    /** Binds the session admitted or started on this path; returns this. */
    RecordPath bind(RecordLayer.Session admitted) {
        this.session = admitted;
        return this;
    }

    @Override
    public void transmit(ByteBuffer datagram) {
        engine.output.transmit(peer, datagram);
    }

    @Override
    public void deliver(ByteBuffer payload) {
        engine.receivePlaintext(peer, payload);
    }

    /**
     * Seals one of the engine's datagrams as one record. Before the handshake completes nothing is
     * sent (the connection does not transmit then; a control datagram that tries is dropped, and
     * what is reliable goes again after the handshake, as after any loss).
     */
    void seal(ByteBuffer datagram) {
        if (!session.isEstablished()) {
            engine.metrics.recordsWithheld.increment();
            return;
        }
        session.send(datagram, engine.now(), this);
    }

    /** The handshake's failure, the first time it is asked for; else null. */
    HandshakeException takeFailure() {
        HandshakeException failure = session.failure();
        if (failure == null || failureReported) {
            return null;
        }
        failureReported = true;
        return failure;
    }
}
