package io.github.udpkit.core.dtls;

import static com.google.common.base.Preconditions.checkArgument;
import static io.github.udpkit.core.protocol.Engine.NO_DEADLINE;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.HandshakeException;
import io.github.udpkit.api.PeerIdentity;
import io.github.udpkit.core.Addresses;
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
 * The DTLS side of a RAW endpoint, sans I/O: it routes datagrams to a {@link DtlsSession} per peer
 * address, admits new clients, and runs every session's timers. A RAW endpoint has no protocol
 * engine, so this thin host stands where the engine's connections stand in the framed modes
 * (there the engine holds each {@link DtlsSession} in the peer's connection, through
 * {@link DtlsLayer}); both admit clients with the same {@link DtlsAdmission}.
 *
 * <p>Not thread-safe: one thread owns it.
 *
 * @since 0.1.0
 */
public final class DtlsHost extends DtlsStats {
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

    private final DtlsConfig config;
    private final Output out;
    private final DtlsAdmission admission;
    private final Map<InetSocketAddress, Peer> peers = new HashMap<>();
    /** No peer's deadline is earlier: {@link #update} has nothing to do before it. */
    private long earliest = NO_DEADLINE;
    private final long idleNanos;

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
        this.admission = new DtlsAdmission(config, counters, Objects.requireNonNull(secrets, "secrets"));
        this.idleNanos = config.idleTimeout().toNanos();
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
        if (peer != null && !config.isClient() && DtlsAdmission.isInitialClientHello(datagram)
                && peer.session.state() != DtlsSession.State.HANDSHAKING) {
            admit(from, datagram, peer, now); // a client that restarted from the same port: admit it afresh
            return;
        }
        if (peer == null) {
            if (config.isClient()) {
                counters.unexpected.increment(); // a client talks only to the servers it connected to
                return;
            }
            admit(from, datagram, null, now);
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
        peer = new Peer(server);
        peer.handshaking = true;
        peers.put(server, peer);
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
    }

    /** After anything happened to a session: events, queued payloads, bookkeeping. */
    private void settle(Peer peer, long now) {
        DtlsSession session = peer.session;
        switch (session.state()) {
            case HANDSHAKING -> peer.deadline = session.nextDeadline();
            case ESTABLISHED -> {
                if (peer.handshaking || !peer.pending.isEmpty()) {
                    if (peer.handshaking) {
                        peer.handshaking = false;
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

    private void remove(Peer peer) {
        peer.handshaking = false;
        peers.remove(peer.address, peer);
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

    private void admit(InetSocketAddress from, ByteBuffer datagram, Peer replaced, long now) {
        Peer peer = new Peer(from);
        DtlsSession session = admission.accept(from, datagram, true, now, out::transmit, peer);
        if (session == null) {
            return;
        }
        if (replaced != null) {
            // A client that restarted from the same port proved its address again: the old
            // association goes, without an alert of its epoch to confuse the new handshake.
            replaced.session.abandon();
            remove(replaced);
            failPending(replaced, new HandshakeException(from, null, "DTLS peer " + Addresses.format(from)
                    + " started a new handshake", null));
        }
        peer.session = session;
        peer.handshaking = true;
        peers.put(from, peer);
        settle(peer, now);
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
}
