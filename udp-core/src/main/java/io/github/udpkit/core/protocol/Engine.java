package io.github.udpkit.core.protocol;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.DeliveryException;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.MessageTooLargeException;
import io.github.udpkit.core.internal.ObjectRing;
import io.github.udpkit.core.internal.ThrottledLog;
import io.github.udpkit.core.wire.AckRanges;
import io.github.udpkit.core.wire.FrameVisitor;
import io.github.udpkit.core.wire.WireFormat;
import io.github.udpkit.core.wire.WireReader;
import io.github.udpkit.core.wire.WireWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sans-I/O protocol engine of one endpoint: the state machines of all its peers, behind the
 * framed delivery modes. It is fed datagrams ({@link #receive}), messages ({@link #send}) and the
 * time ({@link #update}), and hands back datagrams, messages and peer events through an
 * {@link EngineOutput}. It never reads a clock, touches a socket or starts a thread, so the same
 * code runs under a real driver and under a simulated network in virtual time.
 *
 * <p>Not thread-safe: confine an engine to one thread. Only {@link #metrics()} may be read from
 * other threads.
 *
 * <p>A driver's loop: read every datagram available and pass each to {@link #receive}; pass
 * queued sends to {@link #send}; call {@link #update} (which transmits) and sleep until the
 * deadline it returns, or until a datagram or a send arrives. {@code receive} and {@code send}
 * never transmit by themselves, so {@code update} must follow them.
 *
 * <pre>{@code
 * Engine engine = new Engine(EngineConfig.defaults(), output, System.nanoTime());
 * engine.send(peer, DeliveryMode.RELIABLE, bytes, future, System.nanoTime());
 * long deadline = engine.update(System.nanoTime());
 * }</pre>
 *
 * <p>With {@linkplain EngineConfig#addressValidation() address validation} on, a datagram from an
 * address the engine holds no state for creates none until the address has echoed a stateless
 * cookie; every engine echoes the cookies it is sent, so clients need no setting.
 *
 * <p>Times are nanoseconds from any origin (the driver passes {@code System.nanoTime()}, a
 * simulator its virtual clock); a time earlier than one already seen is taken as that one.
 *
 * @since 0.1.0
 */
public final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    /** Room kept for the CLOSE frame after an ACK in a goodbye datagram (type and a code). */
    private static final int CLOSE_RESERVE = 16;
    /**
     * "No time": what {@link #update} returns when nothing is pending, and what every deadline and
     * timer of udpkit's sans-I/O cores (and the drivers and simulators that run them) holds when it
     * is not set. Being the largest time, it is also the latest, so {@code Math.min} over deadlines
     * needs no special case.
     */
    public static final long NO_DEADLINE = Long.MAX_VALUE;
    /** Packets this far below the largest acknowledged one are lost (RFC 9002's kPacketThreshold). */
    private static final int PACKET_THRESHOLD = 3;
    /** A PING frame is its type byte. */
    private static final int PING_LENGTH = 1;
    /**
     * A probe timeout sends two probes (as RFC 9002 section 6.2.4 allows); the second follows the
     * first by this fraction of the probe timeout: sent together,
     * the two would arrive together and be acknowledged together, and a burst that took the
     * first, or its acknowledgement, would likely take the second too.
     */
    private static final int PROBE_SPACING = 4;
    /** A bound on the count of probe timeouts in a row (the timeout stops growing long before). */
    private static final int MAX_PROBE_COUNT = 64;
    /** Acknowledge at once after this many ack-eliciting datagrams, while a peer's flow is young. */
    private static final int ACK_EVERY = 2;
    /**
     * Acknowledge at once after this many, once a peer has sent {@link #ACK_DECIMATION_AFTER} in
     * order: each ACK costs both sides a datagram, and a clean flow needs fewer of them
     * (Chromium's QUIC "ACK decimation"). Slow start counts acknowledged bytes, not ACKs, so it
     * grows as fast. A gap in the packet numbers is acknowledged at once and ends the decimation
     * until the flow is clean again: a lossy flow needs every ACK to repair quickly (decimating
     * one with 10 % loss each way cut its goodput to a fifth).
     */
    private static final int ACK_EVERY_DECIMATED = 10;
    /** The ack-eliciting datagrams in order, since the last gap, after which a peer's ACKs are decimated. */
    private static final long ACK_DECIMATION_AFTER = 100;
    /**
     * The least interval between session announcements to a peer, and between RETRYs acted on:
     * {@code minRto}, but no less than this. (They followed {@code minRto} when it was 50 ms by
     * default; the probe timeout's floor is 10 ms now, and a forged RETRY should not make a
     * client resend its flight a hundred times a second.)
     */
    private static final long MIN_CONTROL_INTERVAL = 50_000_000;
    /** Reported ACK delays are capped here before conversion, so a hostile value cannot overflow. */
    private static final long MAX_ACK_DELAY_MICROS = 10_000_000;

    private final EngineConfig config;
    private final EngineOutput output;
    private final PacketProtection protection;
    private final EngineMetrics metrics = new EngineMetrics();
    /** Drops can come once per datagram: log them at most once a second. */
    private final ThrottledLog dropLog = new ThrottledLog(LOG, 1_000_000_000L);
    /** Access-ordered, so iteration starts at the least recently active peer (the eviction candidate). */
    private final LinkedHashMap<InetSocketAddress, Peer> peers = new LinkedHashMap<>(16, 0.75f, true);
    /**
     * The peer most recently looked up or admitted, so the tail of {@link #peers}' access order: a
     * stream to or from one peer finds it without hashing the address and relinking the map.
     */
    private Peer lastPeer;
    private final LongSupplier sessionIds;
    private final WireReader reader = new WireReader();
    private final AckRanges ackRanges = new AckRanges(ReceivedPackets.MAX_RANGES);
    private final ByteBuffer out;
    private final FrameHandler frameHandler = new FrameHandler();
    private final ArrayList<Peer> snapshot = new ArrayList<>();
    private final ArrayList<OutMessage> completions = new ArrayList<>();
    private final int maxWholePayload;
    private final int fragmentSize;
    private final int datagramRoom;
    /** See {@link #MIN_CONTROL_INTERVAL}. */
    private final long controlInterval;
    /** Makes and checks cookies when address validation is on; null when it is off. */
    private final AddressValidator validator;
    private final byte[] cookie = new byte[AddressValidator.TOKEN_LENGTH];
    /** The global token bucket of RETRY replies, in RETRYs, and when it was last refilled. */
    private double retryBudget;
    private long retryRefilledAt;
    private long reassemblyBytes;
    private long lastNow;
    private long sendOrder;
    private boolean closed;
    private boolean busy;

    /**
     * Creates an engine with no peers.
     *
     * @param config the settings
     * @param output where datagrams, messages and events go
     * @param nowNanos the current time
     */
    public Engine(EngineConfig config, EngineOutput output, long nowNanos) {
        this.config = checkNotNull(config, "config");
        this.output = checkNotNull(output, "output");
        this.protection = config.protection();
        this.lastNow = nowNanos;
        if (config.seed().isPresent()) {
            SplittableRandom random = new SplittableRandom(config.seed().getAsLong());
            this.sessionIds = random::nextLong;
            // A stream of its own, so that validation does not change the session ids of a seed.
            this.validator = config.addressValidation() ? new AddressValidator(random.split()::nextBytes) : null;
        } else {
            SecureRandom random = new SecureRandom();
            this.sessionIds = random::nextLong;
            this.validator = config.addressValidation() ? new AddressValidator(random::nextBytes) : null;
        }
        this.retryBudget = config.maxRetriesPerSecond();
        this.retryRefilledAt = nowNanos;
        this.out = config.protection().prefersDirectBuffers() ? ByteBuffer.allocateDirect(config.maxDatagramSize())
                : ByteBuffer.allocate(config.maxDatagramSize());
        this.maxWholePayload = config.maxWholePayload();
        this.fragmentSize = config.fragmentSize();
        this.datagramRoom = config.maxDatagramSize() - protection.overhead();
        this.controlInterval = Math.max(config.minRtoNanos(), MIN_CONTROL_INTERVAL);
    }

    /**
     * Queues a message for a peer. Nothing is transmitted until {@link #update}.
     *
     * <p>The engine keeps {@code payload} until the message is acknowledged or fails: do not
     * modify it. {@code completion} completes when the peer has acknowledged every fragment
     * (reliable modes) or when the message was transmitted (unreliable modes); it fails with a
     * {@link DeliveryException} (peer, attempts, elapsed) when retries or the delivery deadline run
     * out or the peer times out or closes, with a {@link BackPressureException} when the peer's
     * queue or the peer table is full, and with an {@link EndpointClosedException} when the engine
     * is or gets closed. A callback of the completion runs on the engine's thread.
     *
     * @param peer the receiver, a resolved address
     * @param mode a framed mode (not {@link DeliveryMode#RAW})
     * @param payload the message, at most {@link EngineConfig#maxMessageSize()} bytes
     * @param completion completed as described above
     * @param nowNanos the current time
     * @throws MessageTooLargeException if the payload exceeds the maximum message size
     * @throws IllegalArgumentException for RAW mode or an unresolved address
     * @throws NullPointerException for a null argument
     */
    public void send(InetSocketAddress peer, DeliveryMode mode, byte[] payload, CompletableFuture<Void> completion,
            long nowNanos) {
        checkNotNull(peer, "peer");
        checkNotNull(mode, "mode");
        checkNotNull(payload, "payload");
        checkNotNull(completion, "completion");
        checkArgument(mode.isFramed(), "mode must be a framed mode, not %s", mode);
        checkArgument(!peer.isUnresolved(), "peer address must be resolved: %s", peer);
        if (payload.length > config.maxMessageSize()) {
            metrics.oversized.increment();
            throw new MessageTooLargeException("message of " + payload.length + " bytes to " + peer
                    + " exceeds maxMessageSize " + config.maxMessageSize());
        }
        if (closed) {
            completion.completeExceptionally(new EndpointClosedException("engine closed; message to " + peer
                    + " not sent"));
            return;
        }
        long now = advanceClock(nowNanos);
        Peer p = lookup(peer);
        if (p == null) {
            p = admit(peer, now);
            if (p == null) {
                metrics.backPressureRefusals.increment();
                completion.completeExceptionally(new BackPressureException("peer table full (maxPeers="
                        + config.maxPeers() + ") and no idle peer to evict; message to " + peer + " refused"));
                return;
            }
            if (closed || p.removed) {
                completion.completeExceptionally(new EndpointClosedException("engine closed; message to " + peer
                        + " not sent"));
                return;
            }
        }
        ObjectRing<OutMessage> unacked = mode.isReliable() ? p.unacked(mode) : null;
        if (p.pendingMessages >= config.maxQueuedMessages()
                || p.pendingBytes + payload.length > config.maxQueuedBytes()
                || (unacked != null && unacked.isFull())) {
            metrics.backPressureRefusals.increment();
            completion.completeExceptionally(new BackPressureException("send queue to " + peer + " full: "
                    + p.pendingMessages + " messages, " + p.pendingBytes + " bytes queued or unacknowledged (maxQueuedMessages="
                    + config.maxQueuedMessages() + ", maxQueuedBytes=" + config.maxQueuedBytes() + ")"));
            return;
        }
        OutMessage m = new OutMessage(mode, payload, completion, now, sendOrder++, maxWholePayload, fragmentSize);
        m.sequence = p.nextSequence[WireFormat.modeCode(mode)]++;
        p.sendQueue.addLast(m);
        if (unacked != null) {
            unacked.addLast(m);
        }
        p.pendingMessages++;
        p.pendingBytes += payload.length;
        metrics.messagesSent.increment();
    }

    /**
     * Feeds one received datagram. Never throws for bad input: a datagram that is foreign,
     * malformed, corrupted, duplicated or stale is counted in {@link #metrics()} and dropped. May
     * deliver messages and report peer events. Transmits nothing (call {@link #update} after)
     * except, with {@linkplain EngineConfig#addressValidation() address validation} on, the
     * stateless RETRY that answers a datagram from an address not yet validated: answering at
     * once is what keeps the engine from holding anything for it.
     *
     * @param from the sender
     * @param datagram the bytes, position to limit; valid during the call only. The engine may
     *     change its contents (to decrypt in place), and restores its position, limit and order.
     * @param nowNanos the current time
     */
    public void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
        checkNotNull(from, "from");
        checkNotNull(datagram, "datagram");
        checkState(!busy, "receive() must not be called from inside an EngineOutput callback");
        if (closed) {
            return;
        }
        long now = advanceClock(nowNanos);
        int position = datagram.position();
        int limit = datagram.limit();
        ByteOrder order = datagram.order();
        busy = true;
        try {
            datagram.order(ByteOrder.BIG_ENDIAN);
            process(from, datagram, position, limit, now);
        } finally {
            busy = false;
            datagram.order(order);
            datagram.limit(limit);
            datagram.position(position);
        }
    }

    /**
     * Runs the timers (retransmission, delayed ACK, keep-alive, idle timeout, delivery deadline,
     * reassembly expiry) and transmits: retransmissions first, then queued messages packed into
     * as few datagrams as fit, with pending ACKs riding along, as far as the congestion and flow
     * windows allow.
     *
     * @param nowNanos the current time
     * @return when to call again at the latest, in the same time base; {@link #NO_DEADLINE} if
     *     nothing is pending
     */
    public long update(long nowNanos) {
        checkState(!busy, "update() must not be called from inside an EngineOutput callback");
        if (closed) {
            return NO_DEADLINE;
        }
        long now = advanceClock(nowNanos);
        busy = true;
        try {
            for (Peer p : peers.values()) { // not addAll: that copies through a fresh array
                snapshot.add(p);
            }
            long next = NO_DEADLINE;
            for (int i = 0; i < snapshot.size() && !closed; i++) {
                Peer p = snapshot.get(i);
                if (p.removed) {
                    continue;
                }
                runTimers(p, now);
                if (!p.removed && !closed) {
                    flush(p, now);
                }
                if (!p.removed && !closed) {
                    next = Math.min(next, deadline(p));
                }
            }
            return closed ? NO_DEADLINE : next;
        } finally {
            snapshot.clear();
            busy = false;
        }
    }

    /**
     * Sends a CLOSE to every peer, fails every pending send with an
     * {@link EndpointClosedException}, reports every peer as {@link DisconnectReason#CLOSED_LOCALLY}
     * and drops all state. Calling it again does nothing.
     *
     * @param nowNanos the current time
     */
    public void close(long nowNanos) {
        if (closed) {
            return;
        }
        closed = true;
        long now = advanceClock(nowNanos);
        List<Peer> all = new ArrayList<>(peers.values());
        for (Peer p : all) {
            if (!p.removed) {
                sendClose(p, now);
                dropPeer(p, DisconnectReason.CLOSED_LOCALLY, "endpoint closed", now);
            }
        }
        peers.clear();
        metrics.peers.set(0);
    }

    /** Whether {@link #close} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** The number of peers the engine holds state for. */
    public int peerCount() {
        return peers.size();
    }

    /**
     * The messages queued or unacknowledged for a peer, for back-pressure decisions.
     *
     * @param peer the peer
     * @return the count, 0 for an unknown peer
     */
    public int queuedMessages(InetSocketAddress peer) {
        Peer p = peers.get(peer);
        return p == null ? 0 : p.pendingMessages;
    }

    /** The engine's counters, readable from any thread. */
    public EngineMetrics metrics() {
        return metrics;
    }

    /** The engine's settings. */
    public EngineConfig config() {
        return config;
    }

    private long advanceClock(long now) {
        if (now > lastNow) {
            lastNow = now;
        }
        return lastNow;
    }

    private long newSessionId() {
        long id;
        do {
            id = sessionIds.getAsLong();
        } while (id == 0);
        return id;
    }

    // ---------------------------------------------------------------------------------- receiving

    private void process(InetSocketAddress from, ByteBuffer b, int position, int limit, long now) {
        metrics.datagramsReceived.increment();
        metrics.bytesReceived.add(limit - position);
        int status = reader.readHeader(b, position, limit);
        if (status != WireReader.OK) {
            dropMalformed(from, status, now);
            return;
        }
        long source = reader.sourceSession();
        long destination = reader.destinationSession();
        long packetNumber = reader.packetNumber();
        int headerLength = reader.headerLength();
        Peer peer = lookup(from);
        boolean stale = destination != 0 && (peer == null || destination != peer.localSession);
        if (!stale && peer != null && peer.remoteSession == source
                && peer.received.classify(packetNumber) != ReceivedPackets.NEW) {
            // Cheap check before authentication; the number is only recorded once authenticated.
            (protection.authenticates() ? metrics.replaysDropped : metrics.duplicatesDropped).increment();
            return;
        }
        if (!protection.open(from, source, destination, packetNumber, b, headerLength)) {
            metrics.authFailures.increment();
            if (LOG.isDebugEnabled()) {
                dropLog.debug(now, "dropped datagram from {} failing {} ({} so far)", from, protection,
                        metrics.authFailures.get());
            }
            return;
        }
        int bodyFrom = position + headerLength;
        int bodyTo = b.limit();
        status = reader.readFrames(b, bodyFrom, bodyTo, null);
        if (status != WireReader.OK) {
            dropMalformed(from, status, now);
            return;
        }
        if (reader.hasRetry()) {
            onRetry(peer, destination, b, now);
            return;
        }
        boolean elicits = reader.ackEliciting();
        if (peer == null && elicits && validator != null && !hasValidCookie(from, source, b, now)) {
            // No state, not even a refusal: a RETRY at most, never larger than what it answers.
            answerUnvalidated(from, source, limit - position, now);
            return;
        }
        if (stale) {
            // Addressed to a session of ours that no longer exists: the sender must learn the
            // current one, so answer (rate-limited) with a PING from it.
            metrics.staleSessionDropped.increment();
            if (peer == null) {
                if (!elicits) {
                    return;
                }
                peer = admit(from, now);
                if (peer == null || peer.removed || closed) {
                    return;
                }
            }
            peer.announceTo = source;
            peer.announcePending = true;
            return;
        }
        if (peer == null) {
            if (!elicits) {
                metrics.staleSessionDropped.increment();
                return;
            }
            peer = admit(from, now);
            if (peer == null || peer.removed || closed) {
                return;
            }
            peer.remoteSession = source;
        } else if (peer.remoteSession == 0) {
            peer.remoteSession = source;
        } else if (peer.remoteSession != source) {
            restart(peer, source, now);
            if (peer.removed || closed) {
                return;
            }
        }
        peer.lastReceiveAt = now;
        peer.token = null; // the peer answered: it knows our address, no more cookies
        boolean inOrder = peer.received.isNext(packetNumber);
        FrameHandler handler = frameHandler;
        handler.begin(peer, now);
        reader.readFrames(b, bodyFrom, bodyTo, handler);
        handler.peer = null;
        if (closed || peer.removed) {
            return;
        }
        if (handler.closeSeen) {
            dropPeer(peer, DisconnectReason.CLOSED_BY_PEER, "peer closed", now);
            return;
        }
        boolean ackable = !handler.refused;
        peer.received.record(packetNumber, ackable, now);
        if (elicits && ackable) {
            peer.ackElicitingSinceAck++;
            peer.ackElicitingInOrder = inOrder ? peer.ackElicitingInOrder + 1 : 0;
            if (!peer.ackPending) {
                peer.ackPending = true;
                peer.ackDeadline = now + config.ackDelayNanos();
            }
            int ackEvery = peer.ackElicitingInOrder > ACK_DECIMATION_AFTER ? ACK_EVERY_DECIMATED : ACK_EVERY;
            if (peer.ackElicitingSinceAck >= ackEvery || !inOrder || reader.hasPing()) {
                peer.ackDeadline = now;
            }
            if (handler.duplicate) {
                // The peer resent what we hold, so it did not hear our ACKs: answer at once, and
                // twice, so that a burst of loss on the way back is less likely to take both.
                peer.ackDeadline = now;
                peer.ackCopies = 1;
            }
        }
    }

    // ------------------------------------------------------------------------- address validation

    /** Whether the datagram just read carries a TOKEN that is a valid cookie for its sender; counts one that is not. */
    private boolean hasValidCookie(InetSocketAddress from, long source, ByteBuffer b, long now) {
        int offset = reader.tokenOffset();
        if (offset < 0) {
            return false;
        }
        if (validator.isValid(from, source, b, offset, reader.tokenLength(), now)) {
            return true;
        }
        metrics.invalidCookies.increment();
        return false;
    }

    /**
     * Answers a datagram from an address not yet validated with a RETRY carrying a fresh cookie,
     * unless the RETRY would be larger than the datagram (no amplification, not even by a byte)
     * or the global RETRY budget is spent (no unbounded reflection). Keeps nothing either way.
     */
    private void answerUnvalidated(InetSocketAddress from, long clientSession, int requestLength, long now) {
        int retryLength = WireWriter.headerLength(0) + WireWriter.tokenFrameLength(AddressValidator.TOKEN_LENGTH)
                + protection.overhead();
        if (retryLength > requestLength || !takeRetryBudget(now)) {
            metrics.retriesSuppressed.increment();
            if (LOG.isDebugEnabled()) {
                dropLog.debug(now, "dropped datagram of {} bytes from unvalidated {} without a RETRY ({} so far)",
                        requestLength, from, metrics.retriesSuppressed.get());
            }
            return;
        }
        validator.token(from, clientSession, now, cookie, 0);
        // A fresh session of its own, never used again: with an AEAD, (session, packet number 0)
        // is then a nonce no other datagram uses, though the engine keeps no record of it.
        long source;
        do {
            source = newSessionId();
        } while (source == clientSession);
        ByteBuffer o = out;
        o.clear();
        int headerLength = WireWriter.writeHeader(o, 0, source, clientSession, 0);
        int at = WireWriter.writeRetry(o, headerLength, cookie, 0, cookie.length);
        o.limit(at);
        o.position(0);
        protection.seal(from, source, clientSession, 0, o, headerLength);
        metrics.addressValidationRetries.increment();
        metrics.datagramsSent.increment();
        metrics.bytesSent.add(o.remaining());
        output.transmit(from, o);
    }

    private boolean takeRetryBudget(long now) {
        int rate = config.maxRetriesPerSecond();
        retryBudget = Math.min(rate, retryBudget + (now - retryRefilledAt) * 1e-9 * rate);
        retryRefilledAt = now;
        if (retryBudget < 1) {
            return false;
        }
        retryBudget -= 1;
        return true;
    }

    /**
     * A RETRY for a peer this engine is talking to: the peer validates addresses and dropped what
     * we sent. Keep its cookie, to lead every datagram until the peer answers, and send again at
     * once, with it, everything the peer dropped. Any engine does this, validating or not, so
     * clients need no setting.
     */
    private void onRetry(Peer peer, long destination, ByteBuffer b, long now) {
        if (peer == null || destination != peer.localSession) {
            metrics.staleSessionDropped.increment(); // not for a conversation of ours
            return;
        }
        int offset = reader.tokenOffset();
        int length = reader.tokenLength();
        if (peer.retried && (now - peer.retryAt < controlInterval
                || sameBytes(b, offset, length, peer.lastRetryToken))) {
            // The peer answers every datagram of a flight; the first RETRY resent the whole flight.
            // And a cookie acted on once is never acted on again: a replayed RETRY does nothing.
            metrics.duplicatesDropped.increment();
            return;
        }
        byte[] token = new byte[length];
        b.get(offset, token, 0, length);
        peer.lastRetryToken = token;
        peer.token = token;
        peer.retried = true;
        peer.retryAt = now;
        metrics.retriesReceived.increment();
        SentPackets sent = peer.sent;
        for (long pn = sent.base(); pn < peer.nextPacketNumber; pn++) {
            int slot = sent.slotOf(pn);
            if (slot >= 0) {
                declareLost(peer, slot, pn); // dropped unread, not lost to congestion
            }
        }
        sent.advanceBase(peer.nextPacketNumber);
        peer.probeCount = 0; // the path works: the RETRY came back
        peer.probesPending = 0;
        peer.secondProbeAt = NO_DEADLINE;
        peer.lossTime = NO_DEADLINE;
        // Goes out with the retransmissions, or alone when there are none (unreliable messages
        // are not resent), so that the peer validates us either way.
        peer.pingPending = true;
    }

    private static boolean sameBytes(ByteBuffer b, int offset, int length, byte[] bytes) {
        if (length != bytes.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (b.get(offset + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private void dropMalformed(InetSocketAddress from, int status, long now) {
        metrics.malformed.increment();
        if (LOG.isDebugEnabled()) { // checked first: the varargs array would cost an allocation per datagram
            dropLog.debug(now, "dropped malformed datagram from {}: {} ({} so far)", from,
                    WireReader.describe(status), metrics.malformed.get());
        }
    }

    /** Receives the frames of one accepted datagram and applies them to its peer. */
    private final class FrameHandler implements FrameVisitor {
        Peer peer;
        long now;
        boolean refused;
        boolean closeSeen;
        /** Whether the datagram carried reliable data received before. */
        boolean duplicate;

        void begin(Peer p, long time) {
            this.peer = p;
            this.now = time;
            this.refused = false;
            this.closeSeen = false;
            this.duplicate = false;
        }

        private boolean alive() {
            return !closed && !peer.removed;
        }

        @Override
        public boolean onPing() {
            return true;
        }

        @Override
        public boolean onAck(AckRanges ranges, long ackDelayMicros, long receiveWindow) {
            handleAck(peer, ranges, ackDelayMicros, receiveWindow, now);
            return alive();
        }

        @Override
        public boolean onClose(long code) {
            closeSeen = true;
            return false;
        }

        @Override
        public boolean onData(DeliveryMode mode, long sequence, int totalLength, int fragSize, int fragmentIndex,
                ByteBuffer buffer, int offset, int length) {
            if (!handleData(peer, mode, sequence, totalLength, fragSize, fragmentIndex, buffer, offset, length, now)) {
                refused = true;
            }
            return alive();
        }
    }

    /** A reliable message or fragment arrived again: count it, and note it for {@link #process}. */
    private void reliableDuplicate() {
        metrics.duplicatesDropped.increment();
        frameHandler.duplicate = true;
    }

    /** Applies a DATA frame; returns false if a reliable frame was refused (so its packet is not acknowledged). */
    private boolean handleData(Peer peer, DeliveryMode mode, long seq, int total, int fragSize, int index,
            ByteBuffer b, int offset, int length, long now) {
        if (total > config.maxMessageSize()) {
            metrics.oversized.increment();
            return !mode.isReliable();
        }
        switch (mode) {
            case UNRELIABLE:
                if (fragSize == 0) {
                    deliverSlice(peer, mode, b, offset, length, now);
                } else {
                    lossyFragment(peer, mode, seq, total, fragSize, index, b, offset, length, now);
                }
                return true;
            case SEQUENCED:
                if (seq <= peer.highestSequenced) {
                    (seq == peer.highestSequenced ? metrics.duplicatesDropped : metrics.sequencedStaleDropped)
                            .increment();
                    return true;
                }
                if (fragSize == 0) {
                    peer.highestSequenced = seq;
                    deliverSlice(peer, mode, b, offset, length, now);
                } else {
                    lossyFragment(peer, mode, seq, total, fragSize, index, b, offset, length, now);
                }
                return true;
            case RELIABLE_UNORDERED:
                return unorderedData(peer, seq, total, fragSize, index, b, offset, length, now);
            default:
                return orderedData(peer, seq, total, fragSize, index, b, offset, length, now);
        }
    }

    private boolean unorderedData(Peer peer, long seq, int total, int fragSize, int index, ByteBuffer b, int offset,
            int length, long now) {
        int c = peer.unordered.classify(seq);
        if (c == UnorderedWindow.DUPLICATE) {
            reliableDuplicate();
            return true;
        }
        if (c == UnorderedWindow.BEYOND) {
            metrics.receiveRefusals.increment();
            return false;
        }
        if (fragSize == 0) {
            if (peer.unorderedPartials != null && peer.unorderedPartials.containsKey(seq)) {
                metrics.malformed.increment(); // whole and fragmented under one number
                return false;
            }
            peer.unordered.markReceived(seq);
            deliverSlice(peer, DeliveryMode.RELIABLE_UNORDERED, b, offset, length, now);
            return true;
        }
        if (peer.unorderedPartials == null) {
            peer.unorderedPartials = new HashMap<>();
        }
        Reassembly r = peer.unorderedPartials.get(seq);
        if (r == null) {
            if (!reserve(peer, total, false)) {
                metrics.receiveRefusals.increment();
                return false;
            }
            r = new Reassembly(seq, total, fragSize, now);
            peer.unorderedPartials.put(seq, r);
        } else if (!r.matches(total, fragSize)) {
            metrics.malformed.increment();
            return false;
        }
        if (!r.add(index, b, offset, length)) {
            reliableDuplicate();
            return true;
        }
        if (r.complete()) {
            peer.unorderedPartials.remove(seq);
            release(peer, total);
            peer.unordered.markReceived(seq);
            deliverArray(peer, DeliveryMode.RELIABLE_UNORDERED, r.data, now);
        }
        return true;
    }

    private boolean orderedData(Peer peer, long seq, int total, int fragSize, int index, ByteBuffer b, int offset,
            int length, long now) {
        OrderedBuffer ob = peer.ordered;
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
                metrics.malformed.increment(); // whole and fragmented under one number
                return false;
            }
            if (isBase) {
                ob.advance();
                deliverSlice(peer, DeliveryMode.RELIABLE, b, offset, length, now);
                drainOrdered(peer, now);
                return true;
            }
            if (!reserve(peer, length, true)) {
                metrics.receiveRefusals.increment();
                return false;
            }
            byte[] copy = new byte[length];
            b.get(offset, copy, 0, length);
            ob.put(seq, copy);
            return true;
        }
        Reassembly r = (Reassembly) held;
        if (r == null) {
            // A message that is not next to deliver leaves room for one that is (no deadlock).
            if (!reserve(peer, total, !isBase)) {
                metrics.receiveRefusals.increment();
                return false;
            }
            r = new Reassembly(seq, total, fragSize, now);
            ob.put(seq, r);
        } else if (!r.matches(total, fragSize)) {
            metrics.malformed.increment();
            return false;
        }
        if (!r.add(index, b, offset, length)) {
            reliableDuplicate();
            return true;
        }
        if (r.complete()) {
            if (isBase) {
                ob.advance();
                release(peer, total);
                deliverArray(peer, DeliveryMode.RELIABLE, r.data, now);
                drainOrdered(peer, now);
            } else {
                ob.put(seq, r.data);
            }
        }
        return true;
    }

    /** Delivers the complete messages that follow the base in order. */
    private void drainOrdered(Peer peer, long now) {
        while (!peer.removed && !closed) {
            OrderedBuffer ob = peer.ordered;
            if (!(ob.get(ob.base()) instanceof byte[])) {
                return;
            }
            byte[] data = (byte[]) ob.advance();
            release(peer, data.length);
            deliverArray(peer, DeliveryMode.RELIABLE, data, now);
        }
    }

    /**
     * Delivers, in order and skipping gaps, the complete RELIABLE messages held early, before the
     * receive state is dropped: they were acknowledged, so their senders count them delivered.
     */
    private void flushOrdered(Peer peer, long now) {
        OrderedBuffer ob = peer.ordered;
        while (!ob.isEmpty() && !closed) {
            Object held = ob.advance();
            if (held instanceof byte[]) {
                deliverArray(peer, DeliveryMode.RELIABLE, (byte[]) held, now);
            }
        }
    }

    private void lossyFragment(Peer peer, DeliveryMode mode, long seq, int total, int fragSize, int index,
            ByteBuffer b, int offset, int length, long now) {
        long key = (seq << 1) | (mode == DeliveryMode.SEQUENCED ? 1 : 0);
        if (peer.lossyPartials == null) {
            peer.lossyPartials = new HashMap<>();
        }
        Reassembly r = peer.lossyPartials.get(key);
        if (r == null) {
            if (peer.lossyPartials.size() >= Peer.MAX_LOSSY_PARTIALS) {
                evictOldestLossy(peer);
            }
            if (!reserve(peer, total, true)) {
                metrics.reassemblyDrops.increment();
                return;
            }
            r = new Reassembly(seq, total, fragSize, now);
            peer.lossyPartials.put(key, r);
            peer.lossyExpiry = Math.min(peer.lossyExpiry, now + config.reassemblyTimeoutNanos());
        } else if (!r.matches(total, fragSize)) {
            metrics.malformed.increment();
            return;
        }
        if (!r.add(index, b, offset, length)) {
            metrics.duplicatesDropped.increment();
            return;
        }
        if (r.complete()) {
            peer.lossyPartials.remove(key);
            release(peer, total);
            if (mode == DeliveryMode.SEQUENCED) {
                if (seq <= peer.highestSequenced) {
                    metrics.sequencedStaleDropped.increment();
                    return;
                }
                peer.highestSequenced = seq;
            }
            deliverArray(peer, mode, r.data, now);
        }
    }

    /**
     * Takes reassembly memory for a peer, evicting its partial lossy messages if that makes room.
     * With {@code leaveRoom}, one maximum-size message of room is kept free in the peer's and the
     * endpoint's budgets, for messages that are next to deliver.
     */
    private boolean reserve(Peer peer, long bytes, boolean leaveRoom) {
        long slack = leaveRoom ? config.maxMessageSize() : 0;
        while (peer.reassemblyBytes + bytes > config.reassemblyBytesPerPeer() - slack
                || reassemblyBytes + bytes > config.reassemblyBytesTotal() - slack) {
            if (!evictOldestLossy(peer)) {
                return false;
            }
        }
        peer.reassemblyBytes += bytes;
        reassemblyBytes += bytes;
        return true;
    }

    private void release(Peer peer, long bytes) {
        peer.reassemblyBytes -= bytes;
        reassemblyBytes -= bytes;
    }

    private boolean evictOldestLossy(Peer peer) {
        if (peer.lossyPartials == null || peer.lossyPartials.isEmpty()) {
            return false;
        }
        Map.Entry<Long, Reassembly> oldest = null;
        for (Map.Entry<Long, Reassembly> e : peer.lossyPartials.entrySet()) {
            if (oldest == null || e.getValue().createdAt < oldest.getValue().createdAt) {
                oldest = e;
            }
        }
        peer.lossyPartials.remove(oldest.getKey());
        release(peer, oldest.getValue().data.length);
        metrics.reassemblyDrops.increment();
        return true;
    }

    private void expireLossy(Peer peer, long now) {
        long next = NO_DEADLINE;
        if (peer.lossyPartials != null) {
            long timeout = config.reassemblyTimeoutNanos();
            for (Iterator<Reassembly> it = peer.lossyPartials.values().iterator(); it.hasNext();) {
                Reassembly r = it.next();
                if (now - r.createdAt >= timeout) {
                    it.remove();
                    release(peer, r.data.length);
                    metrics.reassemblyDrops.increment();
                } else {
                    next = Math.min(next, r.createdAt + timeout);
                }
            }
        }
        peer.lossyExpiry = next;
    }

    private void deliverSlice(Peer peer, DeliveryMode mode, ByteBuffer b, int offset, int length, long now) {
        int limit = b.limit();
        int position = b.position();
        b.limit(offset + length);
        b.position(offset);
        metrics.messagesDelivered.increment();
        try {
            output.deliver(peer.address, mode, b, now);
        } finally {
            b.limit(limit);
            b.position(position);
        }
    }

    private void deliverArray(Peer peer, DeliveryMode mode, byte[] data, long now) {
        metrics.messagesDelivered.increment();
        output.deliver(peer.address, mode, ByteBuffer.wrap(data), now);
    }

    // ------------------------------------------------------------------------------ acknowledging

    private void handleAck(Peer peer, AckRanges ranges, long ackDelayMicros, long window, long now) {
        long largest = ranges.high(0);
        if (largest >= peer.nextPacketNumber) {
            metrics.malformed.increment(); // acknowledges a packet never sent
            return;
        }
        peer.peerWindow = window;
        int spurious = peer.reordering.spurious(ranges);
        if (spurious > 0) {
            metrics.spuriousLosses.add(spurious);
        }
        SentPackets sent = peer.sent;
        long largestSentAt = -1;
        long priorLargest = peer.largestAcked;
        boolean newlyAcked = false;
        for (int i = 0; i < ranges.count(); i++) {
            long low = Math.max(ranges.low(i), sent.base());
            for (long pn = ranges.high(i); pn >= low; pn--) {
                int slot = sent.slotOf(pn);
                if (slot < 0) {
                    continue;
                }
                if (pn == largest) {
                    largestSentAt = sent.sentAt(slot);
                }
                if (pn < priorLargest) {
                    peer.reordering.outOfOrder(); // acknowledged after a later packet was
                }
                packetAcked(peer, slot);
                newlyAcked = true;
            }
            if (ranges.low(i) <= sent.base()) {
                break;
            }
        }
        if (largestSentAt >= 0) {
            long delay = Math.min(ackDelayMicros, MAX_ACK_DELAY_MICROS) * 1000;
            if (!peer.rtt.hasSample()) {
                peer.firstSampleAt = now;
            }
            peer.rtt.sample(now - largestSentAt, delay);
            metrics.smoothedRttNanos.set(peer.rtt.smoothed());
        }
        boolean newLargest = largest > priorLargest;
        if (newLargest) {
            peer.largestAcked = largest;
        }
        // An ACK of a probe that carried no data (a PING) acknowledges nothing tracked, but it
        // raises the largest acknowledged packet: what it leaves out is lost, and the path works.
        if (newlyAcked || newLargest) {
            detectLosses(peer, now);
            peer.probeCount = 0;
            peer.probesPending = 0;
            peer.secondProbeAt = NO_DEADLINE;
            sent.advanceBase(peer.nextPacketNumber);
            completeAll();
        }
    }

    private void packetAcked(Peer peer, int slot) {
        SentPackets sent = peer.sent;
        for (int i = 0, n = sent.refCount(slot); i < n; i++) {
            OutMessage m = sent.refMessage(slot, i);
            if (!m.done && m.markAcked(sent.refFragment(slot, i)) && m.allAcked()) {
                finish(peer, m);
            }
        }
        long sentAt = sent.sentAt(slot);
        int size = sent.size(slot);
        sent.release(slot, true);
        peer.congestion.onAcked(size, sentAt);
    }

    /** Marks a message done and schedules its completion (run by {@link #completeAll}). */
    private void finish(Peer peer, OutMessage m) {
        m.done = true;
        peer.pendingMessages--;
        peer.pendingBytes -= m.payload.length;
        completions.add(m);
    }

    /** Completes finished messages' futures, after the engine's state is consistent (callbacks may re-enter). */
    private void completeAll() {
        for (int i = 0; i < completions.size(); i++) {
            completions.get(i).completion.complete(null);
        }
        completions.clear();
    }

    /**
     * RFC 9002 loss detection: a packet is lost once one sent {@value #PACKET_THRESHOLD} later is
     * acknowledged, or once it is 9/8 of an RTT older than the newest acknowledged one; the loss
     * timer catches the second case when no further ACK comes. On a path seen to reorder, only
     * time counts, with a reordering window that adapts to spurious losses ({@link Reordering}).
     * The packets lost are one congestion event; if they span the persistent-congestion duration
     * with nothing acknowledged in between, the window collapses (RFC 9002 section 7.6).
     */
    private void detectLosses(Peer peer, long now) {
        SentPackets sent = peer.sent;
        Reordering reordering = peer.reordering;
        RttEstimator rtt = peer.rtt;
        long lossDelay = rtt.hasSample() ? rtt.lossDelay(reordering.multiplier()) : NO_DEADLINE;
        boolean byCount = !reordering.seen();
        long lossTime = NO_DEADLINE;
        long newestLostSentAt = NO_DEADLINE;
        // The current run of lost packets (in packet number order, nothing acknowledged within).
        long runStart = NO_DEADLINE;
        long runEnd = NO_DEADLINE;
        boolean persistent = false;
        long persistentDuration = rtt.hasSample() ? rtt.persistentCongestionDuration() : NO_DEADLINE;
        for (long pn = sent.base(); pn < peer.largestAcked; pn++) {
            int slot = sent.slotOf(pn);
            if (slot < 0) {
                if (sent.wasAcked(pn)) {
                    runStart = NO_DEADLINE;
                }
                continue;
            }
            long sentAt = sent.sentAt(slot);
            if ((byCount && peer.largestAcked - pn >= PACKET_THRESHOLD) || now - sentAt >= lossDelay) {
                reordering.declaredLost(pn);
                declareLost(peer, slot, pn);
                peer.congestion.onLost();
                newestLostSentAt = newestLostSentAt == NO_DEADLINE ? sentAt : Math.max(newestLostSentAt, sentAt);
                if (sentAt >= peer.firstSampleAt) {
                    if (runStart == NO_DEADLINE) {
                        runStart = sentAt;
                    }
                    runEnd = sentAt;
                    persistent |= runEnd - runStart >= persistentDuration;
                }
            } else {
                runStart = NO_DEADLINE;
                if (lossDelay != NO_DEADLINE) {
                    lossTime = Math.min(lossTime, sentAt + lossDelay);
                }
            }
        }
        if (newestLostSentAt != NO_DEADLINE) {
            reordering.recovery();
            if (peer.congestion.onCongestionEvent(newestLostSentAt, now, rtt.queued(peer.congestion.window()))) {
                metrics.congestionEvents.increment();
            }
            if (persistent) {
                metrics.persistentCongestion.increment();
                peer.congestion.onPersistentCongestion(now);
            }
        }
        peer.lossTime = lossTime;
    }

    /**
     * Takes a packet out of flight as lost and queues its unacknowledged fragments for
     * retransmission, each once, and only if this packet carried its newest copy: a probe may
     * have sent another copy that is still in flight.
     */
    private void declareLost(Peer peer, int slot, long pn) {
        SentPackets sent = peer.sent;
        for (int i = 0, n = sent.refCount(slot); i < n; i++) {
            OutMessage m = sent.refMessage(slot, i);
            int fragment = sent.refFragment(slot, i);
            if (!m.done && !m.isAcked(fragment) && m.lastPacket(fragment) == pn && m.markQueued(fragment)) {
                peer.retransmits.add(m, fragment);
            }
        }
        sent.release(slot, false);
    }

    /**
     * RFC 9002 section 6.2: nothing was acknowledged for a probe timeout. Declares nothing lost and
     * leaves the congestion window alone (a timeout is no evidence of congestion: the data or its
     * acknowledgements may have met random loss); sends two probes instead, beyond the window,
     * each with a PING so that the peer acknowledges at once, the second a quarter of a probe
     * timeout after the first ({@link #PROBE_SPACING}). The acknowledgement of either lets loss
     * detection find what else was lost. The next probe timeout is half as long again.
     *
     * <p>The first probe carries the oldest unacknowledged data, so that a lost tail is repaired
     * by the probe itself and a receiver waiting for it to deliver in order gets it as soon as
     * anything gets through; the second, at {@link #onSecondProbe}, other data.
     */
    private void onProbeTimeout(Peer peer, long now) {
        metrics.probeTimeouts.increment();
        peer.probeCount = Math.min(peer.probeCount + 1, MAX_PROBE_COUNT);
        peer.probesPending = 1;
        peer.secondProbeAt = now + peer.rtt.probeTimeout(peer.probeCount) / PROBE_SPACING;
        peer.lastDataSentAt = now;
        queueProbeData(peer, fragmentSize, true);
    }

    /**
     * The second probe of a probe timeout: the oldest data in flight that no probe carried yet,
     * else new data, else only the PING. Data a probe carried is not sent again by it while that
     * probe's fate is unknown: when acknowledgements are lost in a burst, sending the same
     * fragments on every timeout only used up their {@code maxTransmissions}.
     */
    private void onSecondProbe(Peer peer, long now) {
        peer.secondProbeAt = NO_DEADLINE;
        peer.probesPending = 1;
        peer.lastDataSentAt = now;
        queueProbeData(peer, fragmentSize, false);
    }

    /**
     * Queues unacknowledged fragments of packets in flight, oldest first, up to {@code budget}
     * bytes: with {@code oldest}, whatever packet holds them; else only from the packet that
     * holds their newest copy, and not from packets that were probes.
     */
    private void queueProbeData(Peer peer, long budget, boolean oldest) {
        SentPackets sent = peer.sent;
        for (long pn = sent.base(); pn < peer.nextPacketNumber && budget > 0; pn++) {
            int slot = sent.slotOf(pn);
            if (slot < 0 || (!oldest && sent.isProbe(slot))) {
                continue;
            }
            for (int i = 0, n = sent.refCount(slot); i < n && budget > 0; i++) {
                OutMessage m = sent.refMessage(slot, i);
                int fragment = sent.refFragment(slot, i);
                if (!m.done && !m.isAcked(fragment) && (oldest || m.lastPacket(fragment) == pn)
                        && m.markQueued(fragment)) {
                    peer.retransmits.add(m, fragment);
                    budget -= m.fragmentLength(fragment);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------- sending

    private void runTimers(Peer peer, long now) {
        if (now - peer.lastReceiveAt >= config.idleTimeoutNanos()) {
            dropPeer(peer, DisconnectReason.TIMED_OUT, "peer timed out", now);
            return;
        }
        OutMessage oldest = oldestReliable(peer);
        if (oldest != null && oldest.firstSentAt != OutMessage.NOT_SENT
                && now - oldest.firstSentAt >= config.deliveryDeadlineNanos()) {
            dropPeer(peer, DisconnectReason.UNREACHABLE, "delivery deadline passed", now);
            return;
        }
        if (now >= peer.lossTime) {
            detectLosses(peer, now);
            peer.sent.advanceBase(peer.nextPacketNumber);
        }
        if (now >= peer.secondProbeAt) {
            onSecondProbe(peer, now);
        }
        if (now >= probeDeadline(peer)) {
            onProbeTimeout(peer, now);
        }
        long keepAlive = config.keepAliveNanos();
        // An ACK about to go out keeps the conversation alive as well as a PING would.
        if (keepAlive > 0 && peer.sent.inFlight() == 0 && !peer.ackPending && now - peer.lastSendAt >= keepAlive) {
            peer.pingPending = true;
        }
        if (now >= peer.lossyExpiry) {
            expireLossy(peer, now);
        }
    }

    /**
     * The reliable message whose delivery deadline comes first: of the oldest unacknowledged
     * message of each space (sent in order, so the earliest first transmission of its space),
     * the one sent first. Null if neither has been transmitted.
     */
    private static OutMessage oldestReliable(Peer peer) {
        OutMessage a = peer.oldestUnacked(peer.unackedOrdered);
        OutMessage b = peer.oldestUnacked(peer.unackedUnordered);
        if (a == null || a.firstSentAt == OutMessage.NOT_SENT) {
            return b == null || b.firstSentAt == OutMessage.NOT_SENT ? null : b;
        }
        return b == null || b.firstSentAt == OutMessage.NOT_SENT || a.firstSentAt <= b.firstSentAt ? a : b;
    }

    private static long probeDeadline(Peer peer) {
        return peer.sent.inFlight() == 0 ? NO_DEADLINE : peer.lastDataSentAt + peer.rtt.probeTimeout(peer.probeCount);
    }

    private long deadline(Peer peer) {
        long d = peer.lastReceiveAt + config.idleTimeoutNanos();
        if (peer.ackPending) {
            d = Math.min(d, peer.ackDeadline);
        }
        d = Math.min(d, peer.lossTime);
        d = Math.min(d, probeDeadline(peer));
        d = Math.min(d, peer.secondProbeAt);
        if (config.keepAliveNanos() > 0 && peer.sent.inFlight() == 0) {
            d = Math.min(d, peer.lastSendAt + config.keepAliveNanos());
        }
        OutMessage oldest = oldestReliable(peer);
        if (oldest != null && oldest.firstSentAt != OutMessage.NOT_SENT) {
            d = Math.min(d, oldest.firstSentAt + config.deliveryDeadlineNanos());
        }
        d = Math.min(d, peer.lossyExpiry);
        if (peer.announcePending) {
            d = Math.min(d, peer.lastAnnounceAt + controlInterval);
        }
        return d;
    }

    private void flush(Peer peer, long now) {
        while (!peer.removed && !closed) {
            SentPackets sent = peer.sent;
            sent.advanceBase(peer.nextPacketNumber);
            boolean probe = peer.probesPending > 0;
            boolean canSendData = sent.hasRoom(peer.nextPacketNumber)
                    && (probe || sent.inFlight() < config.maxInFlightDatagrams()
                            && peer.congestion.canSend(sent.bytesInFlight()));
            boolean data = canSendData && hasSendable(peer);
            boolean announce = peer.announcePending && now - peer.lastAnnounceAt >= controlInterval;
            boolean ping = peer.pingPending || announce || probe;
            boolean ack = peer.ackPending && (now >= peer.ackDeadline || data || ping);
            if (!data && !ping && !ack) {
                return;
            }
            sendDatagram(peer, now, data, ping, announce, probe);
        }
    }

    private boolean hasSendable(Peer peer) {
        FragmentQueue rq = peer.retransmits;
        while (!rq.isEmpty()) {
            OutMessage m = rq.peekMessage();
            int fragment = rq.peekFragment();
            if (!m.done && !m.isAcked(fragment)) {
                return true;
            }
            m.unqueue(fragment);
            rq.removeFirst();
        }
        OutMessage head = peer.sendQueue.peekFirst();
        return head != null && windowOpen(peer, head);
    }

    /** Flow control: a reliable message goes out only within the receiver's window of its oldest unacknowledged one. */
    private boolean windowOpen(Peer peer, OutMessage m) {
        if (!m.reliable()) {
            return true;
        }
        OutMessage oldest = peer.oldestUnacked(peer.unacked(m.mode));
        return oldest == null || m.sequence - oldest.sequence < Math.min(config.receiveWindow(), peer.peerWindow);
    }

    /**
     * Builds and transmits one datagram: ACK first, then retransmissions, then new messages,
     * packed. A probe also carries a PING, so that it is acknowledged at once.
     */
    private void sendDatagram(Peer peer, long now, boolean data, boolean ping, boolean announce, boolean probe) {
        ByteBuffer b = out;
        b.clear();
        long pn = peer.nextPacketNumber;
        long destination = peer.remoteSession != 0 ? peer.remoteSession : peer.announceTo;
        int at = WireWriter.writeHeader(b, 0, peer.localSession, destination, pn);
        int headerLength = at;
        if (peer.token != null) {
            at = WireWriter.writeToken(b, at, peer.token);
        }
        int bodyStart = at;
        int end = datagramRoom - (probe ? PING_LENGTH : 0);
        boolean ackCopy = false;
        if (peer.ackPending) {
            peer.received.fillAck(ackRanges);
            if (ackRanges.count() == 0) {
                peer.ackPending = false;
            } else {
                // The reserve holds a TOKEN and an ACK together, so a full DATA frame still fits.
                int limit = data ? Math.min(end, headerLength + EngineConfig.ACK_RESERVE) : end;
                long delayMicros = Math.max(0, (now - peer.received.largestAt()) / 1000);
                int next = WireWriter.writeAck(b, at, limit, ackRanges, delayMicros, config.receiveWindow());
                if (next > 0) {
                    at = next;
                    peer.ackPending = false;
                    peer.ackElicitingSinceAck = 0;
                    ackCopy = peer.ackCopies > 0 && !data;
                    if (data) {
                        peer.ackCopies = 0; // it rides on data: no copy of its own
                    }
                }
            }
        }
        int slot = -1;
        boolean carriesData = false;
        OutMessage exhausted = null;
        if (data) {
            FragmentQueue rq = peer.retransmits;
            while (true) {
                OutMessage m;
                int fragment;
                boolean retransmit;
                if (!rq.isEmpty()) {
                    m = rq.peekMessage();
                    fragment = rq.peekFragment();
                    if (m.done || m.isAcked(fragment)) {
                        m.unqueue(fragment);
                        rq.removeFirst();
                        continue;
                    }
                    retransmit = true;
                } else {
                    m = peer.sendQueue.peekFirst();
                    if (m == null || !windowOpen(peer, m)) {
                        break;
                    }
                    fragment = m.nextFragment;
                    retransmit = false;
                }
                int length = m.fragmentLength(fragment);
                int total = m.payload.length;
                if (WireWriter.dataLength(m.sequence, total, m.fragmentSize, fragment, length) > end - at) {
                    break;
                }
                if (retransmit && m.transmissions(fragment) >= config.maxTransmissions()) {
                    exhausted = m;
                    break;
                }
                at = WireWriter.writeData(b, at, m.mode, m.sequence, total, m.fragmentSize, fragment, m.payload,
                        m.fragmentOffset(fragment), length);
                carriesData = true;
                if (slot < 0) {
                    slot = peer.sent.open(pn);
                }
                if (m.firstSentAt == OutMessage.NOT_SENT) {
                    m.firstSentAt = now;
                }
                if (m.reliable()) {
                    peer.sent.addRef(slot, m, fragment);
                    if (m.recordTransmission(fragment, pn) > 1) {
                        metrics.retransmissions.increment();
                    }
                }
                if (retransmit) {
                    m.unqueue(fragment);
                    rq.removeFirst();
                } else if (++m.nextFragment == m.fragmentCount) {
                    peer.sendQueue.removeFirst();
                    if (!m.reliable()) {
                        finish(peer, m);
                    }
                }
            }
        }
        if (exhausted != null && !carriesData) {
            dropPeer(peer, DisconnectReason.UNREACHABLE, "retries exhausted", now);
            return;
        }
        if (ping) {
            if (!carriesData || probe) {
                at = WireWriter.writePing(b, at);
            }
            if (probe) {
                peer.probesPending--;
            }
            peer.pingPending = false;
            if (announce) {
                peer.announcePending = false;
                peer.lastAnnounceAt = now;
            }
        }
        if (at == bodyStart) {
            throw new IllegalStateException("engine bug: empty datagram to " + peer.address);
        }
        // A datagram that opens a conversation, or a lone PING, may reach a server that answers
        // it with a RETRY, which is never larger than what it answers: make room for one.
        if ((carriesData || ping) && (destination == 0 || !carriesData) && at < WireFormat.MIN_PADDED_LENGTH) {
            at = WireWriter.writePadding(b, at, WireFormat.MIN_PADDED_LENGTH);
        }
        b.limit(at);
        b.position(0);
        protection.seal(peer.address, peer.localSession, destination, pn, b, headerLength);
        if (carriesData) {
            peer.sent.commit(slot, now, b.limit(), probe);
            peer.lastDataSentAt = now;
        }
        peer.nextPacketNumber = pn + 1;
        peer.lastSendAt = now;
        if (ackCopy && !carriesData) {
            peer.ackCopies--;
            peer.ackPending = true; // flush() sends the copy next, in a datagram of its own
        }
        metrics.datagramsSent.increment();
        metrics.bytesSent.add(b.remaining());
        output.transmit(peer.address, b);
        completeAll();
    }

    /**
     * Says goodbye, with the acknowledgement still owed riding along: a peer whose last message
     * arrived just before the close must not go on retransmitting it to nobody, and fail.
     */
    private void sendClose(Peer peer, long now) {
        ByteBuffer b = out;
        b.clear();
        long pn = peer.nextPacketNumber++;
        long destination = peer.remoteSession != 0 ? peer.remoteSession : peer.announceTo;
        int at = WireWriter.writeHeader(b, 0, peer.localSession, destination, pn);
        int headerLength = at;
        if (peer.ackPending) {
            peer.received.fillAck(ackRanges);
            if (ackRanges.count() > 0) {
                long delayMicros = Math.max(0, (now - peer.received.largestAt()) / 1000);
                int next = WireWriter.writeAck(b, at, datagramRoom - CLOSE_RESERVE, ackRanges, delayMicros,
                        config.receiveWindow());
                if (next > 0) {
                    at = next;
                    peer.ackPending = false;
                }
            }
        }
        at = WireWriter.writeClose(b, at, 0);
        b.limit(at);
        b.position(0);
        protection.seal(peer.address, peer.localSession, destination, pn, b, headerLength);
        metrics.datagramsSent.increment();
        metrics.bytesSent.add(b.remaining());
        output.transmit(peer.address, b);
    }

    // ------------------------------------------------------------------------------ peer lifecycle

    /** Creates state for a new peer, evicting the least recently active idle peer if the table is full. */
    private Peer admit(InetSocketAddress address, long now) {
        if (peers.size() >= config.maxPeers()) {
            Peer victim = null;
            for (Peer p : peers.values()) {
                if (p.isIdle()) {
                    victim = p;
                    break;
                }
            }
            if (victim == null) {
                metrics.peersRefused.increment();
                return null;
            }
            metrics.peersEvicted.increment();
            dropPeer(victim, DisconnectReason.EVICTED, "peer evicted", now);
            if (closed || peers.size() >= config.maxPeers()) {
                return null;
            }
        }
        Peer peer = new Peer(address, newSessionId(), config, now);
        peers.put(address, peer);
        lastPeer = peer;
        metrics.peers.set(peers.size());
        output.peerConnected(address);
        return peer;
    }

    /** The live peer at an address, or null; see {@link #lastPeer}. */
    private Peer lookup(InetSocketAddress address) {
        Peer p = lastPeer;
        if (p != null && !p.removed && (p.address == address || p.address.equals(address))) {
            return p;
        }
        p = peers.get(address);
        if (p != null) {
            lastPeer = p;
        }
        return p;
    }

    private void dropPeer(Peer peer, DisconnectReason reason, String detail, long now) {
        if (peer.removed) {
            return;
        }
        peer.removed = true;
        peers.remove(peer.address, peer);
        if (lastPeer == peer) {
            lastPeer = null;
        }
        metrics.peers.set(peers.size());
        if (reason != DisconnectReason.CLOSED_LOCALLY) {
            flushOrdered(peer, now);
        }
        reassemblyBytes -= peer.reassemblyBytes;
        peer.reassemblyBytes = 0;
        failPending(peer, reason, detail, now);
        LOG.debug("dropped peer {}: {}", peer.address, detail);
        output.peerDisconnected(peer.address, reason);
    }

    private void failPending(Peer peer, DisconnectReason reason, String detail, long now) {
        List<OutMessage> failed = new ArrayList<>();
        for (ObjectRing<OutMessage> ring : List.of(peer.unackedOrdered, peer.unackedUnordered, peer.sendQueue)) {
            for (int i = 0; i < ring.size(); i++) {
                OutMessage m = ring.get(i);
                if (!m.done) {
                    m.done = true;
                    failed.add(m);
                }
            }
            ring.clear();
        }
        peer.retransmits.clear();
        peer.sent.clear(peer.nextPacketNumber);
        peer.pendingMessages = 0;
        peer.pendingBytes = 0;
        failed.sort(Comparator.comparingLong(m -> m.order));
        for (OutMessage m : failed) {
            RuntimeException e;
            if (reason == DisconnectReason.CLOSED_LOCALLY) {
                e = new EndpointClosedException("engine closed before the message to " + peer.address
                        + " was " + (m.reliable() ? "acknowledged" : "sent"));
            } else {
                metrics.deliveryFailures.increment();
                e = new DeliveryException(peer.address, m.attempts(), Duration.ofNanos(Math.max(0, now - m.enqueuedAt)),
                        detail);
            }
            m.completion.completeExceptionally(e);
        }
    }

    /**
     * The peer has a new session: it restarted, or dropped and re-created its state for us. What
     * it received before is gone, so: deliver what we hold complete, forget what we received,
     * take a new session of our own (so that nothing it sends to our old one is accepted), and
     * send every unacknowledged message again from scratch, renumbered from zero in send order.
     * Messages its old session acknowledged stay acknowledged.
     */
    private void restart(Peer peer, long newRemote, long now) {
        metrics.peerRestarts.increment();
        LOG.debug("peer {} has a new session; restarting the conversation", peer.address);
        flushOrdered(peer, now);
        if (peer.removed || closed) {
            return;
        }
        reassemblyBytes -= peer.reassemblyBytes;
        peer.reassemblyBytes = 0;
        peer.resetReceiveState(config);
        List<OutMessage> resend = new ArrayList<>();
        for (ObjectRing<OutMessage> ring : List.of(peer.unackedOrdered, peer.unackedUnordered)) {
            for (int i = 0; i < ring.size(); i++) {
                OutMessage m = ring.get(i);
                if (!m.done && m.nextFragment == m.fragmentCount) { // sent whole at least once; not in the queue
                    resend.add(m);
                }
            }
            ring.clear();
        }
        resend.sort(Comparator.comparingLong(m -> m.order));
        while (!peer.sendQueue.isEmpty()) {
            resend.add(peer.sendQueue.removeFirst());
        }
        Arrays.fill(peer.nextSequence, 0);
        for (OutMessage m : resend) {
            m.restart(peer.nextSequence[WireFormat.modeCode(m.mode)]++);
            peer.sendQueue.addLast(m);
            if (m.reliable()) {
                peer.unacked(m.mode).addLast(m);
            }
        }
        peer.retransmits.clear();
        peer.sent.clear(peer.nextPacketNumber);
        peer.congestion.reset();
        peer.probeCount = 0;
        peer.probesPending = 0;
        peer.secondProbeAt = NO_DEADLINE;
        peer.largestAcked = -1;
        peer.lossTime = NO_DEADLINE;
        peer.peerWindow = config.receiveWindow();
        peer.localSession = newSessionId();
        peer.remoteSession = newRemote;
        peer.announcePending = false;
        peer.announceTo = 0;
    }
}
