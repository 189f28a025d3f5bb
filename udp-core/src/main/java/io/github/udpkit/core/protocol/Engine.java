package io.github.udpkit.core.protocol;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.ConnectionStats;
import io.github.udpkit.api.DeliveryException;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.HandshakeException;
import io.github.udpkit.api.MessageTooLargeException;
import io.github.udpkit.api.PeerIdentity;
import io.github.udpkit.core.Addresses;
import io.github.udpkit.core.internal.ThrottledLog;
import io.github.udpkit.core.wire.AckRanges;
import io.github.udpkit.core.wire.WireFormat;
import io.github.udpkit.core.wire.WireReader;
import io.github.udpkit.core.wire.WireWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
    /**
     * "No time": what {@link #update} returns when nothing is pending, and what every deadline and
     * timer of udpkit's sans-I/O cores (and the drivers and simulators that run them) holds when it
     * is not set. Being the largest time, it is also the latest, so {@code Math.min} over deadlines
     * needs no special case.
     */
    public static final long NO_DEADLINE = Long.MAX_VALUE;
    private static final Comparator<Connection> BY_ACCESS = Comparator.comparingLong(c -> c.accessStamp);
    /**
     * The least interval between session announcements to a peer, and between RETRYs acted on:
     * {@code minRto}, but no less than this. (They followed {@code minRto} when it was 50 ms by
     * default; the probe timeout's floor is 10 ms now, and a forged RETRY should not make a
     * client resend its flight a hundred times a second.)
     */
    private static final long MIN_CONTROL_INTERVAL = 50_000_000;
    /** The most spare messages kept for reuse: a few windows' worth; more is garbage. */
    private static final int MESSAGE_POOL_CAPACITY = 4096;

    // Shared with the connections, which run on the engine's thread.
    final EngineConfig config;
    final EngineOutput output;
    final PacketProtection protection;
    final EngineMetrics metrics = new EngineMetrics();
    final AckRanges ackRanges = new AckRanges(ReceivedPackets.MAX_RANGES);
    /** Lays out every datagram the engine sends, in one buffer. */
    final PacketBuilder builder;
    /** Messages finished during a call, whose futures complete once the state is consistent. */
    final ArrayList<OutMessage> completions = new ArrayList<>();
    /** Whole messages to reuse, so that a steady stream allocates none per message. */
    final OutMessagePool messagePool = new OutMessagePool(MESSAGE_POOL_CAPACITY);
    final int maxWholePayload;
    final int fragmentSize;
    final int datagramRoom;
    /** See {@link #MIN_CONTROL_INTERVAL}. */
    final long controlInterval;
    /** Reassembly memory held by all connections. */
    long reassemblyBytes;

    /** Drops can come once per datagram: log them at most once a second. */
    private final ThrottledLog dropLog = new ThrottledLog(LOG, 1_000_000_000L);
    /** Access-ordered, so iteration starts at the least recently active peer (the eviction candidate). */
    private final LinkedHashMap<InetSocketAddress, Connection> peers = new LinkedHashMap<>(16, 0.75f, true);
    /**
     * The peer most recently looked up or admitted, so the tail of {@link #peers}' access order: a
     * stream to or from one peer finds it without hashing the address and relinking the map.
     */
    private Connection lastPeer;
    private final LongSupplier sessionIds;
    private final WireReader reader = new WireReader();
    private final ArrayList<Connection> snapshot = new ArrayList<>();
    /** Every live connection with a timer armed, by its next deadline. */
    private final DeadlineQueue deadlines = new DeadlineQueue();
    /** Connections fed a datagram or a send since the last {@link #update}: they run in the next one. */
    private final ArrayList<Connection> ready = new ArrayList<>();
    /** The live connections by their local session, which is what routes a datagram (the address may change). */
    private final HashMap<Long, Connection> sessions = new HashMap<>();
    /** The live connections by the peer's session, for datagrams that do not name ours yet. */
    private final HashMap<Long, Connection> remoteSessions = new HashMap<>();
    /** Counts lookups, to order a turn's connections as the peer table orders them. */
    private long accessCount;
    /** How many connections the last {@link #update} ran: what a turn cost, for tests. */
    int lastTurnSize;
    /** Makes and checks cookies when address validation is on; null when it is off. */
    private final AddressValidator validator;
    private final byte[] cookie = new byte[AddressValidator.TOKEN_LENGTH];
    /** The global token bucket of RETRY replies, in RETRYs, and when it was last refilled. */
    private double retryBudget;
    private long retryRefilledAt;
    private long lastNow;
    private long sendOrder;
    private boolean closed;
    private boolean busy;
    /** The security protocol every datagram on the wire is a record of (DTLS), or null. */
    final RecordLayer records;

    /**
     * Creates an engine with no peers.
     *
     * @param config the settings
     * @param output where datagrams, messages and events go
     * @param nowNanos the current time
     */
    public Engine(EngineConfig config, EngineOutput output, long nowNanos) {
        this(config, output, nowNanos, null);
    }

    /**
     * Creates an engine with no peers whose datagrams ride in the records of a security protocol
     * with a handshake of its own (DTLS 1.2). The engine owns that protocol as it owns the rest:
     * a datagram from an address it holds no connection for goes to the layer's admission (a
     * stateless cookie, limits); each connection holds its peer's session as its protection and
     * transmits nothing before the handshake completes; the handshake's timers run from the
     * engine's deadlines; {@link EngineOutput#peerAuthenticated} and
     * {@link EngineOutput#handshakeFailed} report how it ended. Records are bound to the peer's
     * address, so connections do not migrate.
     *
     * @param config the settings; its datagrams must fit the layer's records
     * @param output where records, messages and events go
     * @param nowNanos the current time
     * @param records the record layer, or null for none
     * @throws IllegalArgumentException if the engine's datagrams do not fit one record
     * @since 0.1.0
     */
    public Engine(EngineConfig config, EngineOutput output, long nowNanos, RecordLayer records) {
        this.config = checkNotNull(config, "config");
        this.records = records;
        checkArgument(records == null || config.maxDatagramSize() + records.overhead() <= records.maxDatagramSize(),
                "maxDatagramSize %s and a record's %s bytes must fit the record layer's datagrams of %s bytes",
                config.maxDatagramSize(), records == null ? 0 : records.overhead(),
                records == null ? 0 : records.maxDatagramSize());
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
        ByteBuffer out = config.protection().prefersDirectBuffers()
                ? ByteBuffer.allocateDirect(config.maxDatagramSize()) : ByteBuffer.allocate(config.maxDatagramSize());
        this.builder = new PacketBuilder(out, protection, metrics, output, ackRanges, config.receiveWindow());
        this.maxWholePayload = config.maxWholePayload();
        this.fragmentSize = config.fragmentSize();
        this.datagramRoom = config.baseDatagramSize() - protection.overhead();
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
        send(peer, 0, mode, payload, completion, nowNanos);
    }

    /**
     * Queues a message for a peer on one of its channels. Each of a peer's 256 channels has its
     * own sequence in each mode, and its own receive state: a message lost on one channel never
     * holds back the ordered deliveries of another. Otherwise as
     * {@link #send(InetSocketAddress, DeliveryMode, byte[], CompletableFuture, long)}.
     *
     * @param peer the receiver, a resolved address
     * @param channel the channel, 0..255
     * @param mode a framed mode (not {@link DeliveryMode#RAW})
     * @param payload the message, at most {@link EngineConfig#maxMessageSize()} bytes
     * @param completion completed as for the other {@code send}
     * @param nowNanos the current time
     * @throws MessageTooLargeException if the payload exceeds the maximum message size
     * @throws IllegalArgumentException for RAW mode, an unresolved address or a channel outside 0..255
     * @throws IllegalStateException over a record layer that only accepts (a DTLS server), for a
     *     peer that has no connection
     * @throws NullPointerException for a null argument
     * @since 0.1.0
     */
    public void send(InetSocketAddress peer, int channel, DeliveryMode mode, byte[] payload,
            CompletableFuture<Void> completion, long nowNanos) {
        checkNotNull(payload, "payload");
        send(peer, channel, mode, payload, 0, payload.length, completion, nowNanos);
    }

    /**
     * Queues a message that is a slice of an array, as a batch of messages encoded into one array
     * is sent: the engine copies the slice once, into each datagram that carries it, and keeps the
     * array (unmodified, please) until the message is acknowledged or fails. One completion may
     * serve many messages: it is completed (or failed) once per message. Otherwise as
     * {@link #send(InetSocketAddress, int, DeliveryMode, byte[], CompletableFuture, long)}.
     *
     * @param peer the receiver, a resolved address
     * @param channel the channel, 0..255
     * @param mode a framed mode (not {@link DeliveryMode#RAW})
     * @param payload the array that holds the message
     * @param offset where the message starts in it
     * @param length the message's length, at most {@link EngineConfig#maxMessageSize()} bytes
     * @param completion completed once for this message, as for the other {@code send}
     * @param nowNanos the current time
     * @throws MessageTooLargeException if the message exceeds the maximum message size
     * @throws IllegalArgumentException for RAW mode, an unresolved address, a channel outside
     *     0..255, or a slice outside the array
     * @throws NullPointerException for a null argument
     * @since 0.1.0
     */
    public void send(InetSocketAddress peer, int channel, DeliveryMode mode, byte[] payload, int offset, int length,
            CompletableFuture<Void> completion, long nowNanos) {
        checkArgument(channel >= 0 && channel <= WireFormat.MAX_CHANNEL, "channel must be in 0..%s: %s",
                WireFormat.MAX_CHANNEL, channel);
        checkNotNull(peer, "peer");
        checkNotNull(mode, "mode");
        checkNotNull(payload, "payload");
        checkNotNull(completion, "completion");
        if (offset < 0 || length < 0 || offset > payload.length - length) {
            throw new IllegalArgumentException("slice " + offset + "+" + length + " is outside an array of "
                    + payload.length + " bytes");
        }
        checkArgument(mode.isFramed(), "mode must be a framed mode, not %s", mode);
        checkArgument(!peer.isUnresolved(), "peer address must be resolved: %s", peer);
        if (length > config.maxMessageSize()) {
            metrics.oversized.increment();
            throw new MessageTooLargeException("message of " + length + " bytes to " + peer
                    + " exceeds maxMessageSize " + config.maxMessageSize());
        }
        if (closed) {
            completion.completeExceptionally(new EndpointClosedException("engine closed; message to " + peer
                    + " not sent"));
            return;
        }
        long now = advanceClock(nowNanos);
        Connection p = lookup(peer);
        if (p == null) {
            checkState(records == null || records.connects(),
                    "no DTLS association with %s: a DTLS server answers the clients that connected to it", peer);
            p = admit(peer, now);
            if (p == null) {
                metrics.backPressureRefusals.increment();
                completion.completeExceptionally(new BackPressureException("peer table full (maxPeers="
                        + config.maxPeers() + ") and no idle peer to evict; message to " + peer + " refused"));
                return;
            }
            if (records != null) {
                connectRecords(p, now);
            }
            if (closed || p.removed) {
                completion.completeExceptionally(p.removed && p.records != null && p.records.session.failure() != null
                        ? p.records.session.failure()
                        : new EndpointClosedException("engine closed; message to " + peer + " not sent"));
                return;
            }
        }
        p.accepted = true; // a conversation this side sends on is one it keeps
        p.enqueue(channel, mode, payload, offset, length, completion, now, sendOrder++);
        markReady(p);
    }

    /**
     * Feeds one received datagram. Never throws for bad input: a datagram that is foreign,
     * malformed, corrupted, duplicated or stale is counted in {@link #metrics()} and dropped. May
     * deliver messages and report peer events. Transmits nothing (call {@link #update} after)
     * except, with {@linkplain EngineConfig#addressValidation() address validation} on, the
     * stateless RETRY that answers a datagram from an address not yet validated: answering at
     * once is what keeps the engine from holding anything for it. Over a {@link RecordLayer} the
     * handshake's answers (a HelloVerifyRequest, the next flight) also go out at once, as the
     * handshake they belong to is not the engine's to pack.
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
            if (records != null) {
                receiveRecords(from, datagram, now);
            } else {
                process(from, datagram, position, limit, now);
            }
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
            // This turn's work: the connections fed a datagram or a send since the last turn, and
            // those whose deadline has come; none other is touched, however many there are.
            while (deadlines.earliest() <= now) {
                markReady(deadlines.poll());
            }
            ArrayList<Connection> work = snapshot;
            for (int i = 0; i < ready.size(); i++) { // not addAll: that copies through a fresh array
                Connection c = ready.get(i);
                c.ready = false;
                work.add(c);
            }
            ready.clear();
            lastTurnSize = work.size();
            if (work.size() > 1) {
                work.sort(BY_ACCESS); // the order of the peer table, least recently looked up first
            }
            for (int i = 0; i < work.size() && !closed; i++) {
                Connection c = work.get(i);
                if (c.removed) {
                    continue;
                }
                long deadline = c.update(now);
                if (!c.removed && !closed) {
                    deadlines.schedule(c, deadline);
                }
            }
            // A completion callback may have queued a send for a connection already done this turn.
            return closed ? NO_DEADLINE : ready.isEmpty() ? deadlines.earliest() : now;
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
        List<Connection> all = new ArrayList<>(peers.values());
        for (Connection p : all) {
            if (!p.removed) {
                p.sendClose(WireFormat.CLOSE_ENDPOINT, new byte[0], now);
                drop(p, DisconnectReason.CLOSED_LOCALLY, "endpoint closed", now);
            }
        }
        peers.clear();
        sessions.clear();
        remoteSessions.clear();
        deadlines.clear();
        ready.clear();
        metrics.peers.set(0);
    }

    /**
     * Closes the conversation with one peer, telling it why: a CLOSE carrying {@code reason},
     * which the peer's failed sends and its {@link EngineOutput#peerDisconnected(InetSocketAddress,
     * DisconnectReason, String)} detail carry. Pending sends to the peer fail with an
     * {@link EndpointClosedException}; the peer is reported {@link DisconnectReason#CLOSED_LOCALLY}.
     *
     * @param peer the peer
     * @param reason why, at most 200 bytes of UTF-8
     * @param nowNanos the current time
     * @return whether there was a conversation with the peer
     * @throws IllegalArgumentException if the reason is longer than 200 bytes of UTF-8
     * @since 0.1.0
     */
    public boolean disconnect(InetSocketAddress peer, String reason, long nowNanos) {
        checkNotNull(peer, "peer");
        byte[] bytes = checkNotNull(reason, "reason").getBytes(StandardCharsets.UTF_8);
        checkArgument(bytes.length <= WireFormat.MAX_CLOSE_REASON, "reason must be at most %s bytes of UTF-8: %s",
                WireFormat.MAX_CLOSE_REASON, reason);
        checkState(!busy, "disconnect() must not be called from inside an EngineOutput callback");
        if (closed) {
            return false;
        }
        long now = advanceClock(nowNanos);
        Connection c = get(peer);
        if (c == null) {
            return false;
        }
        c.sendClose(WireFormat.CLOSE_CONNECTION, bytes, now);
        drop(c, DisconnectReason.CLOSED_LOCALLY, "closed locally: " + reason, now);
        return true;
    }

    /**
     * Whether the engine is inside {@link #receive} or {@link #update}, calling its
     * {@link EngineOutput}: a driver defers what may not be done from a callback (a
     * {@link #disconnect}) until the call returns.
     *
     * @return true during a callback of those calls
     * @since 0.1.0
     */
    public boolean inCallback() {
        return busy;
    }

    /** Whether {@link #close} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * The largest datagram the engine sends to a peer now: what path MTU discovery found for its
     * path, else {@code maxDatagramSize}; 0 for a peer it holds no state for.
     */
    int datagramSize(InetSocketAddress peer) {
        for (Connection c : peers.values()) { // not get(): that would change the access order
            if (c.address.equals(peer)) {
                return c.datagramSize();
            }
        }
        return 0;
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
        Connection p = get(peer);
        return p == null ? 0 : p.pendingMessages;
    }

    /**
     * A snapshot of every conversation: address, round trip, loss, windows, traffic. On the
     * engine's thread only, like every method but {@link #metrics()}; it reads and changes
     * nothing, so an {@link EngineOutput} callback may call it.
     *
     * @return one entry per peer, least recently active first
     * @since 0.1.0
     */
    public List<ConnectionStats> connections() {
        List<ConnectionStats> all = new ArrayList<>(peers.size());
        for (Connection c : peers.values()) {
            all.add(c.stats());
        }
        return all;
    }

    /**
     * A snapshot of the conversation with the peer now at an address, as {@link #connections()}
     * takes them; it reads and changes nothing (not even which peer is least recently active).
     *
     * @param peer the peer's current address
     * @return its snapshot, or null if the engine holds no conversation with it
     * @since 0.1.0
     */
    public ConnectionStats connectionStats(InetSocketAddress peer) {
        for (Connection c : peers.values()) { // a walk, not a lookup: get() would reorder the access-ordered map
            if (c.address.equals(peer)) {
                return c.stats();
            }
        }
        return null;
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

    /** The latest time the engine was given. */
    long now() {
        return lastNow;
    }

    long newSessionId() {
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
        Connection peer = route(from, destination, source);
        if (records != null && peer != null && !peer.address.equals(from)) {
            // Out of the session of the peer at this address, naming another's: records bind to
            // their address, and one authenticated peer must not steer another's connection.
            metrics.staleSessionDropped.increment();
            return;
        }
        // Arrived on another path than the connection's: a migration, if it is the peer's session.
        boolean otherPath = peer != null && !peer.address.equals(from);
        if (otherPath && peer.remoteSession != 0 && peer.remoteSession != source) {
            metrics.staleSessionDropped.increment(); // our session, but not the peer's: not a migration
            return;
        }
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
            // From the peer's address only; except that a peer we reach at a wildcard address
            // (0.0.0.0:port, which the kernel delivers to this host) answers from a real one.
            if (peer == null || destination != peer.localSession
                    || (otherPath && !(peer.address.getAddress().isAnyLocalAddress()
                            && peer.address.getPort() == from.getPort()))) {
                metrics.staleSessionDropped.increment(); // not for a conversation of ours
                return;
            }
            peer.onRetry(b, reader.tokenOffset(), reader.tokenLength(), now);
            markReady(peer);
            return;
        }
        boolean elicits = reader.ackEliciting();
        if (peer == null && elicits && validator != null && records == null && !hasValidCookie(from, source, b, now)) {
            // No state, not even a refusal: a RETRY at most, never larger than what it answers.
            answerUnvalidated(from, source, limit - position, now);
            return;
        }
        if (stale) {
            // Addressed to a session of ours that no longer exists: the sender must learn the
            // current one, so answer (rate-limited) with a PING from it.
            metrics.staleSessionDropped.increment();
            if (peer == null) {
                if (!elicits || records != null) {
                    return;
                }
                peer = admit(from, now);
                if (peer == null || peer.removed || closed) {
                    return;
                }
            }
            peer.announceTo(source);
            markReady(peer);
            return;
        }
        if (peer == null) {
            if (!elicits || records != null) { // over records, connections come only from handshakes
                metrics.staleSessionDropped.increment();
                return;
            }
            peer = admit(from, now);
            if (peer == null || peer.removed || closed) {
                return;
            }
            learnRemote(peer, source);
        } else if (peer.remoteSession == 0) {
            learnRemote(peer, source);
        } else if (peer.remoteSession != source) {
            sessions.remove(peer.localSession, peer);
            remoteSessions.remove(peer.remoteSession, peer);
            peer.restart(source, now);
            if (!peer.removed) {
                sessions.put(peer.localSession, peer);
                remoteSessions.put(peer.remoteSession, peer);
            }
            markReady(peer);
            if (peer.removed || closed) {
                return;
            }
        }
        markReady(peer);
        if (otherPath) {
            peer.onOtherPath(from, reader, b, limit - position, packetNumber, now);
            if (peer.removed || closed) {
                return;
            }
        }
        peer.onDatagram(reader, packetNumber, b, bodyFrom, bodyTo, limit - position, now);
    }

    /**
     * The connection a datagram belongs to: the one whose session it is addressed to, wherever it
     * comes from (so a peer whose address changed keeps its conversation); else, for a datagram
     * that does not know our session yet or names one we no longer have, the one at its address.
     * A datagram from the connection's own address is looked up by address, as before sessions
     * routed, so that the peer table's order of recent activity is kept the same way.
     */
    private Connection route(InetSocketAddress from, long destination, long source) {
        Connection last = lastPeer;
        Connection c;
        if (destination != 0) {
            c = last != null && !last.removed && last.localSession == destination ? last : sessions.get(destination);
        } else {
            // The peer does not know our session yet, but we may know its: a copy of its opening
            // datagrams from another address belongs to its conversation (and is a duplicate there).
            c = last != null && !last.removed && last.remoteSession == source ? last : remoteSessions.get(source);
        }
        // A conversation with a multicast group or the broadcast address is never reached from
        // another address: its members answer from their own, and moving it to one of them would
        // cut the group off. Their answers are conversations of their own.
        if (c != null && !c.address.equals(from) && !Addresses.isGroup(c.address.getAddress())) {
            get(c.address); // active: move it to the end of the peer table's order
            return c;
        }
        return lookup(from);
    }

    private void learnRemote(Connection peer, long source) {
        peer.remoteSession = source;
        remoteSessions.put(source, peer);
    }

    /** Moves a connection to the address that proved it receives; see {@link Connection#onOtherPath}. */
    void migrate(Connection c, InetSocketAddress to, long now) {
        InetSocketAddress old = c.address;
        Connection displaced = peers.get(to);
        if (displaced != null && displaced != c) {
            // State kept for the address before the session came there: the same peer, or a
            // stranger that used the address before; the proven session wins.
            drop(displaced, DisconnectReason.EVICTED, "address taken over by a migrated session", now);
        }
        peers.remove(old, c);
        c.address = to;
        peers.put(to, c);
        c.accessStamp = ++accessCount;
        lastPeer = c;
        metrics.pathMigrations.increment();
        LOG.debug("session of {} moved to {}", old, to);
        output.peerMigrated(old, to);
    }

    /** Sixteen unpredictable bytes for a path challenge. */
    byte[] newChallenge() {
        byte[] challenge = new byte[16];
        ByteBuffer.wrap(challenge).putLong(newSessionId()).putLong(newSessionId());
        return challenge;
    }

    // ------------------------------------------------------------------------------- record layer

    /**
     * A datagram of an engine over a {@link RecordLayer}: records for the session of the connection
     * at its address, or, from an address without one (or a client that restarted its handshake
     * from the same port), for the layer's stateless admission. Records bind to the address: one
     * from another address is never a migration, whatever session it would name inside.
     */
    private void receiveRecords(InetSocketAddress from, ByteBuffer datagram, long now) {
        Connection c = lookup(from);
        if (c != null && c.records != null
                && (c.records.session.isHandshaking() || !records.opensHandshake(datagram))) {
            c.records.session.receive(datagram, now, c.records);
            if (!c.removed) {
                afterRecords(c, now);
                markReady(c);
            }
            return;
        }
        RecordPath path = new RecordPath(this, from, null);
        RecordLayer.Session session = records.accept(from, datagram, true, now, output::transmit, path);
        if (session == null) {
            return; // answered statelessly, refused or dropped: nothing kept
        }
        if (c != null) {
            // A client that restarted from the same port and proved its address again.
            records.abandon(c.records.session);
            drop(c, DisconnectReason.CLOSED_BY_PEER, "peer started a new DTLS handshake", now);
            if (closed) {
                return;
            }
        }
        Connection admitted = admit(from, now, false);
        if (admitted == null || admitted.removed || closed) {
            records.abandon(session);
            return;
        }
        admitted.records = path.bind(session);
        afterRecords(admitted, now);
    }

    /** A client's first send to a server: its handshake starts with the connection. */
    private void connectRecords(Connection c, long now) {
        RecordPath path = new RecordPath(this, c.address, null);
        c.records = path.bind(records.connect(c.address, now, path));
        c.records.announced = true; // admit() reported it: the send that made it is ours
        afterRecords(c, now);
    }

    /**
     * What a session's handshake came to, reported once: established (the peer announced, if a
     * server's, and authenticated), failed (the connection dropped, its sends failed, the failure
     * reported), or closed by the peer's close_notify.
     */
    void afterRecords(Connection c, long now) {
        RecordPath path = c.records;
        RecordLayer.Session session = path.session;
        if (session.isEstablished()) {
            if (!path.authenticated) {
                path.authenticated = true;
                c.lastReceiveAt = now; // the handshake's records were the peer's traffic: idle from here
                if (!path.announced) {
                    path.announced = true;
                    output.peerConnected(c.address);
                }
                output.peerAuthenticated(c.address, session.identity());
            }
        } else if (!session.isHandshaking()) {
            HandshakeException failure = session.failure();
            drop(c, failure != null ? DisconnectReason.UNREACHABLE : DisconnectReason.CLOSED_BY_PEER,
                    failure != null ? failure.getMessage() : "DTLS association closed by the peer (close_notify)", now);
        }
    }

    /** A record's plaintext: one of the peer's udpkit datagrams, processed as any arriving datagram. */
    void receivePlaintext(InetSocketAddress from, ByteBuffer plaintext) {
        int position = plaintext.position();
        int limit = plaintext.limit();
        ByteOrder order = plaintext.order();
        plaintext.order(ByteOrder.BIG_ENDIAN);
        try {
            process(from, plaintext, position, limit, lastNow);
        } finally {
            plaintext.order(order);
            plaintext.limit(limit);
            plaintext.position(position);
        }
    }

    /**
     * Who the peer at an address proved to be, for the application with each of its messages.
     *
     * @param peer the peer's address
     * @return its identity, or null without a record layer or before its handshake completed
     * @since 0.1.0
     */
    public PeerIdentity identity(InetSocketAddress peer) {
        Connection c = lastPeer;
        if (c == null || c.removed || !c.address.equals(peer)) {
            c = null;
            for (Connection each : peers.values()) { // a walk, not get(): that would reorder the peer table
                if (each.address.equals(peer)) {
                    c = each;
                    break;
                }
            }
        }
        return c == null || c.records == null ? null : c.records.session.identity();
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
        int at = builder.start(source, clientSession, 0, null);
        at = WireWriter.writeRetry(builder.buffer(), at, cookie, 0, cookie.length);
        metrics.addressValidationRetries.increment();
        builder.send(from, at);
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

    private void dropMalformed(InetSocketAddress from, int status, long now) {
        metrics.malformed.increment();
        if (LOG.isDebugEnabled()) { // checked first: the varargs array would cost an allocation per datagram
            dropLog.debug(now, "dropped malformed datagram from {}: {} ({} so far)", from,
                    WireReader.describe(status), metrics.malformed.get());
        }
    }

    // ------------------------------------------------------------------------------ peer lifecycle

    /** Creates state for a new peer, evicting the least recently active idle peer if the table is full. */
    private Connection admit(InetSocketAddress address, long now) {
        return admit(address, now, true);
    }

    /** {@link #admit(InetSocketAddress, long)}, reporting the peer now or, for a server's record-layer peer, later. */
    private Connection admit(InetSocketAddress address, long now, boolean announce) {
        if (peers.size() >= config.maxPeers()) {
            Connection victim = null;
            for (Connection p : peers.values()) {
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
            drop(victim, DisconnectReason.EVICTED, "peer evicted", now);
            if (closed || peers.size() >= config.maxPeers()) {
                return null;
            }
        }
        Connection peer = new Connection(this, address, newSessionId(), now);
        peers.put(address, peer);
        sessions.put(peer.localSession, peer);
        peer.accessStamp = ++accessCount;
        lastPeer = peer;
        markReady(peer);
        metrics.peers.set(peers.size());
        if (announce) {
            output.peerConnected(address);
        }
        return peer;
    }

    /** The live peer at an address, or null; see {@link #lastPeer}. */
    private Connection lookup(InetSocketAddress address) {
        Connection p = lastPeer;
        if (p != null && !p.removed && (p.address == address || p.address.equals(address))) {
            return p;
        }
        p = get(address);
        if (p != null) {
            lastPeer = p;
        }
        return p;
    }

    /** {@link #peers}{@code .get}, noting the access that moved the peer to the end of the table's order. */
    private Connection get(InetSocketAddress address) {
        Connection p = peers.get(address);
        if (p != null) {
            p.accessStamp = ++accessCount;
        }
        return p;
    }

    /** Puts a connection on the list of those the next {@link #update} runs, once. */
    private void markReady(Connection c) {
        if (!c.ready) {
            c.ready = true;
            ready.add(c);
        }
    }

    /** Drops a connection: out of the table, its pending sends failed, the event reported. Idempotent. */
    void drop(Connection peer, DisconnectReason reason, String detail, long now) {
        if (peer.removed) {
            return;
        }
        peer.removed = true;
        peers.remove(peer.address, peer);
        sessions.remove(peer.localSession, peer);
        remoteSessions.remove(peer.remoteSession, peer);
        deadlines.remove(peer);
        if (lastPeer == peer) {
            lastPeer = null;
        }
        metrics.peers.set(peers.size());
        peer.onDropped(reason, detail, now);
        LOG.debug("dropped peer {}: {}", peer.address, detail);
        RecordPath path = peer.records;
        if (path != null) {
            path.session.close(now, path); // close_notify, if it was established
            HandshakeException failure = path.takeFailure();
            if (failure != null) {
                output.handshakeFailed(failure);
            }
            if (!path.announced) {
                return; // a server's peer that never proved itself was never reported
            }
        }
        output.peerDisconnected(peer.address, reason, detail);
    }
}
