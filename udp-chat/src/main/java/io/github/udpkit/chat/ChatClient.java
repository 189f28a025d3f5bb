package io.github.udpkit.chat;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.EndpointListener;
import io.github.udpkit.api.EndpointStats;
import io.github.udpkit.core.EndpointBuilder;
import io.github.udpkit.core.security.Identity;
import io.github.udpkit.core.security.PublicIdentity;
import io.github.udpkit.core.security.SignatureRejectedException;
import io.github.udpkit.core.security.SignatureVerifier;
import io.github.udpkit.core.security.SignedMessage;
import io.github.udpkit.core.security.TrustStore;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.Addresses;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chat client on a udpkit {@link DeliveryMode#RELIABLE RELIABLE} endpoint: joins a room on a
 * {@link ChatServer} under a name, sends messages, and reports what happens to a
 * {@link ChatListener}.
 *
 * <pre>{@code
 * try (ChatClient chat = ChatClient.builder().server("localhost", 12000).name("alice")
 *         .listener(listener).connect()) {
 *     chat.joined().get(5, TimeUnit.SECONDS);
 *     chat.say("hello").join();
 * }
 * }</pre>
 *
 * <p>Every send returns a future that completes when the server has acknowledged the frame. Text,
 * names and room names are checked before sending: a caller's mistake (a control character, an
 * empty message) throws at once, naming it. Frames from any address but the server's are
 * ignored. When the client has had nothing to say for a third of the server's idle timeout it
 * pings, so the server does not drop it. Thread-safe.
 *
 * @since 0.1.0
 */
public final class ChatClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChatClient.class);

    private final InetSocketAddress server;
    private final ChatClientCore core;
    private final Endpoint<ChatFrame> endpoint;
    private final ScheduledExecutorService timer;
    private final MonotonicClock clock = new MonotonicClock();
    private final CompletableFuture<ChatJoined> joined;
    private final Duration closeTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean left;
    private ScheduledFuture<?> pinger; // guarded by this

    private ChatClient(Builder b, Events events) {
        this.server = b.server;
        this.joined = events.joined;
        this.core = new ChatClientCore(b.name, b.room, events, b.identity, SignatureVerifier.of(b.knownKeys != null
                ? b.knownKeys : TrustStore.trustOnFirstUse(ChatClientCore.MEMORY_KNOWN_KEYS)));
        this.closeTimeout = b.closeTimeout;
        EndpointBuilder<ChatFrame> eb = Udp.endpoint(new ChatCodec());
        b.transport.accept(eb);
        this.endpoint = eb.bind(b.bindAddress)
                .connect(b.server)
                .mode(DeliveryMode.RELIABLE)
                .maxMessageSize(ChatServerConfig.MAX_FRAME_BYTES)
                .listener(events)
                .open();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "udpkit-chat-client-" + endpoint.localAddress().getPort());
            t.setDaemon(true);
            return t;
        });
    }

    private static ChatClient connect(Builder b) {
        Events events = new Events(b.listener);
        ChatClient client = new ChatClient(b, events);
        events.client = client;
        client.endpoint.onMessage(m -> {
            if (m.sender().equals(client.server)) {
                client.core.onFrame(m.payload());
            } else {
                LOG.debug("chat client {}: ignored a frame from {}, not the server", client.endpoint.localAddress(),
                        m.sender());
            }
        });
        try {
            client.send(client.core.joinFrame());
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /**
     * Starts building a client.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Completes when the server accepts the join, with the room as the client found it; fails with
     * {@link ChatRejectedException} if the server refuses it.
     *
     * @return the future of the first join
     */
    public CompletableFuture<ChatJoined> joined() {
        return joined;
    }

    /**
     * Says something to everyone else in the room.
     *
     * @param text the message: not blank, one line, no control or bidirectional formatting characters
     * @return completes when the server has acknowledged it
     * @throws IllegalArgumentException naming the problem if the text breaks the rules
     */
    public CompletableFuture<Void> say(String text) {
        checkText(text);
        return send(core.sayFrame(text));
    }

    /**
     * Says something to one member of the room.
     *
     * @param to the member's name
     * @param text the message
     * @return completes when the server has acknowledged it
     * @throws IllegalArgumentException naming the problem if the name or text breaks the rules
     */
    public CompletableFuture<Void> privateMessage(String to, String text) {
        Objects.requireNonNull(to, "to");
        ChatText.checkName(to, ChatCodec.MAX_NAME_BYTES, ChatCodec.MAX_NAME_BYTES).ifPresent(v -> {
            throw new IllegalArgumentException("recipient '" + ChatClientCore.printable(to) + "' is not a valid name: "
                    + v.text());
        });
        checkText(text);
        return send(core.privateFrame(to, text));
    }

    /**
     * Asks who is in the room; the answer comes to {@link ChatListener#onMembers}.
     *
     * @return completes when the server has acknowledged the question
     */
    public CompletableFuture<Void> who() {
        return send(new ChatFrame.Who());
    }

    /**
     * Moves to another room; {@link ChatListener#onJoined} or {@link ChatListener#onJoinRejected} says how it went.
     *
     * @param room the room's name
     * @return completes when the server has acknowledged the request
     * @throws IllegalArgumentException naming the problem if the room name breaks the rules
     */
    public CompletableFuture<Void> switchRoom(String room) {
        Objects.requireNonNull(room, "room");
        ChatText.checkRoom(room, ChatCodec.MAX_NAME_BYTES, ChatCodec.MAX_NAME_BYTES).ifPresent(v -> {
            throw new IllegalArgumentException("room '" + ChatClientCore.printable(room) + "' is not valid: " + v.text());
        });
        return send(new ChatFrame.SwitchRoom(room));
    }

    /**
     * Leaves the room and the server; the client sends nothing more (close it afterwards).
     *
     * @return completes when the server has acknowledged it
     */
    public CompletableFuture<Void> leave() {
        CompletableFuture<Void> sent = send(new ChatFrame.Leave());
        left = true;
        return sent;
    }

    /**
     * The client's name.
     *
     * @return the name it joins as
     */
    public String name() {
        return core.name();
    }

    /**
     * The room the client is in, as the server last said.
     *
     * @return the room's name, or empty before joining
     */
    public Optional<String> room() {
        return core.joined().map(ChatJoined::room);
    }

    /**
     * The members of the room as the client knows them.
     *
     * @return names in join order
     */
    public List<String> members() {
        return core.members();
    }

    /**
     * The client's local address.
     *
     * @return the address its endpoint is bound to
     */
    public InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    /**
     * The server's address.
     *
     * @return the address
     */
    public InetSocketAddress server() {
        return server;
    }

    /**
     * Whether the server said goodbye or was lost.
     *
     * @return true once disconnected
     */
    public boolean isDisconnected() {
        return core.isDisconnected();
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
     * Leaves (if joined, and not already left or disconnected), waiting a bounded time for the
     * server to acknowledge it, then closes the endpoint. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            if (pinger != null) {
                pinger.cancel(false);
            }
        }
        if (!left && !core.isDisconnected() && core.joined().isPresent() && endpoint.isOpen()) {
            try {
                endpoint.send(new ChatFrame.Leave()).toPeer().get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException | RuntimeException e) {
                LOG.debug("chat client {}: leave not acknowledged: {}", endpoint.localAddress(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timer.shutdownNow();
        endpoint.close();
    }

    @Override
    public String toString() {
        return "ChatClient[" + core.name() + " at " + endpoint.localAddress() + " -> " + server + "]";
    }

    // ---------------------------------------------------------------- internals

    private static void checkText(String text) {
        Objects.requireNonNull(text, "text");
        ChatText.checkText(text, ChatCodec.MAX_TEXT_BYTES, ChatCodec.MAX_TEXT_BYTES).ifPresent(v -> {
            throw new IllegalArgumentException(v.text());
        });
    }

    private CompletableFuture<Void> send(ChatFrame frame) {
        if (closed.get()) {
            throw new EndpointClosedException("chat client " + core.name() + " is closed");
        }
        core.onSent(clock.millis());
        CompletableFuture<Void> sent = endpoint.send(frame).toPeer();
        sent.whenComplete((ok, error) -> {
            if (error != null && !closed.get()) {
                // Retries ran out or the window stayed full: the server is gone for this client.
                LOG.debug("chat client {}: send failed: {}", endpoint.localAddress(), error.toString());
                core.disconnected(LeaveReason.UNREACHABLE);
            }
        });
        return sent;
    }

    private synchronized void startPinging(Duration interval) {
        if (pinger != null || closed.get()) {
            return;
        }
        long period = Math.max(1, interval.toMillis() / 2);
        try {
            pinger = timer.scheduleWithFixedDelay(this::pingIfDue, period, period, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void pingIfDue() {
        try {
            core.pingIfDue(clock.millis()).ifPresent(this::send);
        } catch (RuntimeException e) {
            LOG.debug("chat client {}: ping failed: {}", endpoint.localAddress(), e.toString());
        }
    }

    /** The listener the core calls: completes {@link #joined}, starts pinging, then tells the user's listener. */
    private static final class Events implements ChatListener, EndpointListener {
        private final ChatListener user;
        private final CompletableFuture<ChatJoined> joined = new CompletableFuture<>();
        private volatile ChatClient client;

        Events(ChatListener user) {
            this.user = user;
        }

        @Override
        public void onJoined(ChatJoined j) {
            ChatClient c = client;
            if (c != null) {
                c.startPinging(j.idleTimeout().dividedBy(3));
            }
            joined.complete(j);
            user.onJoined(j);
        }

        @Override
        public void onMessage(ChatMessage message) {
            user.onMessage(message);
        }

        @Override
        public void onMemberJoined(String room, String name) {
            user.onMemberJoined(room, name);
        }

        @Override
        public void onMemberLeft(String room, String name, LeaveReason reason) {
            user.onMemberLeft(room, name, reason);
        }

        @Override
        public void onJoinRejected(ChatNotice rejection) {
            joined.completeExceptionally(new ChatRejectedException(rejection));
            user.onJoinRejected(rejection);
        }

        @Override
        public void onNotice(ChatNotice notice) {
            user.onNotice(notice);
        }

        @Override
        public void onMembers(String room, List<String> members) {
            user.onMembers(room, members);
        }

        @Override
        public void onNewKey(String name, PublicIdentity key) {
            user.onNewKey(name, key);
        }

        @Override
        public void onKeyChanged(String name, PublicIdentity known, PublicIdentity presented) {
            user.onKeyChanged(name, known, presented);
        }

        @Override
        public void onMessageRefused(String sender, SignatureRejectedException.Reason reason, String detail) {
            user.onMessageRefused(sender, reason, detail);
        }

        @Override
        public void onDisconnected(LeaveReason reason) {
            joined.completeExceptionally(new EndpointClosedException("disconnected before joining: " + reason));
            user.onDisconnected(reason);
        }

        // EndpointListener: the transport's view of the server.

        @Override
        public void onPeerDisconnected(InetSocketAddress peer, DisconnectReason reason) {
            ChatClient c = client;
            if (c != null && peer.equals(c.server) && !c.closed.get()) {
                c.core.disconnected(ChatServer.leaveReason(reason));
            }
        }

        @Override
        public void onError(Throwable error) {
            LOG.warn("chat client: endpoint error", error);
        }
    }

    /**
     * Builds and connects a {@link ChatClient}; every setter checks its argument at once.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private InetSocketAddress server;
        private String name;
        private String room = "";
        private ChatListener listener = new ChatListener() { };
        private InetSocketAddress bindAddress = new InetSocketAddress(0);
        private Duration closeTimeout = Duration.ofSeconds(2);
        private Consumer<EndpointBuilder<ChatFrame>> transport = eb -> { };
        private Identity identity;
        private TrustStore knownKeys;

        private Builder() {
        }

        /**
         * Signs this member's JOIN, messages and private messages with an identity: the server then
         * binds the name to its key, and other clients check every message against it.
         *
         * @param identity the member's identity, e.g. {@code Identity.readFrom(path)}
         * @return this
         */
        public Builder identity(Identity identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /**
         * Sets the keys this client holds other members to, and where it remembers new ones. Without
         * it, the client trusts each name's first key for as long as it runs (in memory).
         *
         * @param knownKeys e.g. {@code TrustStore.trustOnFirstUse(path)}
         * @return this
         */
        public Builder knownKeys(TrustStore knownKeys) {
            this.knownKeys = Objects.requireNonNull(knownKeys, "knownKeys");
            return this;
        }

        /**
         * Sets the server's address.
         *
         * @param host its host name or address literal, resolved now
         * @param port 1 to 65535
         * @return this
         */
        public Builder server(String host, int port) {
            this.server = Addresses.resolve(host, Addresses.checkPeerPort(port));
            return this;
        }

        /**
         * Sets the server's address.
         *
         * @param address a resolved address
         * @return this
         */
        public Builder server(InetSocketAddress address) {
            this.server = Addresses.checkPeer(address);
            return this;
        }

        /**
         * Sets the name to join as.
         *
         * @param name not empty, no control, format, bidirectional or whitespace characters
         * @return this
         * @throws IllegalArgumentException naming the problem
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            ChatText.checkName(name, ChatCodec.MAX_NAME_BYTES, ChatCodec.MAX_NAME_BYTES).ifPresent(v -> {
                throw new IllegalArgumentException("name '" + ChatClientCore.printable(name) + "' is not valid: "
                        + v.text());
            });
            this.name = name;
            return this;
        }

        /**
         * Sets the room to join; without one the client joins the server's default room.
         *
         * @param room the room's name
         * @return this
         * @throws IllegalArgumentException naming the problem
         */
        public Builder room(String room) {
            Objects.requireNonNull(room, "room");
            ChatText.checkRoom(room, ChatCodec.MAX_NAME_BYTES, ChatCodec.MAX_NAME_BYTES).ifPresent(v -> {
                throw new IllegalArgumentException("room '" + ChatClientCore.printable(room) + "' is not valid: "
                        + v.text());
            });
            this.room = room;
            return this;
        }

        /**
         * Sets the listener.
         *
         * @param listener hears messages and presence, on the client's I/O thread
         * @return this
         */
        public Builder listener(ChatListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Binds the client's endpoint to a local address (by default every address, an ephemeral port).
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
         * Sets how long {@link ChatClient#close()} waits for the server to acknowledge the leave.
         *
         * @param timeout a positive duration
         * @return this
         */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            checkArgument(!timeout.isNegative() && !timeout.isZero(), "closeTimeout must be positive: %s", timeout);
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * Tunes the endpoint beneath the client (socket buffers, security, impairments for a demo).
         * The client then sets what it depends on: bind address, server, {@code RELIABLE} mode, message
         * size and its listener.
         *
         * @param customizer called with the endpoint's builder before the client's own settings
         * @return this
         */
        public Builder transport(Consumer<EndpointBuilder<ChatFrame>> customizer) {
            this.transport = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * Opens the endpoint and sends the JOIN; {@link ChatClient#joined()} says how it went.
         *
         * @return the client
         * @throws IllegalStateException if the server or name is missing
         * @throws io.github.udpkit.api.UdpIoException if the socket cannot be bound
         */
        public ChatClient connect() {
            if (server == null) {
                throw new IllegalStateException("no server: call server(host, port)");
            }
            if (name == null) {
                throw new IllegalStateException("no name: call name(name)");
            }
            if (identity != null) {
                SignedMessage.checkName(name); // a name a signature can carry, now rather than at the first message
            }
            return ChatClient.connect(this);
        }
    }
}
