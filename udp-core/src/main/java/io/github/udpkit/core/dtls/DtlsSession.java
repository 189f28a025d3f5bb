package io.github.udpkit.core.dtls;

import static com.google.common.base.Preconditions.checkState;
import static io.github.udpkit.core.protocol.Engine.NO_DEADLINE;

import io.github.udpkit.api.HandshakeException;
import io.github.udpkit.api.MessageTooLargeException;
import io.github.udpkit.api.PeerIdentity;
import io.github.udpkit.core.Addresses;
import io.github.udpkit.core.protocol.RecordLayer;
import io.github.udpkit.core.security.ReplayWindow;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * One DTLS 1.2 association with one peer, sans I/O: fed datagrams and the time, it hands back
 * datagrams to send and decrypted application records, and says when it next wants to be woken.
 * The JDK's {@link SSLEngine} does the cryptography and the handshake messages; this class does
 * what the engine leaves out:
 * <ul>
 *   <li>handshake retransmission on its own timer (RFC 6347 §4.2.4: 1 s, doubling, capped at
 *       60 s) and a handshake deadline, without any thread;</li>
 *   <li>recovery of a lost final flight: a side that finished by sending resends that flight when
 *       the peer's retransmission shows it was lost;</li>
 *   <li>every record of a datagram is unwrapped (a peer may pack a whole flight in one);</li>
 *   <li>an anti-replay window on application records, checked before decryption and moved only
 *       by authentic records.</li>
 * </ul>
 *
 * <p>Not thread-safe: one thread (the endpoint's I/O thread, or a simulation) owns it.
 *
 * @since 0.1.0
 */
public final class DtlsSession implements RecordLayer.Session {
    /** Where a session's datagrams and application payloads go: the record layer's, by a shorter name. */
    public interface Output extends RecordLayer.Output {
    }

    /** Where a session is in its life. */
    public enum State {
        /** Handshake in progress. */
        HANDSHAKING,
        /** Handshake complete: application data flows. */
        ESTABLISHED,
        /** The handshake failed or timed out: see {@link #failure()}. */
        FAILED,
        /** The peer or this side closed the association. */
        CLOSED
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int MAX_STEPS = 256;

    private final SSLEngine engine;
    private final InetSocketAddress peer;
    private final DtlsConfig config;
    private final ReplayWindow replay = new ReplayWindow();
    private final ByteBuffer netOut;
    private ByteBuffer appIn;
    private State state = State.HANDSHAKING;
    private final long handshakeDeadline;
    private final long started;
    private long established = Long.MIN_VALUE;

    /** The datagrams of the last flight this side sent, for retransmission. */
    private final List<byte[]> flight = new ArrayList<>();
    /** Handshake records the engine wrote this turn, packed into datagrams when the turn ends. */
    private final List<byte[]> unsent = new ArrayList<>();
    /** Whether the next handshake datagram the engine writes continues the current flight. */
    private boolean flightOpen;
    private long rto;
    private long retransmitAt;
    private boolean retransmitting;
    /** Until when a side that finished by sending keeps its final flight for the peer. */
    private long keepFlightUntil;
    /** When the flight last went out, first time or again. */
    private long lastSent = Long.MIN_VALUE;
    /** When the second copy of a retransmitted flight is due, if one is. */
    private long copyAt;
    private boolean copyPending;
    /** The highest handshake message_seq of the peer's shown to the engine. */
    private int peerHighestSeq = -1;
    /** The peer's highest message_seq when this side's current flight began: what the flight answers. */
    private int answeredSeq = -1;
    /** Whether the datagram being received repeated a flight this side has answered already. */
    private boolean peerRepeated;
    /** How many handshake datagrams the engine writes that are swallowed (the server's priming). */
    private int swallow;

    private HandshakeException failure;
    private PeerIdentity identity;
    private String receivedAlert;
    private String sentAlert;

    private final DtlsCounters counters;

    DtlsSession(SSLEngine engine, InetSocketAddress peer, DtlsConfig config, DtlsCounters counters, long now) {
        this.counters = counters;
        this.engine = engine;
        this.peer = peer;
        this.config = config;
        this.netOut = ByteBuffer.allocate(Math.max(engine.getSession().getPacketBufferSize(), config.maxDatagramSize()));
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.started = now;
        this.handshakeDeadline = now + config.handshakeTimeout().toNanos();
        this.rto = config.initialRetransmit().toNanos();
        counters.handshakesStarted.increment();
        counters.handshaking.add(1);
        counters.sessions.add(1);
    }

    /**
     * Every change of state goes through here, so that the counts of handshakes under way and of
     * sessions kept follow the sessions themselves, whoever holds them (an engine's connection or
     * the RAW host).
     */
    private void moveTo(State next) {
        if (state == next) {
            return;
        }
        if (state == State.HANDSHAKING) {
            counters.handshaking.add(-1);
            if (next == State.ESTABLISHED) {
                counters.handshakesCompleted.increment();
                counters.handshakeNanosTotal.add(established - started);
            } else if (next == State.FAILED) {
                counters.handshakesFailed.increment();
            }
        }
        if (next == State.FAILED || next == State.CLOSED) {
            counters.sessions.add(-1);
        }
        state = next;
    }

    /**
     * Forgets the association without a word to the peer: it started a new handshake from the
     * same address, and an alert of the old epoch would only confuse it.
     */
    void abandon() {
        if (state == State.HANDSHAKING || state == State.ESTABLISHED) {
            retransmitting = false;
            flight.clear();
            moveTo(State.CLOSED);
        }
    }

    @Override
    public boolean isHandshaking() {
        return state == State.HANDSHAKING;
    }

    @Override
    public boolean isEstablished() {
        return state == State.ESTABLISHED;
    }

    /**
     * Starts a client's handshake: its first flight goes out now.
     *
     * @param engine a client-mode engine from {@link DtlsConfig#newEngine}
     * @param peer the server
     * @param config the settings (timers)
     * @param counters where the session counts what it drops and retransmits
     * @param now the current time in nanoseconds
     * @param out where the ClientHello goes
     * @return the session
     */
    static DtlsSession client(SSLEngine engine, InetSocketAddress peer, DtlsConfig config, DtlsCounters counters,
                              long now, RecordLayer.Output out) {
        DtlsSession session = new DtlsSession(engine, peer, config, counters, now);
        if (session.begin(now, out)) {
            session.drive(now, out);
        }
        return session;
    }

    /**
     * Starts a server's handshake from a ClientHello that echoed udpkit's own address-bound cookie.
     * The JDK's engine insists on a cookie exchange of its own and numbers its messages from zero,
     * so it is first shown the same ClientHello without the cookie as message 0 (record 0), and
     * its HelloVerifyRequest 0 is
     * swallowed; the real ClientHello (message 1) then draws its HelloVerifyRequest 1, which goes to
     * the client, and the numbering of both sides agrees for the rest of the handshake.
     */
    static DtlsSession server(SSLEngine engine, InetSocketAddress peer, DtlsConfig config, DtlsCounters counters,
                              ByteBuffer clientHello, long now, RecordLayer.Output out) {
        DtlsSession session = new DtlsSession(engine, peer, config, counters, now);
        if (!session.begin(now, out)) {
            return session;
        }
        ByteBuffer primer = DtlsRecords.withoutCookie(clientHello);
        session.swallow = 1;
        session.receive(primer, now, out);
        session.swallow = 0;
        session.flight.clear();
        session.flightOpen = false;
        session.receive(clientHello, now, out);
        return session;
    }

    private boolean begin(long now, RecordLayer.Output out) {
        try {
            engine.beginHandshake();
            return true;
        } catch (SSLException e) {
            fail(e, now, out);
            return false;
        }
    }

    /**
     * Processes one datagram from the peer: every record in it, handshake and application alike.
     * Records that are malformed, replayed or fail authentication are dropped and counted.
     *
     * @param datagram the datagram; its position to limit is read
     * @param now the current time in nanoseconds
     * @param out where answers and decrypted payloads go
     */
    @Override
    public void receive(ByteBuffer datagram, long now, RecordLayer.Output out) {
        int offset = datagram.position();
        peerRepeated = false;
        while (offset < datagram.limit() && (state == State.HANDSHAKING || state == State.ESTABLISHED)) {
            int length = DtlsRecords.recordLength(datagram, offset);
            if (length < 0) {
                counters.unexpected.increment();
                break; // the rest of the datagram cannot be framed
            }
            receiveRecord(datagram, offset, length, now, out);
            offset += length;
        }
        if (peerRepeated) {
            resendOnRepeat(now, out);
        }
    }

    /**
     * The peer sent again a flight this side has answered: the answer was lost (RFC 6347
     * §4.2.4), so it goes again now rather than at this side's own timer. At most once per half
     * an initial interval, so that duplicated datagrams cannot start a storm.
     */
    private void resendOnRepeat(long now, RecordLayer.Output out) {
        boolean keeping = state == State.HANDSHAKING || now - keepFlightUntil < 0;
        // A repeat that follows our flight closely crossed it, or is a duplicate: no loss shown.
        if (!flight.isEmpty() && keeping && now - lastSent >= config.initialRetransmit().toNanos() / 2) {
            resendFlight(now, out);
        }
    }

    private void receiveRecord(ByteBuffer datagram, int offset, int length, long now, RecordLayer.Output out) {
        byte type = DtlsRecords.type(datagram, offset);
        int epoch = DtlsRecords.epoch(datagram, offset);
        if (type == DtlsRecords.APPLICATION_DATA) {
            // Data before the handshake completes, of an epoch never negotiated, or of another version:
            // the JDK leaves the version out of what it authenticates, so it is checked here.
            if (state != State.ESTABLISHED || epoch != 1 || DtlsRecords.version(datagram, offset) != DtlsRecords.DTLS_1_2) {
                counters.unexpected.increment();
                return;
            }
            long sequence = DtlsRecords.sequence(datagram, offset);
            if (!replay.check(sequence)) {
                counters.replaysDropped.increment();
                return;
            }
            int produced = unwrap(datagram, offset, length, now, out);
            if (produced > 0) {
                replay.accept(sequence);
                keepFlightUntil = now; // the peer has the keys: it got the final flight
                flight.clear();
                appIn.flip();
                out.deliver(appIn);
            } else if (produced == 0) {
                counters.authFailures.increment();
            }
            return;
        }
        if (type == DtlsRecords.ALERT) {
            if (epoch == 0 && length >= DtlsRecords.HEADER + 2) {
                receivedAlert = DtlsRecords.alertName(datagram.get(offset + DtlsRecords.HEADER + 1) & 0xFF);
            }
            unwrap(datagram, offset, length, now, out);
            if (engine.isInboundDone() && state == State.ESTABLISHED) {
                moveTo(State.CLOSED);
            }
            drive(now, out);
            return;
        }
        // Handshake and ChangeCipherSpec records.
        if (state == State.ESTABLISHED) {
            peerRepeated = true; // the peer is still handshaking: our final flight was lost
            return;
        }
        if (type == DtlsRecords.HANDSHAKE && epoch == 0 && DtlsRecords.handshakeType(datagram, offset, length) >= 0) {
            int seq = DtlsRecords.messageSeq(datagram, offset);
            if (seq <= answeredSeq) {
                peerRepeated = true; // the engine has seen it: it would ignore it
                return;
            }
            peerHighestSeq = Math.max(peerHighestSeq, seq);
        }
        flightOpen = false; // whatever the engine writes next answers this
        unwrap(datagram, offset, length, now, out);
        drive(now, out);
    }

    /**
     * Encrypts one application payload as one record in one datagram.
     *
     * @param payload the bytes; position to limit is sent
     * @param now the current time in nanoseconds
     * @param out where the datagram goes
     * @throws IllegalStateException if the session is not established
     * @throws MessageTooLargeException if the payload does not fit one record within the datagram size
     */
    @Override
    public void send(ByteBuffer payload, long now, RecordLayer.Output out) {
        checkState(state == State.ESTABLISHED, "DTLS session with %s is %s, not established", peer, state);
        int size = payload.remaining();
        int limit = maxPayload();
        if (size > limit) {
            throw new MessageTooLargeException("message of " + size + " bytes to " + peer
                    + " does not fit one DTLS record within the datagram size of " + config.maxDatagramSize()
                    + " bytes (at most " + limit + ")");
        }
        netOut.clear();
        try {
            SSLEngineResult result = engine.wrap(payload, netOut);
            if (result.getStatus() != SSLEngineResult.Status.OK) {
                throw new IllegalStateException("DTLS session with " + peer + " could not wrap: " + result.getStatus());
            }
        } catch (SSLException e) {
            fail(e, now, out);
            throw failure;
        }
        netOut.flip();
        out.transmit(netOut);
    }

    /**
     * Returns the largest application payload one record can carry within the datagram size.
     *
     * @return bytes
     */
    public int maxPayload() {
        // 13 bytes of record header, then the AEAD's explicit nonce (8 for AES-GCM, 0 for
        // ChaCha20-Poly1305) and its 16-byte tag.
        return config.maxDatagramSize() - DtlsRecords.HEADER - 8 - 16;
    }

    /**
     * Runs the timers: retransmits the handshake flight when due, fails the handshake at its deadline.
     *
     * @param now the current time in nanoseconds
     * @param out where retransmissions go
     * @return the next time this session wants to be called, or {@link io.github.udpkit.core.protocol.Engine#NO_DEADLINE}
     */
    @Override
    public long update(long now, RecordLayer.Output out) {
        if (state != State.HANDSHAKING) {
            return NO_DEADLINE;
        }
        if (now - handshakeDeadline >= 0) {
            String alert = receivedAlert;
            failure = new HandshakeException(peer, null, "DTLS handshake with " + Addresses.format(peer) + " timed out after "
                    + config.handshakeTimeout().toMillis() + " ms" + (alert == null ? " (no answer)" : ""), null);
            moveTo(State.FAILED);
            engine.closeOutbound();
            return NO_DEADLINE;
        }
        if (copyPending && now - copyAt >= 0) {
            copyPending = false;
            sendFlight(out);
        }
        if (retransmitting && now - retransmitAt >= 0) {
            resendFlight(now, out);
            rto = Math.min(rto * 2, config.maxRetransmit().toNanos());
            retransmitAt = now + rto;
        }
        return nextDeadline();
    }

    /**
     * Returns when the session next wants {@link #update} called.
     *
     * @return a time in nanoseconds, or {@link io.github.udpkit.core.protocol.Engine#NO_DEADLINE} for never
     */
    public long nextDeadline() {
        if (state != State.HANDSHAKING) {
            return NO_DEADLINE;
        }
        long next = retransmitting && retransmitAt - handshakeDeadline < 0 ? retransmitAt : handshakeDeadline;
        return copyPending && copyAt - next < 0 ? copyAt : next;
    }

    /**
     * Closes the association, sending a close_notify alert if it was established.
     *
     * @param now the current time
     * @param out where the alert goes
     */
    @Override
    public void close(long now, RecordLayer.Output out) {
        if (state == State.ESTABLISHED) {
            engine.closeOutbound();
            wrapPending(out);
        }
        if (state == State.HANDSHAKING || state == State.ESTABLISHED) {
            moveTo(State.CLOSED);
        }
    }

    /**
     * Sends the flight again, and a second copy a quarter of an initial interval later: a flight
     * is sent again only when a loss is certain (a timer expired, or the peer repeated itself),
     * and on a path that loses datagrams a copy costs a few hundred bytes where another wait costs
     * seconds of doubled timers. Spaced, the copies do not fall into the same burst of loss. A
     * finished side, which runs no timer, sends both copies at once.
     */
    private void resendFlight(long now, RecordLayer.Output out) {
        sendFlight(out);
        lastSent = now;
        if (state == State.HANDSHAKING) {
            copyPending = true;
            copyAt = now + config.initialRetransmit().toNanos() / 4;
        } else {
            sendFlight(out);
        }
    }

    private void sendFlight(RecordLayer.Output out) {
        for (byte[] datagram : flight) {
            counters.retransmissions.increment();
            out.transmit(ByteBuffer.wrap(datagram));
        }
    }

    /** Unwraps one record; returns the plaintext bytes produced, or -1 if the session failed. */
    private int unwrap(ByteBuffer datagram, int offset, int length, long now, RecordLayer.Output out) {
        // A view of the one record, not a copy: the engine reads it and consumes exactly it.
        ByteBuffer record = datagram.duplicate().limit(offset + length).position(offset);
        appIn.clear();
        try {
            SSLEngineResult result = engine.unwrap(record, appIn);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                appIn = ByteBuffer.allocate(Math.max(appIn.capacity() * 2, engine.getSession().getApplicationBufferSize()));
                record.position(offset);
                result = engine.unwrap(record, appIn);
            }
            return result.bytesProduced();
        } catch (SSLException e) {
            fail(e, now, out);
            return -1;
        }
    }

    /** Lets the engine run until it waits for the peer, then sends what it wrote, packed. */
    private void drive(long now, RecordLayer.Output out) {
        try {
            run(now, out);
        } finally {
            flush(out);
        }
    }

    /**
     * Packs the handshake datagrams the engine wrote into as few datagrams as the datagram size
     * allows (the JDK writes one message a datagram; a flight of four then costs one datagram,
     * so a lossy path loses it a quarter as often), sends them, and keeps them as the flight.
     */
    private void flush(RecordLayer.Output out) {
        if (unsent.isEmpty()) {
            return;
        }
        int limit = config.maxDatagramSize();
        int i = 0;
        while (i < unsent.size()) {
            int size = unsent.get(i).length;
            int j = i + 1;
            while (j < unsent.size() && size + unsent.get(j).length <= limit) {
                size += unsent.get(j).length;
                j++;
            }
            byte[] datagram = new byte[size];
            for (int k = i, at = 0; k < j; at += unsent.get(k).length, k++) {
                System.arraycopy(unsent.get(k), 0, datagram, at, unsent.get(k).length);
            }
            flight.add(datagram);
            out.transmit(ByteBuffer.wrap(datagram));
            i = j;
        }
        unsent.clear();
    }

    private void run(long now, RecordLayer.Output out) {
        for (int step = 0; step < MAX_STEPS && state == State.HANDSHAKING; step++) {
            SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
            try {
                switch (status) {
                    case NEED_TASK -> {
                        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                            task.run(); // on this thread: sans-I/O means no executor of our own
                        }
                    }
                    case NEED_WRAP -> wrapHandshake(now, out);
                    case NEED_UNWRAP_AGAIN -> {
                        appIn.clear();
                        engine.unwrap(EMPTY, appIn);
                    }
                    case NEED_UNWRAP -> {
                        return;
                    }
                    default -> {
                        complete(now);
                        return;
                    }
                }
            } catch (SSLException e) {
                fail(e, now, out);
                return;
            } catch (RuntimeException e) {
                // The JDK's engine reports some failures (a certificate check) as runtime exceptions.
                fail(new SSLException(e.getMessage(), e), now, out);
                return;
            }
        }
    }

    private void wrapHandshake(long now, RecordLayer.Output out) throws SSLException {
        netOut.clear();
        SSLEngineResult result = engine.wrap(EMPTY, netOut);
        if (result.bytesProduced() == 0) {
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("engine closed during the handshake");
            }
            return;
        }
        netOut.flip();
        if (swallow > 0) {
            swallow--;
            return;
        }
        byte[] datagram = new byte[netOut.remaining()];
        netOut.duplicate().get(datagram);
        if (!flightOpen) {
            flight.clear();
            copyPending = false;
            lastSent = now;
            flightOpen = true;
            answeredSeq = peerHighestSeq;
            rto = config.initialRetransmit().toNanos();
        }
        unsent.add(datagram);
        retransmitting = true;
        retransmitAt = now + rto;
        if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
            complete(now);
        }
    }

    private void complete(long now) {
        if (state != State.HANDSHAKING) {
            return;
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            for (Certificate c : engine.getSession().getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
        } catch (SSLPeerUnverifiedException e) {
            // an anonymous client: no certificate was asked for
        }
        identity = new PeerIdentity(chain, engine.getSession().getCipherSuite());
        established = now;
        moveTo(State.ESTABLISHED);
        retransmitting = false;
        // A side that finished by sending keeps its last flight, in case the peer never saw it.
        if (flightOpen) {
            keepFlightUntil = now + config.handshakeTimeout().toNanos();
        } else {
            flight.clear();
        }
    }

    private void fail(SSLException e, long now, RecordLayer.Output out) {
        if (state == State.FAILED) {
            return;
        }
        flush(out); // what the engine wrote before it failed goes first, the alert after it
        engine.closeOutbound();
        wrapPending(out);
        moveTo(State.FAILED);
        retransmitting = false;
        flight.clear();
        String alert = receivedAlert != null ? receivedAlert : sentAlert;
        String side = receivedAlert != null ? "peer sent alert " : sentAlert != null ? "sent alert " : "";
        failure = new HandshakeException(peer, alert, "DTLS handshake with " + Addresses.format(peer) + " failed: "
                + (alert == null ? "" : side + alert + ": ") + reason(e), e);
    }

    /** The JDK's message, without the class names of the exceptions it wraps: for people to read. */
    private static String reason(SSLException e) {
        String message = String.valueOf(e.getMessage());
        return message.replaceAll("(?:[a-z]\\w*\\.)+[A-Z]\\w*(?:Exception|Error): ", "");
    }

    /** Sends what a closing engine still has to say (an alert), noting a plaintext alert's name. */
    private void wrapPending(RecordLayer.Output out) {
        for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
            netOut.clear();
            try {
                SSLEngineResult result = engine.wrap(EMPTY, netOut);
                if (result.bytesProduced() == 0) {
                    return;
                }
            } catch (SSLException | RuntimeException e) {
                return;
            }
            netOut.flip();
            int length = DtlsRecords.recordLength(netOut, 0);
            if (length >= DtlsRecords.HEADER + 2 && DtlsRecords.type(netOut, 0) == DtlsRecords.ALERT
                    && DtlsRecords.epoch(netOut, 0) == 0 && sentAlert == null) {
                sentAlert = DtlsRecords.alertName(netOut.get(DtlsRecords.HEADER + 1) & 0xFF);
            }
            out.transmit(netOut);
        }
    }

    /** @return the peer's address */
    public InetSocketAddress peer() {
        return peer;
    }

    /** @return where the session is */
    public State state() {
        return state;
    }

    /** @return whether this side started the handshake */
    public boolean isClient() {
        return engine.getUseClientMode();
    }

    /**
     * Returns the peer's verified identity.
     *
     * @return it, once established; null before
     */
    @Override
    public PeerIdentity identity() {
        return identity;
    }

    /**
     * Returns why the handshake failed.
     *
     * @return the failure, or null if it has not failed
     */
    @Override
    public HandshakeException failure() {
        return failure;
    }

    /**
     * Returns how long the handshake took.
     *
     * @return nanoseconds from start to completion, or -1 if not complete
     */
    public long handshakeNanos() {
        return established == Long.MIN_VALUE ? -1 : established - started;
    }

    @Override
    public String toString() {
        return "DtlsSession[" + peer + ", " + (isClient() ? "client" : "server") + ", " + state + "]";
    }
}
