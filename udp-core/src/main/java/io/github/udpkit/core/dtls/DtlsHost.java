package io.github.udpkit.core.dtls;

import static com.google.common.base.Preconditions.checkArgument;
import static io.github.udpkit.core.protocol.Engine.NO_DEADLINE;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.HandshakeException;
import io.github.udpkit.api.PeerIdentity;
import io.github.udpkit.core.Addresses;
import io.github.udpkit.core.protocol.AddressValidator;
import io.github.udpkit.core.security.RateLimiter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The DTLS side of one endpoint, sans I/O: it routes datagrams to a {@link DtlsSession} per peer
 * address, admits new clients, and runs every session's timers.
 *
 * <p>Admission (a server): a ClientHello from an address without a session is answered, before
 * any {@code SSLEngine} exists, with a HelloVerifyRequest whose cookie is an HMAC of the client's
 * address, port and random under a secret that rotates (every 10 seconds per 10 seconds of handshake
 * deadline: a cookie outlives the handshake it admits) with {@link AddressValidator}, the cookie of
 * udpkit's own address validation. The answer is never larger than the
 * ClientHello, and nothing is remembered. Only a ClientHello that echoes a valid cookie creates a
 * session, and only within the limits: at most {@link DtlsConfig#maxHandshakes()} handshakes at
 * once, {@link DtlsConfig#maxSessions()} sessions, and a per-source handshake rate. A ClientHello
 * offering only DTLS 1.0 is refused with a protocol_version alert, smaller than it too.
 *
 * <p>Not thread-safe: one thread owns it.
 *
 * @since 0.1.0
 */
public final class DtlsHost {
    /** Where the host's datagrams, payloads and events go. */
    public interface Output {
        /**
         * Sends a datagram.
         *
         * @param to its destination
         * @param datagram its bytes; valid only during the call
         */
        void transmit(InetSocketAddress to, ByteBuffer datagram);

        /**
         * Hands over one decrypted application record.
         *
         * @param from the peer
         * @param payload its plaintext; valid only during the call
         * @param identity who the peer proved to be
         */
        void deliver(InetSocketAddress from, ByteBuffer payload, PeerIdentity identity);

        /**
         * A handshake completed.
         *
         * @param peer the peer
         * @param identity who it proved to be
         */
        default void established(InetSocketAddress peer, PeerIdentity identity) {
        }

        /**
         * A handshake failed; called once per failed handshake.
         *
         * @param failure names the peer and the alert
         */
        default void failed(HandshakeException failure) {
        }

        /**
         * An established association ended (a close_notify from the peer).
         *
         * @param peer the peer
         */
        default void closed(InetSocketAddress peer) {
        }

        /**
         * An established association was silent for the idle timeout, and was closed.
         *
         * @param peer the peer
         */
        default void expired(InetSocketAddress peer) {
        }
    }

    /** How many payloads may wait for one peer's handshake. */
    public static final int MAX_PENDING_PER_PEER = 256;
    /** The time bucket of {@link AddressValidator}: its secret rotates this often on the clock it is given. */
    private static final long COOKIE_BUCKET_SECONDS = 10;
    private static final int HELLO_VERIFY_LENGTH = DtlsRecords.HEADER + DtlsRecords.HANDSHAKE_HEADER + 3
            + AddressValidator.TOKEN_LENGTH;

    private final DtlsConfig config;
    private final Output out;
    private final AddressValidator cookies;
    /**
     * How much slower than the engine's clock the cookies' clock runs. A client retransmits its
     * ClientHello with the cookie it was given for as long as its handshake lasts, and ignores a
     * second HelloVerifyRequest; its cookie must live at least the handshake deadline, where the
     * engine's cookies live 10 to 20 seconds.
     */
    private final long cookieClockDivisor;
    private final RateLimiter handshakeRate;
    private final Map<InetSocketAddress, Peer> peers = new HashMap<>();
    private final byte[] cookie = new byte[AddressValidator.TOKEN_LENGTH];
    private final ByteBuffer reply = ByteBuffer.allocate(64);
    private int handshaking;
    /** No peer's deadline is earlier: {@link #update} has nothing to do before it. */
    private long earliest = NO_DEADLINE;
    private final long idleNanos;
    private final DtlsCounters counters = new DtlsCounters();

    /**
     * Creates the host of an endpoint.
     *
     * @param config the DTLS settings; a server's admits clients, a client's only connects
     * @param out where datagrams and events go
     * @param secrets fills arrays with random bytes for the cookie secrets: a {@code SecureRandom},
     *     or a seeded generator in simulations
     */
    public DtlsHost(DtlsConfig config, Output out, Consumer<byte[]> secrets) {
        this.config = Objects.requireNonNull(config, "config");
        this.out = Objects.requireNonNull(out, "out");
        this.cookies = new AddressValidator(Objects.requireNonNull(secrets, "secrets"));
        this.idleNanos = config.idleTimeout().toNanos();
        this.cookieClockDivisor = config.handshakeTimeout().toSeconds() / COOKIE_BUCKET_SECONDS + 1;
        this.handshakeRate = RateLimiter.builder().ratePerSecond(config.handshakesPerSecond())
                .burst(config.handshakeBurst()).maxSources(Math.max(1024, config.maxHandshakes())).build();
    }

    /** One peer's session and what waits for its handshake. */
    private final class Peer implements DtlsSession.Output {
        final InetSocketAddress address;
        DtlsSession session;
        final ArrayDeque<Pending> pending = new ArrayDeque<>();
        long deadline = NO_DEADLINE;
        long lastActivity;
        boolean handshaking;

        Peer(InetSocketAddress address) {
            this.address = address;
        }

        @Override
        public void transmit(ByteBuffer datagram) {
            out.transmit(address, datagram);
        }

        @Override
        public void deliver(ByteBuffer payload) {
            out.deliver(address, payload, session.identity());
        }
    }

    private record Pending(byte[] payload, CompletableFuture<Void> completion) {}

    /**
     * Processes a datagram from anyone.
     *
     * @param from its source
     * @param datagram its bytes, position to limit
     * @param now the current time in nanoseconds
     */
    public void receive(InetSocketAddress from, ByteBuffer datagram, long now) {
        Peer peer = peers.get(from);
        if (peer != null && !config.isClient() && isInitialClientHello(datagram)
                && peer.session.state() != DtlsSession.State.HANDSHAKING) {
            peer = null; // a client that restarted from the same port: admit it afresh
        }
        if (peer == null) {
            if (config.isClient()) {
                counters.unexpected.increment(); // a client talks only to the servers it connected to
                return;
            }
            admit(from, datagram, now);
            return;
        }
        DtlsSession session = peer.session;
        peer.lastActivity = now;
        session.receive(datagram, now, peer);
        settle(peer, now);
    }

    /**
     * Starts a handshake with a server, if none is under way or established.
     *
     * @param server its address
     * @param now the current time
     */
    public void connect(InetSocketAddress server, long now) {
        checkArgument(config.isClient(), "a DTLS server does not connect: %s", server);
        Peer peer = peers.get(server);
        if (peer != null && (peer.session.state() == DtlsSession.State.HANDSHAKING
                || peer.session.state() == DtlsSession.State.ESTABLISHED)) {
            return;
        }
        if (peer != null) {
            remove(peer);
        }
        peer = add(server);
        peer.session = DtlsSession.client(config.newEngine(server), server, config, counters, now, peer);
        settle(peer, now);
    }

    /**
     * Sends one payload as one record; a client starts the handshake first if needed, and the
     * payload waits for it (at most {@value #MAX_PENDING_PER_PEER} per peer).
     *
     * @param to the peer
     * @param payload the bytes
     * @param completion completed when the record is handed to the output, failed with the
     *     {@link HandshakeException} if the handshake fails; may be null
     * @param now the current time
     * @throws IllegalStateException if a server has no session with the peer
     * @throws BackPressureException if too many payloads wait for the handshake
     */
    public void send(InetSocketAddress to, byte[] payload, CompletableFuture<Void> completion, long now) {
        send(to, ByteBuffer.wrap(payload), completion, now);
    }

    /**
     * Sends one payload as one record, as {@link #send(InetSocketAddress, byte[], CompletableFuture, long)}
     * does; a payload that must wait for the handshake is copied, one sent at once is not.
     *
     * @param to the peer
     * @param payload position to limit is sent; consumed
     * @param completion completed when sent, failed with the handshake's failure; may be null
     * @param now the current time
     */
    public void send(InetSocketAddress to, ByteBuffer payload, CompletableFuture<Void> completion, long now) {
        Peer peer = peers.get(to);
        if (peer == null || peer.session.state() == DtlsSession.State.FAILED
                || peer.session.state() == DtlsSession.State.CLOSED) {
            if (!config.isClient()) {
                throw new IllegalStateException("no DTLS session with " + Addresses.format(to) + ": a server answers clients that connected");
            }
            connect(to, now);
            peer = peers.get(to);
            if (peer == null) {
                throw failureOf(to);
            }
        }
        if (peer.session.state() == DtlsSession.State.ESTABLISHED) {
            peer.lastActivity = now;
            peer.session.send(payload, now, peer);
            if (completion != null) {
                completion.complete(null);
            }
            return;
        }
        if (peer.pending.size() >= MAX_PENDING_PER_PEER) {
            throw new BackPressureException(MAX_PENDING_PER_PEER + " messages already wait for the DTLS handshake with " + to);
        }
        byte[] copy = new byte[payload.remaining()];
        payload.get(copy);
        peer.pending.add(new Pending(copy, completion));
    }

    private HandshakeException failureOf(InetSocketAddress to) {
        return new HandshakeException(to, null, "DTLS handshake with " + Addresses.format(to) + " failed at once", null);
    }

    /**
     * Runs every session's timers.
     *
     * @param now the current time
     * @return when to be called next, or {@link io.github.udpkit.core.protocol.Engine#NO_DEADLINE}
     */
    public long update(long now) {
        if (earliest == NO_DEADLINE || now - earliest < 0) {
            return earliest;
        }
        List<Peer> due = new ArrayList<>();
        for (Peer peer : peers.values()) {
            if (peer.deadline != NO_DEADLINE && now - peer.deadline >= 0) {
                due.add(peer);
            }
        }
        for (Peer peer : due) {
            if (peer.session.state() == DtlsSession.State.ESTABLISHED) {
                expireIfIdle(peer, now);
            } else {
                peer.session.update(now, peer);
                settle(peer, now);
            }
        }
        earliest = NO_DEADLINE;
        for (Peer peer : peers.values()) {
            noteDeadline(peer);
        }
        return earliest;
    }

    private void expireIfIdle(Peer peer, long now) {
        long idleUntil = peer.lastActivity + idleNanos;
        if (now - idleUntil < 0) {
            peer.deadline = idleUntil;
            return;
        }
        peer.session.close(now, peer);
        remove(peer);
        out.expired(peer.address);
    }

    /**
     * Closes every association, sending close_notify where established; fails what waits.
     *
     * @param now the current time
     */
    public void close(long now) {
        for (Iterator<Peer> it = peers.values().iterator(); it.hasNext(); ) {
            Peer peer = it.next();
            peer.session.close(now, peer);
            failPending(peer, new HandshakeException(peer.address, null, "endpoint closed before the DTLS handshake with "
                    + Addresses.format(peer.address) + " completed", null));
            it.remove();
        }
        handshaking = 0;
        counters.handshaking.set(0);
        counters.sessions.set(0);
    }

    /** After anything happened to a session: events, queued payloads, bookkeeping. */
    private void settle(Peer peer, long now) {
        DtlsSession session = peer.session;
        switch (session.state()) {
            case HANDSHAKING -> peer.deadline = session.nextDeadline();
            case ESTABLISHED -> {
                if (peer.handshaking || !peer.pending.isEmpty()) {
                    if (peer.handshaking) {
                        endHandshake(peer);
                        counters.handshakesCompleted.increment();
                        counters.handshakeNanosTotal.add(session.handshakeNanos());
                        peer.lastActivity = now;
                        peer.deadline = now + idleNanos;
                        out.established(peer.address, session.identity());
                    }
                    for (Pending p; (p = peer.pending.poll()) != null && session.state() == DtlsSession.State.ESTABLISHED; ) {
                        session.send(ByteBuffer.wrap(p.payload()), now, peer);
                        if (p.completion() != null) {
                            p.completion().complete(null);
                        }
                    }
                }
            }
            case FAILED -> {
                counters.handshakesFailed.increment();
                remove(peer);
                HandshakeException failure = session.failure();
                failPending(peer, failure);
                out.failed(failure);
            }
            case CLOSED -> {
                remove(peer);
                failPending(peer, new HandshakeException(peer.address, "close_notify", "DTLS association with "
                        + Addresses.format(peer.address) + " closed by the peer", null));
                out.closed(peer.address);
            }
            default -> throw new AssertionError(session.state());
        }
        if (peers.get(peer.address) == peer) {
            noteDeadline(peer);
        }
    }

    private void noteDeadline(Peer peer) {
        if (peer.deadline != NO_DEADLINE && (earliest == NO_DEADLINE || peer.deadline - earliest < 0)) {
            earliest = peer.deadline;
        }
    }

    private Peer add(InetSocketAddress address) {
        Peer peer = new Peer(address);
        peers.put(address, peer);
        peer.handshaking = true;
        handshaking++;
        counters.handshaking.set(handshaking);
        counters.sessions.set(peers.size());
        counters.handshakesStarted.increment();
        return peer;
    }

    private void endHandshake(Peer peer) {
        if (peer.handshaking) {
            peer.handshaking = false;
            handshaking--;
            counters.handshaking.set(handshaking);
        }
    }

    private void remove(Peer peer) {
        endHandshake(peer);
        if (peers.get(peer.address) == peer) {
            peers.remove(peer.address);
            counters.sessions.set(peers.size());
        }
        peer.deadline = NO_DEADLINE;
    }

    private static void failPending(Peer peer, HandshakeException failure) {
        for (Pending p; (p = peer.pending.poll()) != null; ) {
            if (p.completion() != null) {
                p.completion().completeExceptionally(failure);
            }
        }
    }

    // ---------------------------------------------------------------- admission

    private static boolean isInitialClientHello(ByteBuffer datagram) {
        int offset = datagram.position();
        int length = DtlsRecords.recordLength(datagram, offset);
        return length > 0 && DtlsRecords.type(datagram, offset) == DtlsRecords.HANDSHAKE
                && DtlsRecords.epoch(datagram, offset) == 0
                && DtlsRecords.handshakeType(datagram, offset, length) == DtlsRecords.CLIENT_HELLO;
    }

    private void admit(InetSocketAddress from, ByteBuffer datagram, long now) {
        int offset = datagram.position();
        int length = DtlsRecords.recordLength(datagram, offset);
        if (length < 0 || DtlsRecords.type(datagram, offset) != DtlsRecords.HANDSHAKE
                || DtlsRecords.epoch(datagram, offset) != 0
                || DtlsRecords.handshakeType(datagram, offset, length) != DtlsRecords.CLIENT_HELLO
                || !DtlsRecords.unfragmented(datagram, offset, length)) {
            counters.unexpected.increment(); // not the start of a handshake: nothing to answer, nothing to keep
            return;
        }
        // ClientHello body: client_version(2) random(32) session_id<0..32> cookie<0..255> ...
        int body = offset + DtlsRecords.HEADER + DtlsRecords.HANDSHAKE_HEADER;
        int end = offset + length;
        if (end - body < 2 + 32 + 1) {
            counters.unexpected.increment();
            return;
        }
        int clientVersion = datagram.getShort(body) & 0xFFFF;
        long random = datagram.getLong(body + 2);
        int sessionIdLength = datagram.get(body + 34) & 0xFF;
        int cookieAt = body + 35 + sessionIdLength;
        if (sessionIdLength > 32 || cookieAt >= end) {
            counters.unexpected.increment();
            return;
        }
        int cookieLength = datagram.get(cookieAt) & 0xFF;
        if (cookieAt + 1 + cookieLength > end) {
            counters.unexpected.increment();
            return;
        }
        long sequence = DtlsRecords.sequence(datagram, offset);
        if (clientVersion != DtlsRecords.DTLS_1_2 && (clientVersion & 0xFF00) == 0xFE00 && clientVersion > DtlsRecords.DTLS_1_2) {
            // DTLS versions count down: 0xFEFF is 1.0. A client that offers nothing newer is refused.
            counters.refused.increment();
            sendAlert(from, sequence, 70, length);
            return;
        }
        if (cookieLength == 0
                || !cookies.isValid(from, random, datagram, cookieAt + 1, cookieLength, now / cookieClockDivisor)) {
            sendHelloVerify(from, random, sequence, datagram.remaining(), now);
            return;
        }
        if (handshaking >= config.maxHandshakes() || peers.size() >= config.maxSessions()
                || !handshakeRate.tryAcquire(from.getAddress(), now)) {
            counters.refused.increment(); // the client retransmits, and may find room then
            return;
        }
        Peer peer = add(from);
        ByteBuffer hello = datagram.duplicate().limit(offset + length).position(offset);
        peer.session = DtlsSession.server(config.newEngine(from), from, config, counters, hello, now, peer);
        int rest = offset + length;
        if (rest < datagram.limit() && peer.session.state() == DtlsSession.State.HANDSHAKING) {
            peer.session.receive(datagram.duplicate().position(rest), now, peer);
        }
        settle(peer, now);
    }

    /**
     * RFC 6347 §4.2.1: version DTLS 1.0, the ClientHello's record sequence number, message_seq 0;
     * sent twice, both copies together never more bytes than the ClientHello.
     */
    private void sendHelloVerify(InetSocketAddress to, long random, long sequence, int received, long now) {
        if (HELLO_VERIFY_LENGTH > received) {
            counters.unexpected.increment(); // never more bytes to an unvalidated address than it sent
            return;
        }
        cookies.token(to, random, now / cookieClockDivisor, cookie, 0);
        int bodyLength = 3 + cookie.length;
        ByteBuffer r = reply.clear();
        r.put(DtlsRecords.HANDSHAKE).putShort((short) DtlsRecords.DTLS_1_0).putShort((short) 0);
        r.putShort((short) (sequence >>> 32)).putInt((int) sequence);
        r.putShort((short) (DtlsRecords.HANDSHAKE_HEADER + bodyLength));
        r.put(DtlsRecords.HELLO_VERIFY_REQUEST);
        putInt24(r, bodyLength);
        r.putShort((short) 0);
        putInt24(r, 0);
        putInt24(r, bodyLength);
        r.putShort((short) DtlsRecords.DTLS_1_0).put((byte) cookie.length).put(cookie);
        r.flip();
        counters.cookiesSent.increment();
        out.transmit(to, r);
        // A second copy while both fit in what the client sent: on a lossy path the client's timer,
        // which alone drives this stateless exchange, then fires less often.
        if (2 * HELLO_VERIFY_LENGTH <= received) {
            out.transmit(to, r.rewind());
        }
    }

    private void sendAlert(InetSocketAddress to, long sequence, int description, int received) {
        if (DtlsRecords.HEADER + 2 > received) {
            return;
        }
        ByteBuffer r = reply.clear();
        r.put(DtlsRecords.ALERT).putShort((short) DtlsRecords.DTLS_1_0).putShort((short) 0);
        r.putShort((short) (sequence >>> 32)).putInt((int) sequence).putShort((short) 2);
        r.put((byte) 2).put((byte) description).flip();
        out.transmit(to, r);
    }

    private static void putInt24(ByteBuffer b, int value) {
        b.put((byte) (value >>> 16)).put((byte) (value >>> 8)).put((byte) value);
    }

    // ---------------------------------------------------------------- inspection

    /**
     * Returns the session with a peer.
     *
     * @param peer its address
     * @return the session, or null if there is none
     */
    public DtlsSession session(InetSocketAddress peer) {
        Peer p = peers.get(peer);
        return p == null ? null : p.session;
    }

    /**
     * Returns who a peer proved to be.
     *
     * @param peer its address
     * @return its identity, or null if no handshake with it has completed
     */
    public PeerIdentity identity(InetSocketAddress peer) {
        Peer p = peers.get(peer);
        return p == null ? null : p.session.identity();
    }

    /** @return sessions kept now, handshaking or established; readable from any thread */
    public int sessions() {
        return (int) counters.sessions.get();
    }

    /** @return handshakes under way now; readable from any thread */
    public int handshaking() {
        return (int) counters.handshaking.get();
    }

    /** @return HelloVerifyRequests sent */
    public long cookiesSent() {
        return counters.cookiesSent.get();
    }

    /** @return handshakes started */
    public long handshakesStarted() {
        return counters.handshakesStarted.get();
    }

    /** @return handshakes completed */
    public long handshakesCompleted() {
        return counters.handshakesCompleted.get();
    }

    /** @return handshakes failed or timed out */
    public long handshakesFailed() {
        return counters.handshakesFailed.get();
    }

    /** @return ClientHellos refused: over a limit or rate, or of an old version */
    public long refused() {
        return counters.refused.get();
    }

    /** @return datagrams and records that were no part of a handshake or session: dropped unanswered */
    public long unexpected() {
        return counters.unexpected.get();
    }

    /** @return handshake datagrams retransmitted */
    public long retransmissions() {
        return counters.retransmissions.get();
    }

    /** @return application records dropped as replays */
    public long replaysDropped() {
        return counters.replaysDropped.get();
    }

    /** @return application records that failed authentication */
    public long authFailures() {
        return counters.authFailures.get();
    }

    /** @return the mean time of completed handshakes in nanoseconds, or 0 before the first */
    public long meanHandshakeNanos() {
        long n = counters.handshakesCompleted.get();
        return n == 0 ? 0 : counters.handshakeNanosTotal.get() / n;
    }
}
