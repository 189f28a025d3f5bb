package io.github.udpkit.chat;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.DeliveryException;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointListener;
import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.api.Send;
import io.github.udpkit.api.UdpException;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.discovery.Announcement;
import io.github.udpkit.core.discovery.DiscoveryAnnouncer;
import io.github.udpkit.core.discovery.DiscoveryResponder;
import io.github.udpkit.core.Addresses;
import io.github.udpkit.core.protocol.EngineConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chat server on a udpkit {@link DeliveryMode#RELIABLE RELIABLE} endpoint: a thin driver that
 * feeds a {@link ChatServerCore} the frames that arrive and sends what it returns.
 *
 * <pre>{@code
 * try (ChatServer server = ChatServer.builder().bind(12000).open()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Fan-out is one send per member through the endpoint, whose per-peer windows keep members
 * apart; the frame is encoded once for all of them. The endpoint fails fast, so a send never
 * blocks, not even on the I/O thread: a member whose window is full is dropped and announced as
 * unreachable instead of being waited on, and one whose messages go unacknowledged until the
 * engine gives up is dropped with the engine's reason. One slow or vanished member never stalls
 * the others. The core runs under a lock, on the endpoint's I/O thread for arriving frames and
 * peer events and on a timer thread for idle timeouts; neither ever waits for the other while
 * holding it.
 *
 * <p>The endpoint validates addresses before keeping state: a new address gets a stateless
 * cookie, in a reply no larger than its datagram, and nothing else until it echoes it. A JOIN from
 * a spoofed address therefore never reaches the chat layer, the server cannot be used to reflect
 * or amplify traffic, and a flood of JOINs from many addresses costs it no memory. Its protocol
 * engine is sized for the {@link ChatServerConfig}: the peer table holds every member and some
 * joiners besides, and the idle timeout is the chat's, so a member that vanishes is dropped after
 * the idle timeout by whichever layer notices first.
 *
 * @since 0.1.0
 */
public final class ChatServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);
    /** How long close() gives members to acknowledge their goodbye. */
    private static final long BYE_WAIT_MILLIS = 500;
    /** Peers beyond the members the engine holds state for at least: joiners, refused joiners. */
    private static final int PEER_HEADROOM_MIN = 64;

    private final ChatServerCore core;
    private final Endpoint<ChatFrame> endpoint;
    private final ScheduledExecutorService timer;
    private final ReentrantLock lock = new ReentrantLock();
    private final MonotonicClock clock = new MonotonicClock();
    private final Queue<InetSocketAddress> failed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final FrameSink sink = new FrameSink() {
        @Override
        public void send(InetSocketAddress to, ChatFrame frame) {
            sendFrame(to, frame);
        }

        @Override
        public void sendPlain(InetSocketAddress to, String line) {
            try {
                endpoint.sendUnframed(line.getBytes(StandardCharsets.UTF_8), to);
            } catch (UdpException e) {
                // Plain members are not acknowledged: a line that cannot go out is lost, as on any UDP chat.
                LOG.debug("chat server {}: line to plain member {} not sent: {}", endpoint.localAddress(), to,
                        e.getMessage());
            }
        }
    };
    private final long tickMillis;
    /** Answers discovery probes when the server is discoverable; null otherwise. */
    private final DiscoveryAnnouncer announcer;
    private final String discoveryName;

    private ChatServer(Builder b, PeerEvents events) {
        this.core = new ChatServerCore(b.config, b.listener);
        EndpointBuilder<ChatFrame> eb = Udp.endpoint(new ChatCodec()).protocol(engineConfig(b.config));
        b.transport.accept(eb);
        if (b.config.maxPlainMembers() > 0) {
            eb.onUnframed(this::onPlainDatagram);
        }
        this.endpoint = eb.validateAddresses() // whatever the customizer did: no state before a cookie
                .bind(b.bindAddress)
                .mode(DeliveryMode.RELIABLE)
                .maxMessageSize(ChatServerConfig.MAX_FRAME_BYTES)
                .failFast()
                .listener(events)
                .open();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "udpkit-chat-timer-" + endpoint.localAddress().getPort());
            t.setDaemon(true);
            return t;
        });
        this.tickMillis = Math.max(10, Math.min(1000, b.config.idleTimeout().toMillis() / 4));
        this.discoveryName = b.discoveryName;
        DiscoveryAnnouncer a = null;
        if (b.discoveryName != null) {
            try {
                DiscoveryAnnouncer.Builder ab = DiscoveryAnnouncer.builder(this::announcement);
                b.discovery.accept(ab);
                a = ab.open();
            } catch (RuntimeException e) {
                endpoint.close();
                timer.shutdownNow();
                throw e;
            }
        }
        this.announcer = a;
    }

    /** What the server says to a discovery probe: its name, port and rooms (the default room always). */
    private Announcement announcement() {
        List<String> rooms;
        lock.lock();
        try {
            rooms = new ArrayList<>(core.roomNames());
        } finally {
            lock.unlock();
        }
        if (!rooms.contains(core.config().defaultRoom())) {
            rooms.add(0, core.config().defaultRoom());
        }
        if (rooms.size() > Announcement.MAX_ROOMS) {
            rooms = rooms.subList(0, Announcement.MAX_ROOMS);
        }
        return new Announcement(discoveryName, endpoint.localAddress().getPort(), "chat", rooms);
    }

    /**
     * The discovery announcer's counters, when the server is discoverable.
     *
     * @return the counters, or empty
     */
    public Optional<DiscoveryResponder.Stats> discoveryStats() {
        return announcer == null ? Optional.empty() : Optional.of(announcer.stats());
    }

    /**
     * The protocol engine's settings a server opened with a configuration uses: address validation
     * on, room in the peer table for every member and some joiners besides, and the transport's
     * idle timeout equal to the chat's (keep-alives at most a third of it), so a vanished member's
     * transport state goes when its membership does, whichever layer notices first. Start from
     * these when tuning the engine through {@link Builder#transport}.
     *
     * @param config the server's configuration
     * @return the engine's settings, the engine's defaults otherwise
     */
    public static EngineConfig engineConfig(ChatServerConfig config) {
        Objects.requireNonNull(config, "config");
        EngineConfig defaults = EngineConfig.defaults();
        Duration idle = config.idleTimeout();
        int headroom = Math.max(PEER_HEADROOM_MIN, config.maxMembers() / 4);
        int maxPeers = (int) Math.min(Integer.MAX_VALUE, (long) config.maxMembers() + headroom);
        Duration keepAlive = defaults.keepAliveInterval();
        if (keepAlive.compareTo(idle.dividedBy(3)) > 0) {
            keepAlive = idle.dividedBy(3);
        }
        return defaults.toBuilder()
                .maxPeers(Math.max(defaults.maxPeers(), maxPeers))
                .idleTimeout(idle)
                .keepAliveInterval(keepAlive)
                .addressValidation(true)
                .build();
    }

    private static ChatServer open(Builder b) {
        PeerEvents events = new PeerEvents();
        ChatServer server = new ChatServer(b, events);
        events.server = server;
        server.timer.scheduleWithFixedDelay(server::tick, server.tickMillis, server.tickMillis, TimeUnit.MILLISECONDS);
        server.endpoint.onMessage(m -> server.onFrame(m.sender(), m.payload()));
        LOG.debug("chat server open on {} with {}", server.endpoint.localAddress(), b.config);
        return server;
    }

    /**
     * Starts building a server.
     *
     * @return a builder: every local address, an ephemeral port, the default configuration
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The address the server listens on, with the port the system chose when bound to port 0.
     *
     * @return the local address
     */
    public InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    /**
     * A snapshot of the chat counters.
     *
     * @return the stats
     */
    public ChatServerStats stats() {
        lock.lock();
        try {
            return core.stats();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A snapshot of the endpoint's transport counters.
     *
     * @return the stats
     */
    public EndpointStats endpointStats() {
        return endpoint.stats();
    }

    /**
     * The members of a room now.
     *
     * @param room the room's name
     * @return the names in join order, empty if the room does not exist
     */
    public List<String> membersOf(String room) {
        lock.lock();
        try {
            return core.membersOf(room);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the server is open.
     *
     * @return false once closed
     */
    public boolean isOpen() {
        return !closed.get();
    }

    /**
     * Says goodbye to every member (waiting up to half a second for them to acknowledge it), then
     * closes the endpoint. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<CompletableFuture<Void>> byes = new ArrayList<>();
        lock.lock();
        try {
            core.close(new FrameSink() {
                @Override
                public void send(InetSocketAddress to, ChatFrame frame) {
                    try {
                        byes.add(endpoint.send(frame).to(to));
                    } catch (UdpException e) {
                        LOG.debug("no goodbye to {}: {}", to, e.getMessage());
                    }
                }

                @Override
                public void sendPlain(InetSocketAddress to, String line) {
                    sink.sendPlain(to, line);
                }
            });
        } finally {
            lock.unlock();
        }
        try {
            CompletableFuture.allOf(byes.toArray(CompletableFuture[]::new)).get(BYE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.debug("not every member acknowledged the goodbye: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        if (announcer != null) {
            announcer.close();
        }
        endpoint.close();
        LOG.debug("chat server on {} closed", endpoint.localAddress());
    }

    @Override
    public String toString() {
        return "ChatServer[" + endpoint.localAddress() + (closed.get() ? ", closed]" : "]");
    }

    // ---------------------------------------------------------------- driving the core

    private void onFrame(InetSocketAddress from, ChatFrame frame) {
        lock.lock();
        try {
            if (!closed.get()) {
                core.onFrame(from, frame, clock.millis(), sink);
                dropFailed();
            }
        } finally {
            lock.unlock();
        }
    }

    private void onPlainDatagram(InetSocketAddress from, byte[] datagram) {
        lock.lock();
        try {
            if (!closed.get()) {
                core.onPlainDatagram(from, datagram, clock.millis(), sink);
                dropFailed();
            }
        } finally {
            lock.unlock();
        }
    }

    private void onPeerGone(InetSocketAddress peer, LeaveReason reason) {
        lock.lock();
        try {
            if (!closed.get()) {
                core.onPeerGone(peer, reason, sink);
                dropFailed();
            }
        } finally {
            lock.unlock();
        }
    }

    private void onPeerMoved(InetSocketAddress from, InetSocketAddress to) {
        lock.lock();
        try {
            if (!closed.get()) {
                core.onPeerMoved(from, to);
            }
        } finally {
            lock.unlock();
        }
    }

    private void tick() {
        lock.lock();
        try {
            if (!closed.get()) {
                long now = clock.millis();
                if (now >= core.nextDeadline()) {
                    core.tick(now, sink);
                }
                dropFailed();
            }
        } catch (RuntimeException e) {
            LOG.warn("chat server {}: timer failed", endpoint.localAddress(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held, after the core returns: the core must not be re-entered from a send. */
    private void dropFailed() {
        for (InetSocketAddress peer; (peer = failed.poll()) != null; ) {
            core.onPeerGone(peer, LeaveReason.UNREACHABLE, sink);
        }
    }

    /**
     * Sends one frame to one member: the fan-out's unit, called once per member with the same frame
     * instance, which the codec encodes once. Never blocks: the endpoint fails fast.
     */
    private void sendFrame(InetSocketAddress to, ChatFrame frame) {
        CompletableFuture<Void> sent;
        try {
            Send<ChatFrame> send = endpoint.send(frame);
            DeliveryMode mode = modeFor(frame);
            if (mode != DeliveryMode.RELIABLE) {
                send.mode(mode);
            }
            sent = send.to(to);
        } catch (UdpException e) {
            // A full send window (fail fast), a closed endpoint: this member is not waited on.
            LOG.debug("chat server {}: dropping {} after a failed send: {}", endpoint.localAddress(), to, e.getMessage());
            failed.add(to);
            return;
        }
        sent.whenComplete((ok, error) -> onSendFailed(to, error));
    }

    /**
     * A send's late failure. A {@link DeliveryException} (retries or deadline ran out, the peer
     * timed out or closed) comes with the engine dropping the peer, which {@link PeerEvents} reports
     * with its reason; only a refusal (the engine's queue or peer table full) is this driver's to act on.
     */
    private void onSendFailed(InetSocketAddress to, Throwable error) {
        if (error == null || closed.get() || !(unwrap(error) instanceof BackPressureException)) {
            return;
        }
        failed.add(to);
        if (!lock.isHeldByCurrentThread()) {
            try {
                timer.execute(this::tick); // drop it now rather than at the next tick
            } catch (RejectedExecutionException e) {
                // closing: nothing left to drop it from
            }
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /**
     * How a frame travels: every frame in order and acknowledged, except the goodbye to a member
     * dropped for silence, which gets one try rather than a round of retransmissions.
     */
    static DeliveryMode modeFor(ChatFrame frame) {
        return frame instanceof ChatFrame.Bye bye && bye.reason() == LeaveReason.TIMED_OUT
                ? DeliveryMode.UNRELIABLE : DeliveryMode.RELIABLE;
    }

    /** What a transport's disconnection means for a member. */
    static LeaveReason leaveReason(DisconnectReason reason) {
        return switch (reason) {
            case TIMED_OUT -> LeaveReason.TIMED_OUT;
            case UNREACHABLE -> LeaveReason.UNREACHABLE;
            case CLOSED_BY_PEER, EVICTED, CLOSED_LOCALLY, REFUSED -> LeaveReason.DISCONNECTED;
        };
    }

    /** The endpoint's peer events, forwarded to the core; a separate object so no {@code this} escapes a constructor. */
    private static final class PeerEvents implements EndpointListener {
        private volatile ChatServer server;

        @Override
        public void onPeerDisconnected(InetSocketAddress peer, DisconnectReason reason) {
            ChatServer s = server;
            if (s != null) {
                s.onPeerGone(peer, leaveReason(reason));
            }
        }

        @Override
        public void onPeerMigrated(InetSocketAddress from, InetSocketAddress to) {
            ChatServer s = server;
            if (s != null) {
                s.onPeerMoved(from, to);
            }
        }

        @Override
        public void onError(Throwable error) {
            LOG.warn("chat server: endpoint error", error);
        }
    }

    /**
     * Builds a {@link ChatServer}; every setter checks its argument at once.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private InetSocketAddress bindAddress = new InetSocketAddress(0);
        private ChatServerConfig config = ChatServerConfig.defaults();
        private ChatServerListener listener = new ChatServerListener() { };
        private Consumer<EndpointBuilder<ChatFrame>> transport = eb -> { };
        private String discoveryName;
        private Consumer<DiscoveryAnnouncer.Builder> discovery = ab -> { };

        private Builder() {
        }

        /**
         * Listens on a port on every local address.
         *
         * @param port 0 to 65535; 0 lets the system choose
         * @return this
         */
        public Builder bind(int port) {
            this.bindAddress = new InetSocketAddress(Addresses.checkBindPort(port));
            return this;
        }

        /**
         * Listens on a port of one local address.
         *
         * @param host a local host name or address literal
         * @param port 0 to 65535
         * @return this
         */
        public Builder bind(String host, int port) {
            this.bindAddress = Addresses.resolve(host, Addresses.checkBindPort(port));
            return this;
        }

        /**
         * Listens on a local socket address.
         *
         * @param address a resolved address; port 0 lets the system choose
         * @return this
         */
        public Builder bind(InetSocketAddress address) {
            Objects.requireNonNull(address, "address");
            checkArgument(!address.isUnresolved(), "bind address is unresolved: %s", address);
            this.bindAddress = address;
            return this;
        }

        /**
         * Sets the rules and limits.
         *
         * @param config the configuration
         * @return this
         */
        public Builder config(ChatServerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Sets the listener for joins, leaves and refusals.
         *
         * @param listener the listener; it runs with the server's lock held and must be quick
         * @return this
         */
        public Builder listener(ChatServerListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Tunes the endpoint beneath the server (socket buffers, security, impairments for a demo).
         * The customizer is called after the server has set the protocol engine's settings for its
         * configuration ({@link ChatServer#engineConfig}): a customizer that sets
         * {@link EndpointBuilder#protocol} replaces them, so it should start from those. The server
         * then sets what it depends on: the bind address, {@code RELIABLE} mode, its codec's message
         * size, fail-fast sends and its own listener.
         *
         * @param customizer called with the endpoint's builder before the server's own settings
         * @return this
         */
        public Builder transport(Consumer<EndpointBuilder<ChatFrame>> customizer) {
            this.transport = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * Makes the server answer discovery probes ({@code udpkit discover}, {@code udpkit chat
         * --discover}) on the local network with its name, port and rooms, through a
         * {@link DiscoveryAnnouncer} on the well-known discovery group and port; replies are never
         * larger than the probe and are rate-limited.
         *
         * @param serverName the name it answers with, 1 to 255 bytes of UTF-8
         * @param settings adjusts the announcer (port, groups, interface, rate limits)
         * @return this
         */
        public Builder discoverable(String serverName, Consumer<DiscoveryAnnouncer.Builder> settings) {
            Objects.requireNonNull(serverName, "serverName");
            new Announcement(serverName, 1, "chat", List.of()); // its checks, now rather than at open()
            this.discoveryName = serverName;
            this.discovery = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Binds the endpoint and starts serving.
         *
         * @return the open server
         * @throws io.github.udpkit.api.UdpIoException if the socket cannot be bound
         */
        public ChatServer open() {
            return ChatServer.open(this);
        }
    }
}
