package io.github.udpkit.core.transport;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.Batch;
import io.github.udpkit.api.Connection;
import io.github.udpkit.api.ConnectionRefusedException;
import io.github.udpkit.api.ConnectionState;
import io.github.udpkit.api.DeliveryException;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.Disconnection;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.api.HandshakeException;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.MessageHandler;
import io.github.udpkit.api.MessageTooLargeException;
import io.github.udpkit.api.PeerIdentity;
import io.github.udpkit.api.ReceiveTimeoutException;
import io.github.udpkit.api.Send;
import io.github.udpkit.api.UdpException;
import io.github.udpkit.api.UdpIoException;
import io.github.udpkit.core.Addresses;
import io.github.udpkit.core.dtls.DtlsHost;
import io.github.udpkit.core.dtls.DtlsLayer;
import io.github.udpkit.core.internal.Counter;
import io.github.udpkit.core.internal.ThrottledLog;
import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.transport.Command.Cancellable;
import io.github.udpkit.core.transport.Command.Task;
import io.github.udpkit.core.protocol.EngineOutput;
import io.github.udpkit.core.security.AddressFilter;
import io.github.udpkit.core.security.RateLimiter;
import io.github.udpkit.core.wire.WireFormat;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Endpoint} on a UDP socket: the thin driver of DESIGN.md, on the JDK's
 * {@code DatagramChannel} or, where it runs, the batched Linux transport ({@link DatagramIo}).
 *
 * <p>One I/O thread owns the socket's receive side and all protocol state: the framed modes'
 * {@link Engine} is fed datagrams, sends and the time on that thread only, so it needs no locks.
 * {@code RAW} sends go straight from the caller's thread to the socket (every transport allows
 * one reader and concurrent writers), so they cost what a plain socket send costs. Framed sends
 * take a permit of their peer's send window, then queue a command for the I/O thread. Received
 * messages go to the handler on the I/O thread, or to a bounded inbox that {@link #receive} reads.
 *
 * @param <T> the payload type
 * @since 0.1.0
 */
public final class DatagramEndpoint<T> implements Endpoint<T> {
    /** How long {@link #connections()} waits for the I/O thread at most. */
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(DatagramEndpoint.class);

    /** Larger than any UDP payload (65,527 bytes over IPv6), so no datagram is ever truncated. */
    static final int RECEIVE_BUFFER_SIZE = 65_536;
    /** Datagrams read in one turn of the loop before timers and queued sends get their turn. */
    private static final int READ_BATCH = 64;
    /** How long close() waits for the I/O thread to send its goodbyes and release the socket. */
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final EndpointSettings<T> settings;
    /** The socket: the JDK's channel, or a batched transport where one is available. */
    private final DatagramIo io;
    private final InetSocketAddress localAddress;
    private final Thread ioThread;
    /**
     * Commands for the I/O thread, newest first: a sender pushes with one compare-and-set and
     * allocates no queue node, and the I/O thread takes the whole stack with one swap per turn.
     */
    private final CommandQueue commands = new CommandQueue();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final ThrottledLog throttledLog = new ThrottledLog(LOG, TimeUnit.SECONDS.toNanos(1));
    private volatile boolean readPaused;
    /** The framed modes' protocol engine, confined to the I/O thread; null for a RAW endpoint. */
    private final Engine engine;
    private final Output output = new Output();
    /** The DTLS associations of a RAW endpoint secured with DTLS, confined to the I/O thread; else null. */
    private final DtlsHost dtls;
    /**
     * The record layer of a framed endpoint secured with DTLS, which its engine owns (admission,
     * sessions, timers); kept here only to read its counters. Else null.
     */
    private final DtlsLayer dtlsLayer;
    private long dtlsDeadline = Long.MAX_VALUE;
    /** The send windows' permits, one per peer, so that a sender waits for its own peer's acknowledgements only. */
    private final SendPermits permits;
    /** Hands a framed send to the engine on the I/O thread. */
    private final FramedSend.Submitter submitter = this::submit;
    /** The most a new batch starts with, whatever the last one held: a batch of large messages grows. */
    private static final int MAX_BATCH_BYTES_HINT = 1 << 20;
    /** See {@link #batchBytesHint()}; written by senders, read by senders, any value is safe. */
    private int batchBytesHint;
    /** Hands a batch of framed messages to the engine on the I/O thread. */
    private final FramedBatch.Submitter batchSubmitter = this::submitBatch;
    /** Decodes received messages and hands them to the handler or the inbox. */
    private final Deliveries<T> deliveries;
    /** Whether the loop's last turn found nothing to do and went idle. I/O thread only. */
    private boolean afterIdle;
    /** How long the idle loop polls before it sleeps. I/O thread only. */
    private final AdaptiveSpin spin;
    private final AddressFilter filter;
    private final RateLimiter rateLimiter; // null when there is no limit; I/O thread only
    /** The impairments and the datagrams they hold back; null when none is configured. */
    private final ImpairedPath impaired;

    // What callers' threads count (RAW sends) needs atomic adds; what only the I/O thread counts
    // (receipts, the engine's transmissions, framed sends) needs none.
    /** Writes RAW and unframed datagrams on the caller's thread, and counts them. */
    private final RawSender rawSender;
    private final LongAdder rawMessagesSent = new LongAdder();
    /** The endpoint's JFR events; set when the I/O thread starts, and read by it alone. */
    private FlightEvents.Sampler flight;
    private final Counter framedDatagramsSent = new Counter();
    private final Counter framedBytesSent = new Counter();
    private final Counter framedMessagesSent = new Counter();
    private final Counter datagramsReceived = new Counter();
    private final Counter bytesReceived = new Counter();
    private final LongAdder oversized = new LongAdder();
    private final LongAdder filtered = new LongAdder();
    /**
     * The handle of each conversation, by the peer's current address: the engine reports every
     * conversation's start, move and end, so a handle follows its session. Written on the I/O
     * thread only.
     */
    private final ConcurrentHashMap<InetSocketAddress, ConnectionHandle<T>> handles = new ConcurrentHashMap<>();
    /**
     * What the engine call under way is, so that a conversation it starts is known as ours (a
     * plain send: open at once; a {@link #connect}: connecting) or the peer's. I/O thread only.
     */
    private ConnectionState opening;
    /** The multicast groups joined; safe from any thread. */
    private final Memberships memberships;

    private DatagramEndpoint(EndpointSettings<T> settings, DatagramIo io) throws IOException {
        this.settings = settings;
        this.io = io;
        this.localAddress = io.localAddress();
        this.memberships = new Memberships(io.channel(), io.name(), localAddress,
                settings.multicast().networkInterface());
        this.ioThread = new Thread(this::runLoop, "udpkit-io-" + localAddress.getPort());
        this.ioThread.setDaemon(true);
        this.permits = new SendPermits(new SendWindows(settings.protocol().maxQueuedMessages(),
                settings.protocol().maxPeers()), ioThread, settings.failFast(), settings.sendTimeout(),
                saturatedNanos(settings.sendTimeout()), closed::get, this::closedException);
        this.deliveries = new Deliveries<>(settings, localAddress, throttledLog, this::reportError, this::pauseReading);
        this.rawSender = new RawSender(io, localAddress, settings.sendTimeout(),
                saturatedNanos(settings.sendTimeout()), this::closedException);
        this.spin = new AdaptiveSpin(saturatedNanos(settings.idleSpin()));
        this.filter = settings.filter();
        this.rateLimiter = settings.rateLimit() == null ? null : settings.rateLimit().newLimiter();
        this.impaired = ImpairedPath.of(settings.impairments(), System.nanoTime());
        SecureRandom random = new SecureRandom();
        boolean framed = settings.mode().isFramed();
        this.dtlsLayer = framed && settings.dtls() != null ? new DtlsLayer(settings.dtls(), random::nextBytes) : null;
        this.engine = framed ? new Engine(settings.protocol(), output, System.nanoTime(), dtlsLayer) : null;
        this.dtls = !framed && settings.dtls() != null
                ? new DtlsHost(settings.dtls(), new DtlsOutput(), random::nextBytes) : null;
    }

    /**
     * Opens the socket described by the settings and starts the endpoint's I/O thread.
     *
     * @param settings the validated settings
     * @param <T> the payload type
     * @return the open endpoint
     * @throws UdpIoException if the socket cannot be opened or bound
     */
    public static <T> DatagramEndpoint<T> open(EndpointSettings<T> settings) {
        DatagramIo io = null;
        try {
            io = DatagramIoFactory.open(settings);
            DatagramEndpoint<T> endpoint = new DatagramEndpoint<>(settings, io);
            try {
                for (InetAddress group : settings.multicast().groups()) {
                    endpoint.memberships.join(group);
                }
            } catch (RuntimeException e) {
                closeQuietly(io);
                throw e;
            }
            endpoint.ioThread.start();
            LOG.debug("endpoint open on {} in {} mode, transport {}", endpoint.localAddress, settings.mode(), io.name());
            return endpoint;
        } catch (IOException e) {
            closeQuietly(io);
            throw UdpIoException.of("bind", settings.bindAddress(), null, e);
        }
    }

    // ---------------------------------------------------------------- multicast

    @Override
    public void joinGroup(InetAddress group) {
        Objects.requireNonNull(group, "group");
        ensureOpen();
        try {
            memberships.join(group);
        } catch (IOException e) {
            throw UdpIoException.of("join group " + group.getHostAddress(), localAddress, null, e);
        }
    }

    @Override
    public void leaveGroup(InetAddress group) {
        Objects.requireNonNull(group, "group");
        memberships.leave(group);
    }

    @Override
    public Set<InetAddress> groups() {
        return memberships.groups();
    }

    @Override
    public CompletableFuture<Void> sendUnframed(byte[] datagram, InetSocketAddress to) {
        Objects.requireNonNull(datagram, "datagram");
        InetSocketAddress destination = Addresses.checkPeer(to);
        checkArgument(datagram.length <= MAX_DATAGRAM_PAYLOAD, "an unframed datagram holds at most %s bytes: %s",
                MAX_DATAGRAM_PAYLOAD, datagram.length);
        ensureOpen();
        return sendRaw(datagram, destination);
    }

    @Override
    public String transport() {
        return io.name();
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public Optional<InetSocketAddress> peer() {
        return Optional.ofNullable(settings.peer());
    }

    @Override
    public DeliveryMode mode() {
        return settings.mode();
    }

    @Override
    public Send<T> send(T payload) {
        Objects.requireNonNull(payload, "payload");
        ensureOpen();
        return new PendingSend<>(this, payload, null);
    }

    /** A send on one connection; the handle has checked the payload and that it is open. */
    Send<T> send(T payload, ConnectionHandle<T> connection) {
        return new PendingSend<>(this, payload, connection);
    }

    @Override
    public Batch<T> batch() {
        ensureOpen();
        return new BatchSend<>(this, null, permits.perPeer());
    }

    /** A batch on one connection; the handle has checked that it is open. */
    Batch<T> batch(ConnectionHandle<T> connection) {
        return new BatchSend<>(this, connection, permits.perPeer());
    }

    EndpointSettings<T> settings() {
        return settings;
    }

    /** How many bytes the last batch sent held: where the next one starts. Racy on purpose: only a hint. */
    int batchBytesHint() {
        return batchBytesHint;
    }

    void batchBytesHint(int bytes) {
        batchBytesHint = Math.min(bytes, MAX_BATCH_BYTES_HINT);
    }

    /** Counts a message refused for its size before it was sent. */
    void countOversized() {
        oversized.increment();
    }

    /** The peer the endpoint was opened with, as sends address it. */
    InetSocketAddress defaultPeer() {
        InetSocketAddress peer = settings.peer();
        if (peer == null) {
            throw new IllegalStateException("endpoint " + localAddress + " was opened without a peer: use to(host, port)");
        }
        return Addresses.forSending(peer, localAddress);
    }

    /** The protocol engine; null in RAW mode. Touch it on the I/O thread only. */
    Engine engine() {
        return engine;
    }

    @Override
    public Message<T> receive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        ensureNoHandler();
        Object next;
        try {
            next = deliveries.poll(timeout.isNegative() ? 0 : saturatedNanos(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UdpException("interrupted while receiving on " + localAddress, e);
        }
        if (next == null) {
            if (closed.get()) {
                throw closedException();
            }
            throw new ReceiveTimeoutException("no message on " + localAddress + " within " + timeout.toMillis() + " ms");
        }
        return taken(next);
    }

    @Override
    public Optional<Message<T>> poll() {
        ensureNoHandler();
        Object next = deliveries.poll();
        return next == null ? Optional.empty() : Optional.of(taken(next));
    }

    @Override
    public Endpoint<T> onMessage(MessageHandler<T> newHandler) {
        Objects.requireNonNull(newHandler, "handler");
        ensureOpen();
        deliveries.requestHandler();
        // The I/O thread hands over what is queued, in order, before anything newer arrives.
        runOnIoThread(() -> {
            deliveries.handOver(newHandler);
            resumeReadingIfDrained();
        });
        return this;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Done on the I/O thread (directly, from a handler or a listener); another caller waits for
     * it at most five seconds.
     */
    @Override
    public boolean disconnect(InetSocketAddress peer, String reason) {
        Objects.requireNonNull(peer, "peer");
        checkCloseReason(reason);
        return Boolean.TRUE.equals(onIoThread(() -> {
            if (engine.inCallback()) {
                // From a handler or listener inside the engine: done as soon as its call returns.
                ConnectionHandle<T> handle = handles.get(peer);
                return handle != null && handle.closeLater(reason);
            }
            return engine.disconnect(peer, reason, System.nanoTime());
        }, false, "disconnecting " + peer));
    }

    static void checkCloseReason(String reason) {
        Objects.requireNonNull(reason, "reason");
        checkArgument(reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= WireFormat.MAX_CLOSE_REASON,
                "reason must be at most %s bytes of UTF-8: %s", WireFormat.MAX_CLOSE_REASON, reason);
    }

    /**
     * Runs a call on the I/O thread, which owns the engine, and returns its result: directly when
     * already there (a handler, a listener), else waiting at most five seconds.
     *
     * @param ifClosed the answer of a closed endpoint, or of a RAW one (no engine)
     * @param what what the call does, for the exception if it does not finish
     * @throws UdpException if the I/O thread did not answer in time, or the wait was interrupted
     */
    <R> R onIoThread(Supplier<R> call, R ifClosed, String what) {
        if (engine == null || closed.get()) {
            return ifClosed;
        }
        if (Thread.currentThread() == ioThread) {
            return call.get();
        }
        CompletableFuture<R> result = new CompletableFuture<>();
        runOnIoThread(() -> {
            try {
                result.complete(closed.get() ? ifClosed : call.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(LIST_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UdpException("interrupted while " + what + " on endpoint " + localAddress, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new UdpException("endpoint " + localAddress + " failed " + what, e.getCause());
        } catch (TimeoutException e) {
            if (closed.get()) {
                return ifClosed;
            }
            throw new UdpException("endpoint " + localAddress + " did not finish " + what + " within "
                    + LIST_TIMEOUT, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Read from a concurrent map the I/O thread keeps: no wait. A closed endpoint has none.
     */
    @Override
    public List<Connection<T>> connections() {
        return closed.get() ? List.of() : List.copyOf(handles.values());
    }

    @Override
    public Optional<Connection<T>> connection(InetSocketAddress peer) {
        Objects.requireNonNull(peer, "peer");
        return closed.get() ? Optional.empty() : Optional.ofNullable(handles.get(peer));
    }

    @Override
    public CompletableFuture<Connection<T>> connect(InetSocketAddress peer, T firstMessage) {
        Objects.requireNonNull(firstMessage, "firstMessage");
        checkState(settings.mode().isFramed(),
                "endpoint %s is RAW and keeps no conversations: open it in a framed mode to connect to %s",
                localAddress, peer);
        InetSocketAddress to = Addresses.forSending(Addresses.checkPeer(peer), localAddress);
        FramedSend command = (FramedSend) dispatch(firstMessage, DeliveryMode.RELIABLE, 0, to, null, true);
        // Completed at the end of the I/O thread's turn (see FramedSend), by which time the
        // engine has reported the conversation's start, and its end if the peer refused.
        CompletableFuture<Connection<T>> connected = new CompletableFuture<>();
        command.whenComplete((ignored, failure) -> {
            ConnectionHandle<T> handle = handleOf(command.opened);
            if (failure == null && handle != null) {
                handle.accepted();
                connected.complete(handle);
            } else if (failure instanceof DeliveryException e && e.reason().startsWith(REFUSED_BY_PEER)) {
                connected.completeExceptionally(new ConnectionRefusedException(to,
                        e.reason().substring(REFUSED_BY_PEER.length())));
            } else {
                connected.completeExceptionally(failure != null ? failure
                        : new UdpException("the conversation with " + to + " ended as it was acknowledged"));
            }
        });
        return connected;
    }

    /** How the engine words a peer's refusal in the failed sends, before the peer's reason. */
    private static final String REFUSED_BY_PEER = "refused by peer: ";

    @SuppressWarnings("unchecked")
    private ConnectionHandle<T> handleOf(ConnectionHandle<?> handle) {
        return (ConnectionHandle<T>) handle;
    }

    @Override
    public EndpointStats stats() {
        EndpointStats.Builder stats = EndpointStats.builder();
        long engineOversized = 0;
        long engineFiltered = 0;
        if (engine != null) {
            engine.metrics().copyTo(stats);
            engineOversized = engine.metrics().oversized();
            engineFiltered = engine.metrics().addressValidationRetries() + engine.metrics().retriesSuppressed();
        }
        if (dtls != null) {
            // Read off the I/O thread: plain counters, possibly a moment stale, never torn into nonsense.
            stats.replaysDropped(dtls.replaysDropped()).authFailures(dtls.authFailures())
                    .retransmissions(dtls.retransmissions()).malformed(dtls.unexpected()).peers(dtls.sessions());
            engineFiltered += dtls.refused();
        }
        if (dtlsLayer != null) {
            // Over DTLS the engine protects nothing itself: replays and forgeries are DTLS's to count.
            stats.replaysDropped(dtlsLayer.replaysDropped()).authFailures(dtlsLayer.authFailures());
            engineFiltered += dtlsLayer.refused();
        }
        // Datagram counts are the socket's (RAW sends included); message counts are the application's.
        return stats
                .datagramsSent(rawSender.datagramsSent() + framedDatagramsSent.get() - io.droppedAtFlush())
                .bytesSent(rawSender.bytesSent() + framedBytesSent.get() - io.bytesDroppedAtFlush())
                .datagramsReceived(datagramsReceived.get())
                .bytesReceived(bytesReceived.get())
                .messagesSent(rawMessagesSent.sum() + framedMessagesSent.get())
                .messagesDelivered(deliveries.delivered())
                .decodeFailures(deliveries.decodeFailures())
                .badSignatures(deliveries.badSignatures())
                .unknownKeys(deliveries.unknownKeys())
                .changedKeys(deliveries.changedKeys())
                .replayedSequences(deliveries.replayedSequences())
                .oversized(oversized.sum() + engineOversized)
                .receiveQueueDrops(deliveries.receiveQueueDrops())
                .filtered(filtered.sum() + engineFiltered)
                .build();
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            awaitIoThread();
            return;
        }
        io.wakeup();
        awaitIoThread();
    }

    @Override
    public String toString() {
        return "DatagramEndpoint[" + localAddress + ", " + settings.mode() + (closed.get() ? ", closed]" : "]");
    }

    // ---------------------------------------------------------------- sending

    /**
     * Encodes and sends a message: framed through the engine, else as one datagram.
     *
     * @param connection for a framed send, the conversation whose current address it goes to when
     *     it reaches the I/O thread, or null to go to {@code to}
     * @param connecting whether it opens a conversation for {@link #connect}
     */
    CompletableFuture<Void> dispatch(T payload, DeliveryMode mode, int channel, InetSocketAddress to,
            ConnectionHandle<T> connection, boolean connecting) {
        ensureOpen();
        if (mode.isReliable() && Addresses.isGroup(to.getAddress())) {
            throw new IllegalArgumentException(mode + " delivery to " + to.getAddress().getHostAddress()
                    + " is not possible: it is a multicast or broadcast address, and reliable delivery needs one peer "
                    + "to acknowledge (reliable multicast is out of scope); send RAW, UNRELIABLE or SEQUENCED to a group");
        }
        byte[] bytes = settings.codec().encode(payload);
        int limit = mode.isFramed() ? settings.maxMessageSize()
                : Math.min(settings.maxMessageSize(), MAX_DATAGRAM_PAYLOAD);
        if (bytes.length > limit) {
            oversized.increment();
            throw new MessageTooLargeException("message of " + bytes.length + " bytes to " + to
                    + " exceeds the limit of " + limit + " bytes" + (mode.isFramed() ? "" : " (RAW sends one datagram)"));
        }
        if (mode.isFramed()) {
            return sendFramed(bytes, mode, channel, to, connection, connecting);
        }
        rawMessagesSent.increment();
        if (dtls != null) {
            return sendDtls(bytes, to);
        }
        return sendRaw(bytes, to);
    }

    private CompletableFuture<Void> sendFramed(byte[] bytes, DeliveryMode mode, int channel, InetSocketAddress to,
            ConnectionHandle<T> connection, boolean connecting) {
        SendWindows.Window window = permits.acquire(to, 1);
        // One object is the caller's future, the engine's completion and the command: a send
        // allocates nothing else here (see FramedSend for how its permit comes back).
        FramedSend command = new FramedSend(submitter, permits, window, to, channel, mode, bytes, connection, connecting);
        runOnIoThread(command);
        return command;
    }

    /**
     * Sends a batch to one peer: framed, its permits taken at once and its messages carried to the
     * I/O thread in one command; RAW, its datagrams written here in one call.
     *
     * @param payload every message's bytes, one after the other: message {@code i} ends at {@code ends[i]}
     */
    CompletableFuture<Void> dispatchBatch(byte[] payload, int[] ends, DeliveryMode[] modes, byte[] channels,
            int count, InetSocketAddress to, ConnectionHandle<T> connection) {
        ensureOpen();
        if (modes[0].isFramed()) {
            SendWindows.Window window = permits.acquire(to, count);
            FramedBatch command = new FramedBatch(batchSubmitter, permits, window, to, connection, payload, ends, modes,
                    channels, count);
            runOnIoThread(command);
            return command;
        }
        rawMessagesSent.add(count);
        if (dtls == null && impaired == null) {
            return rawSender.sendBatch(payload, ends, count, to);
        }
        // Sealed records or impaired datagrams are made one by one: neither is a fast path.
        CompletableFuture<?>[] each = new CompletableFuture<?>[count];
        for (int i = 0, start = 0; i < count; start = ends[i], i++) {
            byte[] bytes = Arrays.copyOfRange(payload, start, ends[i]);
            each[i] = dtls != null ? sendDtls(bytes, to) : sendRaw(bytes, to);
        }
        return CompletableFuture.allOf(each);
    }

    /** On the I/O thread: hands a batch's messages to the engine, in order, one clock read for all. */
    private void submitBatch(FramedBatch batch, long now) {
        framedMessagesSent.add(batch.count);
        InetSocketAddress target = batch.to;
        ConnectionHandle<?> handle = batch.connection;
        if (handle != null) {
            if (handle.state == ConnectionState.CLOSED) {
                // Sent before the close and submitted after it: not to a new conversation.
                for (int i = 0; i < batch.count; i++) {
                    batch.completeExceptionally(new DeliveryException(handle.address, 0, Duration.ZERO,
                            "connection closed: " + handle.end.detail()));
                }
                return;
            }
            target = handle.address;
        }
        opening = ConnectionState.OPEN;
        try {
            for (int i = 0; i < batch.count; i++) {
                int start = batch.start(i);
                try {
                    engine.send(target, batch.channels[i] & 0xFF, batch.modes[i], batch.payload, start,
                            batch.ends[i] - start, batch, now);
                } catch (RuntimeException e) {
                    batch.completeExceptionally(e); // settles this message; the others go on
                }
            }
        } finally {
            opening = null;
        }
    }

    /** On the I/O thread: hands a framed send to the engine. */
    private void submit(FramedSend send, long now) {
        // Counted here, on the one thread that writes this counter, rather than on the
        // caller's, where an atomic add would share cache lines with the I/O thread's counters.
        framedMessagesSent.add(1);
        InetSocketAddress target = send.to;
        ConnectionHandle<?> handle = send.connection;
        if (handle != null) {
            if (handle.state == ConnectionState.CLOSED) {
                // Sent before the close and submitted after it: not to a new conversation.
                send.completeExceptionally(new DeliveryException(handle.address, 0, Duration.ZERO,
                        "connection closed: " + handle.end.detail()));
                return;
            }
            target = handle.address;
        }
        opening = send.connecting ? ConnectionState.CONNECTING : ConnectionState.OPEN;
        try {
            engine.send(target, send.channel, send.mode, send.bytes, send, now);
        } catch (RuntimeException e) {
            send.completeExceptionally(e);
        } finally {
            opening = null;
        }
        if (send.connecting) {
            send.opened = handles.get(target);
        }
    }

    /**
     * A RAW message over DTLS: one record, sealed on the I/O thread, which owns the sessions. The
     * future completes when the record is sent, or fails with the handshake's failure.
     */
    private CompletableFuture<Void> sendDtls(byte[] bytes, InetSocketAddress to) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        runOnIoThread(new DtlsSend(sent, () -> {
            try {
                dtls.send(to, bytes, sent, System.nanoTime());
            } catch (RuntimeException e) {
                sent.completeExceptionally(e);
            }
        }));
        return sent;
    }

    /** A DTLS send queued for the I/O thread, failed if the endpoint closes first. */
    private static final class DtlsSend extends Task implements Cancellable {
        private final CompletableFuture<Void> sent;

        DtlsSend(CompletableFuture<Void> sent, Runnable body) {
            super(body);
            this.sent = sent;
        }

        @Override
        public void cancel(UdpException reason) {
            sent.completeExceptionally(reason);
        }
    }

    private CompletableFuture<Void> sendRaw(byte[] bytes, InetSocketAddress to) {
        if (impaired != null) {
            impaired.outgoing(ByteBuffer.wrap(bytes), System.nanoTime(), (copy, delayNanos) -> {
                if (delayNanos > 0) {
                    byte[] held = toArray(copy);
                    runOnIoThread(() -> impaired.holdBack(to, held, delayNanos, true));
                } else {
                    sendNow(toArray(copy), to);
                }
            });
            return CompletableFuture.completedFuture(null);
        }
        return sendNow(bytes, to);
    }

    private CompletableFuture<Void> sendNow(byte[] bytes, InetSocketAddress to) {
        return rawSender.send(bytes, to);
    }

    // ---------------------------------------------------------------- the I/O thread

    private void runLoop() {
        // The socket writes direct memory; a heap buffer costs a copy out of the JDK's own direct
        // one, but it is what a cipher that opens datagrams in place needs (see PacketProtection).
        // So does DTLS: the JDK's ciphers copy what a direct buffer holds before they work on it.
        ByteBuffer buffer = dtls != null || engine != null && !settings.protocol().protection().prefersDirectBuffers()
                ? ByteBuffer.allocate(RECEIVE_BUFFER_SIZE) : ByteBuffer.allocateDirect(RECEIVE_BUFFER_SIZE);
        long engineDeadline = Engine.NO_DEADLINE;
        try {
            flight = FlightEvents.opened(this);
            while (!closed.get()) {
                engineDeadline = turn(buffer, engineDeadline);
            }
        } catch (ClosedChannelException e) {
            if (!closed.get()) {
                LOG.warn("endpoint {}: channel closed underneath it", localAddress);
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.error("endpoint {}: I/O loop failed, closing", localAddress, e);
            reportError(e);
        } finally {
            closed.set(true);
            shutdown();
        }
    }

    /**
     * One turn of the I/O loop: commands, datagrams, held-back datagrams, the engine, then an
     * idle wait if there was nothing to do. A method of its own rather than the loop's body, so
     * the JIT compiles it whole, as it does any hot method, instead of compiling the endless loop
     * on the stack.
     *
     * @param buffer the receive buffer
     * @param engineDeadline when the engine asked to be called again at the latest
     * @return when the engine asks to be called again at the latest, after this turn
     */
    private long turn(ByteBuffer buffer, long engineDeadline) throws IOException {
        // The clock is read again only after work: a polling turn that finds nothing reads
        // it once, and stays as short as the socket read it is there for.
        long now = System.nanoTime();
        boolean busy = runCommands(now);
        if (busy) {
            now = System.nanoTime();
        }
        boolean read = readDatagrams(buffer, now);
        busy |= read;
        if (read) {
            now = System.nanoTime();
        }
        if (impaired != null && impaired.release(now, heldDatagrams)) {
            busy = true;
            now = System.nanoTime();
        }
        // The engine transmits only here: what the reads and sends above queued goes out
        // packed into as few datagrams as fit, with the acknowledgements riding along. A
        // turn that fed it nothing before its deadline leaves it alone: an idle turn stays
        // short, so a polling loop sees the next datagram sooner, and costs nothing per peer.
        if (engine != null && (busy || engineDeadline != Engine.NO_DEADLINE && now - engineDeadline >= 0)) {
            engineDeadline = engine.update(now);
            now = System.nanoTime();
        }
        if (dtls != null && (busy || dtlsDeadline != Long.MAX_VALUE && now - dtlsDeadline >= 0)) {
            dtlsDeadline = dtls.update(now);
            now = System.nanoTime();
        }
        long next = dtlsDeadline - engineDeadline < 0 ? dtlsDeadline : engineDeadline;
        permits.returnEarned();
        // What this turn queued leaves now, in as few system calls as the transport can make it.
        io.flush();
        if (impaired != null) {
            next = impaired.nextDue(next);
        }
        afterIdle = !busy;
        if (busy) {
            spin.worked(now);
        } else {
            idle(next, now);
        }
        return engineDeadline;
    }

    /** Runs the queued commands; the sends among them all take the turn's time, one clock read for the lot. */
    private boolean runCommands(long now) {
        boolean ran = false;
        for (Command command = commands.takeAll(); command != null; ) {
            Command next = command.next();
            command.next(null); // a caller may keep its future: it must not keep the later commands
            ran = true;
            try {
                if (command instanceof EngineCommand send) {
                    send.submit(now);
                } else {
                    command.run();
                }
            } catch (RuntimeException e) {
                reportError(e);
            }
            command = next;
        }
        return ran;
    }

    private boolean readDatagrams(ByteBuffer buffer, long now) throws IOException {
        if (readPaused) {
            return false;
        }
        for (int i = 0; i < READ_BATCH; i++) {
            buffer.clear();
            InetSocketAddress from = io.receive(buffer);
            if (from == null) {
                return i > 0;
            }
            buffer.flip();
            datagramsReceived.add(1);
            bytesReceived.add(buffer.remaining());
            if (impaired != null) {
                InetSocketAddress source = from;
                impaired.incoming(buffer, now, (copy, delayNanos) -> {
                    // A copy each: the engine may decrypt in place, and a duplicate needs the original.
                    byte[] bytes = toArray(copy);
                    if (delayNanos > 0) {
                        impaired.holdBack(source, bytes, delayNanos, false);
                    } else {
                        onDatagram(source, ByteBuffer.wrap(bytes), now);
                    }
                });
            } else {
                onDatagram(from, buffer, now);
            }
            if (i == 0 && afterIdle && engine != null) {
                // After a quiet spell the first datagram is likely one whose answer someone waits
                // for (a request, a ping): what the engine has for it goes out now, not after the
                // read that finds the socket empty. Under load the loop never idles, so datagrams
                // stay packed as they were.
                engine.update(now);
                io.flush();
            }
            if (readPaused) {
                return true;
            }
        }
        return true;
    }

    private void onDatagram(InetSocketAddress from, ByteBuffer datagram, long now) {
        // Cheap refusals first, before a byte of the datagram is parsed or decrypted.
        if (!filter.isAllowed(from.getAddress()) || rateLimiter != null && !rateLimiter.tryAcquire(from.getAddress(), now)) {
            filtered.increment();
            return;
        }
        if (datagram.remaining() > settings.maxMessageSize() && engine == null && dtls == null) {
            oversized.increment();
            throttledLog.debug(now, "endpoint {}: dropped a {}-byte datagram from {}, larger than the limit of {}",
                    localAddress, datagram.remaining(), from, settings.maxMessageSize());
            return;
        }
        if (settings.unframedHandler() != null && !WireFormat.hasMagic(datagram)) {
            byte[] bytes = toArray(datagram);
            try {
                settings.unframedHandler().onUnframed(from, bytes);
            } catch (RuntimeException | Error e) {
                reportError(e);
            }
            return;
        }
        deliveries.newDatagram();
        try {
            if (dtls != null) {
                dtls.receive(from, datagram, now); // a framed endpoint's datagrams come out of the records
            } else if (engine != null) {
                engine.receive(from, datagram, now);
            } else {
                deliver(from, DeliveryMode.RAW, datagram, now);
            }
        } finally {
            deliveries.newDatagram(); // what the engine delivers outside a receive arrived at another time
        }
    }

    private void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long now) {
        deliveries.deliver(from, 0, mode, payload, now, null);
    }

    private void pauseReading() {
        readPaused = true;
        io.readInterest(false);
    }

    /** Called on the I/O thread: reading resumes once the application has taken half the inbox. */
    private void resumeReadingIfDrained() {
        if (readPaused && (deliveries.hasHandler() || deliveries.drained())) {
            readPaused = false;
            io.readInterest(true);
        }
    }

    private void idle(long deadlineNanos, long now) throws IOException {
        if (settings.busySpin()) {
            Thread.onSpinWait(); // the next turn of the loop polls the socket again
            return;
        }
        if (spin.keepPolling(now)) {
            // Polls again on the next turn; yielding lets a thread waiting for this core run first.
            Thread.yield();
            return;
        }
        sleeping.set(true);
        try {
            if (!commands.isEmpty() || closed.get()) {
                return;
            }
            long waitNanos = deadlineNanos == Engine.NO_DEADLINE ? 0 : deadlineNanos - now;
            if (deadlineNanos != Engine.NO_DEADLINE && waitNanos <= 0) {
                io.await(-1);
            } else {
                // await(0) waits for ever; round up so a deadline is never missed by a millisecond.
                io.await(waitNanos == 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
            }
        } finally {
            sleeping.set(false);
        }
    }

    private void shutdown() {
        cancelCommands();
        if (dtls != null) {
            try {
                dtls.close(System.nanoTime()); // close_notify to every peer, fails what waits for a handshake
            } catch (RuntimeException e) {
                LOG.warn("endpoint {}: DTLS failed while closing", localAddress, e);
            }
        }
        if (engine != null) {
            try {
                engine.close(System.nanoTime()); // says goodbye to every peer, fails what is unacknowledged
            } catch (RuntimeException e) {
                LOG.warn("endpoint {}: engine failed while closing", localAddress, e);
            }
        }
        permits.returnEarned();
        try {
            io.flush(); // the goodbyes queued above
        } catch (IOException e) {
            LOG.debug("endpoint {}: goodbyes not sent: {}", localAddress, e.toString());
        }
        closeQuietly(io);
        deliveries.close();
        FlightEvents.closed(flight);
        LOG.debug("endpoint {} closed", localAddress);
    }

    /** Where the engine's datagrams, deliveries and peer events go; called on the I/O thread. */
    private final class Output implements EngineOutput {
        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            transmitWire(to, datagram); // over DTLS the engine sealed it in its record already
        }

        /** Puts a datagram on the wire, through the impairments if any. */
        void transmitWire(InetSocketAddress to, ByteBuffer datagram) {
            if (impaired != null) {
                impaired.outgoing(datagram, System.nanoTime(), (copy, delayNanos) -> {
                    if (delayNanos > 0) {
                        impaired.holdBack(to, toArray(copy), delayNanos, true);
                    } else {
                        transmitNow(to, copy.duplicate());
                    }
                });
                return;
            }
            transmitNow(to, datagram);
        }

        private void transmitNow(InetSocketAddress to, ByteBuffer datagram) {
            int length = datagram.remaining();
            try {
                if (!io.queue(datagram, to)) {
                    // A full socket buffer loses the datagram, as the network may: the engine
                    // retransmits what was reliable, and its congestion window backs off.
                    throttledLog.debug(System.nanoTime(), "endpoint {}: socket send buffer full, datagram to {} dropped",
                            localAddress, to);
                    return;
                }
                framedDatagramsSent.add(1);
                framedBytesSent.add(length);
            } catch (ClosedChannelException e) {
                // closing: nothing more goes out
            } catch (IOException e) {
                throttledLog.debug(System.nanoTime(), "endpoint {}: send to {} failed: {}", localAddress, to, e.toString());
            }
        }

        @Override
        public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
            deliveries.deliver(from, 0, mode, payload, nowNanos, dtlsLayer == null ? null : engine.identity(from));
        }

        @Override
        public void deliver(InetSocketAddress from, int channel, DeliveryMode mode, ByteBuffer payload,
                long nowNanos) {
            deliveries.deliver(from, channel, mode, payload, nowNanos, dtlsLayer == null ? null : engine.identity(from));
        }

        @Override
        public void peerAuthenticated(InetSocketAddress peer, PeerIdentity identity) {
            authenticated(peer, identity);
        }

        @Override
        public void handshakeFailed(HandshakeException failure) {
            DatagramEndpoint.this.handshakeFailed(failure);
        }

        @Override
        public void peerConnected(InetSocketAddress peer) {
            FlightEvents.peerConnected(flight, peer);
            // A send of ours started it (open at once, or connecting for connect()), else the
            // peer did, and it is connecting until its first message is accepted.
            ConnectionHandle<T> handle = new ConnectionHandle<>(DatagramEndpoint.this, peer,
                    opening == null ? ConnectionState.CONNECTING : opening);
            handles.put(peer, handle);
            try {
                settings.listener().onPeerConnected(peer);
            } catch (RuntimeException e) {
                reportError(e);
            }
            if (handle.state == ConnectionState.OPEN) {
                connected(handle);
            }
        }

        @Override
        public String refuse(InetSocketAddress peer, ByteBuffer firstMessage) {
            String refusal;
            try {
                refusal = settings.listener().onConnectRequest(peer, firstMessage);
            } catch (RuntimeException e) {
                reportError(e);
                refusal = null;
            }
            if (refusal == null) {
                ConnectionHandle<T> handle = handles.get(peer);
                if (handle != null) {
                    handle.accepted();
                }
            }
            return refusal;
        }

        @Override
        public void peerMigrated(InetSocketAddress from, InetSocketAddress to) {
            permits.migrated(from, to);
            ConnectionHandle<T> handle = handles.remove(from);
            if (handle != null) {
                handle.address = to;
                handles.put(to, handle);
            }
            try {
                settings.listener().onPeerMigrated(from, to);
                if (handle != null) {
                    settings.listener().onMigrated(handle, from);
                }
            } catch (RuntimeException e) {
                reportError(e);
            }
        }

        @Override
        public void peerDisconnected(InetSocketAddress peer, DisconnectReason reason) {
            peerDisconnected(peer, reason, reason.toString());
        }

        @Override
        public void peerDisconnected(InetSocketAddress peer, DisconnectReason reason, String detail) {
            permits.disconnected(peer);
            FlightEvents.peerDisconnected(flight, peer, reason);
            ConnectionHandle<T> handle = handles.remove(peer);
            if (handle != null) {
                handle.end = new Disconnection(reason, detail);
                handle.state = ConnectionState.CLOSED;
            }
            try {
                settings.listener().onPeerDisconnected(peer, reason, detail);
                if (handle != null) {
                    settings.listener().onDisconnected(handle, reason, detail);
                }
            } catch (RuntimeException e) {
                reportError(e);
            }
            if (handle != null) {
                handle.closeFuture.complete(handle.end);
            }
        }
    }

    void connected(ConnectionHandle<T> handle) {
        try {
            settings.listener().onConnected(handle);
        } catch (RuntimeException e) {
            reportError(e);
        }
    }

    /** A DTLS handshake completed, in the engine or the RAW host: the application hears who the peer is. */
    private void authenticated(InetSocketAddress peer, PeerIdentity identity) {
        LOG.debug("endpoint {}: DTLS with {} established: {}", localAddress, peer, identity);
        try {
            settings.listener().onPeerAuthenticated(peer, identity);
        } catch (RuntimeException e) {
            reportError(e);
        }
    }

    /** A DTLS handshake failed, in the engine or the RAW host: reported once, naming the peer and the alert. */
    private void handshakeFailed(HandshakeException failure) {
        LOG.debug("endpoint {}: {}", localAddress, failure.getMessage());
        try {
            settings.listener().onHandshakeFailed(failure);
        } catch (RuntimeException e) {
            reportError(e);
        }
    }

    /**
     * Where a RAW endpoint's DTLS host sends datagrams, records and events; called on the I/O
     * thread. (The framed modes' DTLS is their engine's, and reports through its output.)
     */
    private final class DtlsOutput implements DtlsHost.Output {
        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            output.transmitWire(to, datagram);
        }

        @Override
        public void deliver(InetSocketAddress from, ByteBuffer payload, PeerIdentity identity) {
            deliveries.deliver(from, 0, DeliveryMode.RAW, payload, System.nanoTime(), identity);
        }

        @Override
        public void established(InetSocketAddress peer, PeerIdentity identity) {
            authenticated(peer, identity);
        }

        @Override
        public void failed(HandshakeException failure) {
            handshakeFailed(failure);
        }

        @Override
        public void closed(InetSocketAddress peer) {
            disconnected(peer, DisconnectReason.CLOSED_BY_PEER);
        }

        @Override
        public void expired(InetSocketAddress peer) {
            disconnected(peer, DisconnectReason.TIMED_OUT);
        }

        private void disconnected(InetSocketAddress peer, DisconnectReason reason) {
            try {
                settings.listener().onPeerDisconnected(peer, reason);
            } catch (RuntimeException e) {
                reportError(e);
            }
        }
    }

    // ---------------------------------------------------------------- impairments

    /** Where the impairments' held-back datagrams go when due. I/O thread only. */
    private final ImpairedPath.Release heldDatagrams = new ImpairedPath.Release() {
        @Override
        public void send(InetSocketAddress to, byte[] bytes) {
            if (engine != null) {
                output.transmitNow(to, ByteBuffer.wrap(bytes));
            } else {
                sendNow(bytes, to);
            }
        }

        @Override
        public void receive(InetSocketAddress from, byte[] bytes, long now) {
            onDatagram(from, ByteBuffer.wrap(bytes), now);
        }
    };

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    // ---------------------------------------------------------------- helpers

    private void runOnIoThread(Runnable runnable) {
        if (Thread.currentThread() == ioThread) {
            runnable.run();
            return;
        }
        enqueue(runnable instanceof Command c ? c : new Task(runnable));
    }

    /** Queues a command for the I/O thread's next turn, even from the I/O thread itself. */
    void enqueue(Command command) {
        commands.push(command);
        wakeIoThread();
        // The I/O thread takes what is left after it sees the closed flag; whichever side sees the
        // other's write answers the commands, so no caller waits on a command nobody will run.
        if (closed.get()) {
            cancelCommands();
        }
    }

    /** Fails every queued send with the endpoint closed. */
    private void cancelCommands() {
        commands.cancelAll(this::closedException);
    }

    private void wakeIoThread() {
        if (sleeping.get() && sleeping.compareAndSet(true, false)) {
            io.wakeup();
        }
    }

    private Message<T> taken(Object next) {
        if (deliveries.isClosed(next)) { // left in the inbox: every other waiter must see it too
            throw closedException();
        }
        if (readPaused && deliveries.drained()) {
            runOnIoThread(this::resumeReadingIfDrained);
        }
        return deliveries.cast(next);
    }

    void ensureOpen() {
        if (closed.get()) {
            throw closedException();
        }
    }

    private void ensureNoHandler() {
        if (deliveries.handlerRequested()) {
            throw new IllegalStateException("endpoint " + localAddress + " delivers to its onMessage handler; receive() is not available");
        }
    }

    private EndpointClosedException closedException() {
        return new EndpointClosedException("endpoint " + localAddress + " is closed");
    }

    private void awaitIoThread() {
        if (Thread.currentThread() == ioThread) {
            return; // closing from a handler: the loop ends when the handler returns
        }
        try {
            ioThread.join(TimeUnit.NANOSECONDS.toMillis(CLOSE_WAIT_NANOS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ioThread.isAlive()) {
            LOG.warn("endpoint {}: I/O thread did not stop within {} ms; closing the socket under it",
                    localAddress, TimeUnit.NANOSECONDS.toMillis(CLOSE_WAIT_NANOS));
            closeQuietly(io);
        }
    }

    private void reportError(Throwable error) {
        try {
            settings.listener().onError(error);
        } catch (RuntimeException e) {
            LOG.warn("endpoint {}: error listener threw", localAddress, e);
        }
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("ignored while closing {}", closeable, e);
        }
    }
}
