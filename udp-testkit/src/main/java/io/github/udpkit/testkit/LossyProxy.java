package io.github.udpkit.testkit;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.api.UdpIoException;
import io.github.udpkit.core.transport.Impairer;
import io.github.udpkit.core.transport.Impairments;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP proxy on the loopback interface that relays datagrams between clients and one target
 * through seeded {@link Impairments}, for tests over real sockets: point the client at
 * {@link #address()} instead of the server, and the traffic suffers loss, duplication, delay,
 * reordering, corruption, MTU limits and blackouts as configured.
 *
 * <p>Like a NAT, the proxy gives each client address its own upstream socket, so the target sees a
 * distinct port per client and replies reach the right one; the number of clients is bounded and
 * the least recently active is evicted. Each client has its own impairer per direction (salted by
 * the order clients appeared in), with blackouts measured from the proxy's start. Delayed
 * datagrams wait in a bounded queue; every datagram passing through can be captured, in a bounded
 * ring, for tests that inspect the wire. One named daemon thread does all the work.
 *
 * <pre>{@code
 * try (LossyProxy proxy = LossyProxy.forward(server.localAddress(),
 *         Impairments.builder().loss(0.2).seed(seed).build())) {
 *     client.send(proxy.address(), ...);
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class LossyProxy implements AutoCloseable {

    /** How long {@link #close()} waits for the proxy's thread to stop. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(LossyProxy.class);
    /** Larger than any UDP payload (65,527 bytes over IPv6), so no datagram is truncated in passing. */
    private static final int READ_BUFFER_SIZE = 65_536;
    private static final int READS_PER_WAKEUP = 64;
    private static final int SOCKET_BUFFER = 1 << 20;

    /**
     * Which way a datagram travels through the proxy.
     *
     * @since 0.1.0
     */
    public enum Direction {
        /** From a client to the target. */
        CLIENT_TO_TARGET,
        /** From the target back to a client. */
        TARGET_TO_CLIENT
    }

    private final InetSocketAddress target;
    private final Impairments upModel;
    private final Impairments downModel;
    private final int maxClients;
    private final int maxQueued;
    private final int captureCapacity;
    private final long rebindAfter;
    private long rebinds;
    private final Selector selector;
    private final DatagramChannel listen;
    private final InetSocketAddress address;
    private final long originNanos;
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_SIZE);

    // Everything below is guarded by lock: the proxy thread holds it while it handles datagrams,
    // readers hold it to take a consistent snapshot.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LinkedHashMap<InetSocketAddress, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private final PriorityQueue<Pending> pending = new PriorityQueue<>();
    private final ArrayDeque<Captured> capture = new ArrayDeque<>();
    private Impairer.Counters retiredUp = Impairer.Counters.ZERO;
    private Impairer.Counters retiredDown = Impairer.Counters.ZERO;
    private long sessionsCreated;
    private long pendingSequence;
    private long evictedClients;
    private long overflowDropped;
    private long sendFailures;
    private long receiveErrors;

    private LossyProxy(Builder b, Selector selector, DatagramChannel listen) throws IOException {
        this.target = b.target;
        this.upModel = b.clientToTarget;
        this.downModel = b.targetToClient;
        this.maxClients = b.maxClients;
        this.maxQueued = b.maxQueued;
        this.captureCapacity = b.captureCapacity;
        this.rebindAfter = b.rebindAfter;
        this.selector = selector;
        this.listen = listen;
        this.address = (InetSocketAddress) listen.getLocalAddress();
        this.originNanos = System.nanoTime();
        this.thread = new Thread(this::run, "udpkit-lossy-proxy-" + address.getPort());
        this.thread.setDaemon(true);
    }

    /**
     * Starts a proxy to {@code target} that impairs both directions alike (each with its own
     * impairer).
     *
     * @param target the loopback address of the server to relay to
     * @param impairments what the proxy does to datagrams, each way
     * @return the running proxy
     * @throws UdpIoException if the proxy's socket cannot be opened
     */
    public static LossyProxy forward(InetSocketAddress target, Impairments impairments) {
        return builder(target).impairments(impairments).start();
    }

    /**
     * Starts configuring a proxy to {@code target}.
     *
     * @param target the loopback address of the server to relay to
     * @return a new builder
     */
    public static Builder builder(InetSocketAddress target) {
        return new Builder(target);
    }

    /**
     * The address clients send to, in place of the target's.
     *
     * @return the proxy's bound loopback address
     */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * The address the proxy relays to.
     *
     * @return the target
     */
    public InetSocketAddress target() {
        return target;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * How many times a client's traffic was moved to a new source port ({@link Builder#rebindAfter}).
     *
     * @return the count
     * @since 0.1.0
     */
    public long rebinds() {
        lock.lock();
        try {
            return rebinds;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A consistent snapshot of what the proxy has done.
     *
     * @return the stats now
     */
    public Stats stats() {
        lock.lock();
        try {
            return snapshot();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits, at most {@code timeout}, until the stats satisfy {@code condition}; e.g. until the
     * proxy has received every datagram a client sent:
     * {@code proxy.awaitStats(s -> s.clientToTarget().offered() == n, Duration.ofSeconds(10))}.
     *
     * @param condition what to wait for, evaluated while the proxy's thread is held off
     * @param timeout how long to wait at most
     * @return true when the condition held, false on timeout
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean awaitStats(Predicate<? super Stats> condition, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(timeout, "timeout");
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!condition.test(snapshot())) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The datagrams captured so far, oldest first, as they arrived at the proxy (before
     * impairment). Empty unless the builder set a capture capacity; once the ring is full the
     * oldest are dropped.
     *
     * @return a snapshot
     */
    public List<Captured> captured() {
        lock.lock();
        try {
            return List.copyOf(capture);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the captured datagrams. */
    public void clearCaptured() {
        lock.lock();
        try {
            capture.clear();
        } finally {
            lock.unlock();
        }
    }

    private Stats snapshot() {
        Impairer.Counters up = retiredUp;
        Impairer.Counters down = retiredDown;
        for (Session s : sessions.values()) {
            up = up.plus(s.up.counters());
            down = down.plus(s.down.counters());
        }
        return new Stats(up, down, sessions.size(), evictedClients, pending.size(), overflowDropped, sendFailures,
                receiveErrors);
    }

    /**
     * Stops relaying, releases every port at once and stops the proxy's thread (waiting at most
     * {@link #CLOSE_TIMEOUT}). Datagrams still delayed are dropped. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        selector.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(CLOSE_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.warn("lossy proxy {} thread did not stop within {}", address, CLOSE_TIMEOUT);
            }
        }
        release();
    }

    private void start() {
        thread.start();
    }

    private void run() {
        try {
            while (!closed.get()) {
                Pending next = peekPending();
                if (next == null) {
                    selector.select();
                } else {
                    long waitNanos = next.due - System.nanoTime();
                    if (waitNanos <= 0) {
                        selector.selectNow();
                    } else {
                        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
                    }
                }
                if (closed.get()) {
                    break;
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isValid() && key.isReadable()) {
                        drain(key);
                    }
                }
                flushDue();
            }
        } catch (IOException | RuntimeException e) {
            if (!closed.get()) {
                log.error("lossy proxy {} stopped", address, e);
            }
        } finally {
            release();
        }
    }

    private Pending peekPending() {
        lock.lock();
        try {
            return pending.peek();
        } finally {
            lock.unlock();
        }
    }

    private void drain(SelectionKey key) {
        DatagramChannel channel = (DatagramChannel) key.channel();
        Session session = (Session) key.attachment();
        lock.lock();
        try {
            for (int i = 0; i < READS_PER_WAKEUP; i++) {
                readBuffer.clear();
                SocketAddress from;
                try {
                    from = channel.receive(readBuffer);
                } catch (IOException e) {
                    // e.g. PortUnreachableException on an upstream socket when the target is gone
                    countReceiveError(e);
                    break;
                }
                if (from == null) {
                    break;
                }
                readBuffer.flip();
                long now = System.nanoTime();
                if (session == null) {
                    fromClient((InetSocketAddress) from, now);
                } else if (!session.closed) {
                    fromTarget(session, now);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void fromClient(InetSocketAddress client, long now) {
        Session session = sessions.get(client);
        if (session == null) {
            session = openSession(client);
            if (session == null) {
                return;
            }
        }
        if (++session.fromClient == rebindAfter + 1 && rebindAfter > 0) {
            rebind(session);
        }
        record(Direction.CLIENT_TO_TARGET, client);
        session.up.apply(readBuffer, now, session.upSink);
    }

    /**
     * Gives a client's traffic a new upstream socket, so the target sees it come from a new port,
     * and forgets the old one, so the target's datagrams to the old port go nowhere: a NAT
     * rebinding.
     */
    private void rebind(Session session) {
        DatagramChannel fresh = null;
        try {
            fresh = openUpstream();
            SelectionKey key = fresh.register(selector, SelectionKey.OP_READ, session);
            if (session.key != null) {
                session.key.cancel();
            }
            closeQuietly(session.upstream);
            session.upstream = fresh;
            session.key = key;
            rebinds++;
            log.debug("lossy proxy {}: client {} now relayed from {}", address, session.client,
                    fresh.getLocalAddress());
        } catch (IOException e) {
            closeQuietly(fresh);
            countSendFailure(e);
        }
    }

    private DatagramChannel openUpstream() throws IOException {
        DatagramChannel upstream = DatagramChannel.open(family(target.getAddress()));
        try {
            upstream.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            upstream.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            upstream.bind(new InetSocketAddress(loopbackLike(target.getAddress()), 0));
            upstream.connect(target);
            upstream.configureBlocking(false);
            return upstream;
        } catch (IOException e) {
            closeQuietly(upstream);
            throw e;
        }
    }

    private void fromTarget(Session session, long now) {
        sessions.get(session.client); // marks it recently active
        record(Direction.TARGET_TO_CLIENT, session.client);
        session.down.apply(readBuffer, now, session.downSink);
    }

    private Session openSession(InetSocketAddress client) {
        if (sessions.size() >= maxClients) {
            Iterator<Session> eldest = sessions.values().iterator();
            Session evicted = eldest.next();
            eldest.remove();
            retire(evicted);
            evictedClients++;
        }
        DatagramChannel upstream = null;
        try {
            upstream = openUpstream();
            long ordinal = sessionsCreated++;
            Session session = new Session(client, upstream, upModel.newImpairer(2 * ordinal, originNanos),
                    downModel.newImpairer(2 * ordinal + 1, originNanos));
            session.key = upstream.register(selector, SelectionKey.OP_READ, session);
            sessions.put(client, session);
            return session;
        } catch (IOException e) {
            closeQuietly(upstream);
            countSendFailure(e);
            return null;
        }
    }

    private void retire(Session session) {
        session.closed = true;
        retiredUp = retiredUp.plus(session.up.counters());
        retiredDown = retiredDown.plus(session.down.counters());
        if (session.key != null) {
            session.key.cancel();
        }
        closeQuietly(session.upstream);
    }

    private void record(Direction direction, InetSocketAddress client) {
        if (captureCapacity == 0) {
            return;
        }
        if (capture.size() >= captureCapacity) {
            capture.pollFirst();
        }
        byte[] bytes = new byte[readBuffer.remaining()];
        readBuffer.get(readBuffer.position(), bytes);
        capture.addLast(new Captured(direction, client, bytes));
    }

    private void relay(Session session, Direction direction, ByteBuffer datagram, long delayNanos) {
        if (delayNanos == 0) {
            write(session, direction, datagram);
            return;
        }
        if (pending.size() >= maxQueued) {
            overflowDropped++;
            return;
        }
        byte[] bytes = new byte[datagram.remaining()];
        datagram.get(bytes);
        pending.add(new Pending(System.nanoTime() + delayNanos, pendingSequence++, session, direction, bytes));
    }

    private void flushDue() {
        lock.lock();
        try {
            long now = System.nanoTime();
            boolean any = false;
            while (!pending.isEmpty() && pending.peek().due - now <= 0) {
                Pending p = pending.poll();
                write(p.session, p.direction, ByteBuffer.wrap(p.bytes));
                any = true;
            }
            if (any) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void write(Session session, Direction direction, ByteBuffer datagram) {
        if (session.closed) {
            sendFailures++;
            return;
        }
        try {
            int written = direction == Direction.CLIENT_TO_TARGET
                    ? session.upstream.write(datagram)
                    : listen.send(datagram, session.client);
            if (written == 0) {
                countSendFailure(null); // the socket's send buffer is full: the datagram is gone, as on a real host
            }
        } catch (IOException e) {
            countSendFailure(e);
        }
    }

    private void countSendFailure(IOException e) {
        sendFailures++;
        if (sendFailures == 1 || sendFailures % 1000 == 0) {
            log.debug("lossy proxy {}: {} send failures, latest: {}", address, sendFailures,
                    e == null ? "send buffer full" : e.toString());
        }
    }

    private void countReceiveError(IOException e) {
        receiveErrors++;
        if (receiveErrors == 1 || receiveErrors % 1000 == 0) {
            log.debug("lossy proxy {}: {} receive errors, latest: {}", address, receiveErrors, e.toString());
        }
    }

    private void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        // Closing the selector first deregisters every channel, so closing them frees their ports
        // now rather than at a next select that will never come.
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("lossy proxy {}: closing selector: {}", address, e.toString());
        }
        lock.lock();
        try {
            for (Session s : new ArrayList<>(sessions.values())) {
                retire(s);
            }
            sessions.clear();
            pending.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        closeQuietly(listen);
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing {}: {}", channel, e.toString());
            }
        }
    }

    private static StandardProtocolFamily family(InetAddress address) {
        return address instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    private static InetAddress loopbackLike(InetAddress address) throws IOException {
        return InetAddress.getByName(address instanceof Inet6Address ? "::1" : "127.0.0.1");
    }

    /** Shows the addresses and what the proxy did. */
    @Override
    public String toString() {
        return "LossyProxy[" + address + " -> " + target + (closed.get() ? ", closed" : "") + "]";
    }

    private final class Session {
        final InetSocketAddress client;
        DatagramChannel upstream;
        /** Datagrams relayed from the client, for {@link Builder#rebindAfter}. */
        long fromClient;
        final Impairer up;
        final Impairer down;
        final Impairer.Sink upSink;
        final Impairer.Sink downSink;
        SelectionKey key;
        boolean closed;

        Session(InetSocketAddress client, DatagramChannel upstream, Impairer up, Impairer down) {
            this.client = client;
            this.upstream = upstream;
            this.up = up;
            this.down = down;
            this.upSink = (datagram, delay) -> relay(this, Direction.CLIENT_TO_TARGET, datagram, delay);
            this.downSink = (datagram, delay) -> relay(this, Direction.TARGET_TO_CLIENT, datagram, delay);
        }
    }

    private static final class Pending implements Comparable<Pending> {
        final long due;
        final long sequence;
        final Session session;
        final Direction direction;
        final byte[] bytes;

        Pending(long due, long sequence, Session session, Direction direction, byte[] bytes) {
            this.due = due;
            this.sequence = sequence;
            this.session = session;
            this.direction = direction;
            this.bytes = bytes;
        }

        @Override
        public int compareTo(Pending o) {
            // nanoTime values are compared by difference, as they may wrap
            int c = Long.signum(due - o.due);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    /**
     * One datagram as it arrived at the proxy, before impairment.
     *
     * @since 0.1.0
     */
    public static final class Captured {
        private final Direction direction;
        private final InetSocketAddress client;
        private final byte[] payload;

        Captured(Direction direction, InetSocketAddress client, byte[] payload) {
            this.direction = direction;
            this.client = client;
            this.payload = payload;
        }

        /**
         * Which way it was going.
         *
         * @return the direction
         */
        public Direction direction() {
            return direction;
        }

        /**
         * The client it came from or was going to.
         *
         * @return the client's address
         */
        public InetSocketAddress client() {
            return client;
        }

        /**
         * Its bytes.
         *
         * @return a copy of the payload
         */
        public byte[] payload() {
            return payload.clone();
        }

        /**
         * Its size.
         *
         * @return the payload length in bytes
         */
        public int size() {
            return payload.length;
        }

        /**
         * Whether the payload contains {@code needle} anywhere, e.g. to check that no plaintext
         * crosses the wire.
         *
         * @param needle the bytes to look for, not empty
         * @return true if found
         */
        public boolean contains(byte[] needle) {
            checkArgument(needle.length > 0, "needle must not be empty: %s", needle.length);
            outer:
            for (int i = 0; i + needle.length <= payload.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (payload[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }

        /** Shows the direction, client and size. */
        @Override
        public String toString() {
            return "Captured[" + direction + ", " + client + ", " + payload.length + " bytes: "
                    + Arrays.toString(Arrays.copyOf(payload, Math.min(16, payload.length)))
                    + (payload.length > 16 ? "...]" : "]");
        }
    }

    /**
     * What a proxy has done, summed over its clients, evicted ones included.
     *
     * @param clientToTarget what the impairers did to datagrams from clients
     * @param targetToClient what the impairers did to datagrams from the target
     * @param clients the clients being relayed for now
     * @param evictedClients the clients evicted to stay within the bound
     * @param queued the datagrams waiting out their delay now
     * @param overflowDropped the delayed datagrams dropped because the queue was full
     * @param sendFailures the datagrams the proxy could not send (a full socket buffer, an I/O error)
     * @param receiveErrors the errors reading from sockets (e.g. an ICMP port unreachable)
     * @since 0.1.0
     */
    public record Stats(Impairer.Counters clientToTarget, Impairer.Counters targetToClient, int clients,
                        long evictedClients, int queued, long overflowDropped, long sendFailures,
                        long receiveErrors) {
    }

    /**
     * Configures and starts a {@link LossyProxy}; every setter checks its arguments at once.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final InetSocketAddress target;
        private Impairments clientToTarget = Impairments.none();
        private Impairments targetToClient = Impairments.none();
        private int maxClients = 64;
        private int maxQueued = 10_000;
        private int captureCapacity;
        private long rebindAfter;

        private Builder(InetSocketAddress target) {
            Objects.requireNonNull(target, "target");
            checkArgument(!target.isUnresolved(), "target must be resolved: %s", target);
            checkArgument(target.getAddress().isLoopbackAddress(), "target must be a loopback address: %s", target);
            checkArgument(target.getPort() > 0, "target port must be in 1..65535: %s", target.getPort());
            this.target = target;
        }

        /**
         * Sets the impairments of both directions (each gets its own impairer per client).
         *
         * @param impairments what the proxy does each way
         * @return this builder
         */
        public Builder impairments(Impairments impairments) {
            clientToTarget(impairments);
            return targetToClient(impairments);
        }

        /**
         * Sets the impairments of datagrams from clients to the target.
         *
         * @param impairments what the proxy does that way; none by default
         * @return this builder
         */
        public Builder clientToTarget(Impairments impairments) {
            this.clientToTarget = Objects.requireNonNull(impairments, "impairments");
            return this;
        }

        /**
         * Sets the impairments of datagrams from the target to clients.
         *
         * @param impairments what the proxy does that way; none by default
         * @return this builder
         */
        public Builder targetToClient(Impairments impairments) {
            this.targetToClient = Objects.requireNonNull(impairments, "impairments");
            return this;
        }

        /**
         * Sets how many clients are relayed for at once; a new one evicts the least recently active.
         *
         * @param maxClients in [1, 4096]; 64 by default
         * @return this builder
         */
        public Builder maxClients(int maxClients) {
            checkArgument(maxClients >= 1 && maxClients <= 4096, "maxClients must be in [1, 4096]: %s", maxClients);
            this.maxClients = maxClients;
            return this;
        }

        /**
         * Sets how many delayed datagrams may wait at once; more are dropped and counted.
         *
         * @param maxQueued in [1, 1000000]; 10,000 by default
         * @return this builder
         */
        public Builder maxQueued(int maxQueued) {
            checkArgument(maxQueued >= 1 && maxQueued <= 1_000_000, "maxQueued must be in [1, 1000000]: %s",
                    maxQueued);
            this.maxQueued = maxQueued;
            return this;
        }

        /**
         * Simulates a NAT rebinding: after this many datagrams from a client, the proxy relays the
         * client's traffic from a new source port, and what the target sends to the old one goes
         * nowhere. Once per client.
         *
         * @param datagrams at least 0; 0 (never) by default
         * @return this builder
         * @since 0.1.0
         */
        public Builder rebindAfter(long datagrams) {
            checkArgument(datagrams >= 0, "rebindAfter must not be negative: %s", datagrams);
            this.rebindAfter = datagrams;
            return this;
        }

        /**
         * Keeps the last {@code capacity} datagrams passing through, for {@link LossyProxy#captured()}.
         *
         * @param capacity in [0, 1000000]; 0 (no capture) by default
         * @return this builder
         */
        public Builder capture(int capacity) {
            checkArgument(capacity >= 0 && capacity <= 1_000_000, "capture capacity must be in [0, 1000000]: %s",
                    capacity);
            this.captureCapacity = capacity;
            return this;
        }

        /**
         * Binds the proxy to an ephemeral port on the target's loopback address family and starts
         * relaying.
         *
         * @return the running proxy
         * @throws UdpIoException if the socket cannot be opened
         */
        public LossyProxy start() {
            Selector selector = null;
            DatagramChannel listen = null;
            try {
                selector = Selector.open();
                listen = DatagramChannel.open(family(target.getAddress()));
                listen.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
                listen.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
                listen.bind(new InetSocketAddress(loopbackLike(target.getAddress()), 0));
                listen.configureBlocking(false);
                listen.register(selector, SelectionKey.OP_READ, null);
                LossyProxy proxy = new LossyProxy(this, selector, listen);
                proxy.start();
                return proxy;
            } catch (IOException e) {
                closeQuietly(listen);
                if (selector != null) {
                    try {
                        selector.close();
                    } catch (IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw UdpIoException.of("start lossy proxy", null, target, e);
            }
        }
    }
}
