package io.github.udpkit.core.simulation;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.math.LongMath;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.transport.Impairer;
import io.github.udpkit.core.transport.Impairments;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The simulated network: {@link Node nodes} under virtual time, datagrams moved between them with
 * loss, duplication, reordering, jitter, corruption, MTU limits, blackouts and bottlenecks, without a
 * socket, a thread or a clock, so an hour of lossy traffic runs in milliseconds and replays from its
 * seed. udpkit's one implementation of it: {@code udp-testkit}'s published {@code VirtualNetwork}
 * is a facade over this class, and udp-core's own engine tests, which cannot depend on udp-testkit
 * (it depends on udp-core), drive it directly. Its package is exported to udp-testkit alone.
 *
 * <p>Nodes are attached at addresses ({@link #nextAddress()} hands out {@code 127.0.0.x} ones) and
 * send through the {@link Port} they get. A datagram's fate on its way from one address to another
 * is decided by that direction's own {@link Impairer}, made from the link's {@link Impairments}
 * (or the network's default) with a stream salt derived from {@link #seed()} and the two addresses,
 * so each direction has independent fates and the whole run depends on nothing but the seed and
 * what the nodes do. Blackouts are measured from the network's origin.
 *
 * <p>Time moves only inside {@link #runUntil}, {@link #advance} and {@link #runUntilIdle}, which
 * jump from event to event: the next datagram arrival or the earliest node deadline. Datagrams
 * arriving at the same instant are delivered before the nodes they woke are updated, so a node
 * sees them as one batch, as a real I/O loop would. Each run is bounded in events, so a livelock
 * fails with a {@link SimulationFailure} (naming the seed) instead of hanging the test.
 *
 * <p>Not thread-safe: drive it, and the nodes it owns, from the test's thread.
 *
 * @since 0.1.0
 */
public final class VirtualNetwork {

    /** The default bound on events (arrivals and node updates) in one run call. */
    public static final long DEFAULT_MAX_EVENTS_PER_RUN = 10_000_000L;
    /** The default bound on datagrams in flight; more are dropped, as a full router queue would. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1_000_000;
    /** The port of the addresses {@link #nextAddress()} hands out. */
    public static final int DEFAULT_PORT = 40_000;

    private static final int HOSTS_PER_SUBNET = 250;
    // Keeps engine seeds apart from link salts derived from the same addresses.
    private static final long ENGINE_SALT = 0x5EED_E461_4E00_0001L;

    private final long seed;
    private final long originNanos;
    private final long maxEventsPerRun;
    private final int maxInFlight;
    private final SplittableRandom random;
    private Impairments defaultImpairments;
    private final Map<Link, Impairments> linkImpairments = new HashMap<>();
    private final Map<Link, Impairer> impairers = new HashMap<>();
    private Impairer.Counters retiredCounters = Impairer.Counters.ZERO;
    private final Map<InetSocketAddress, Port> ports = new LinkedHashMap<>();
    private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>();
    private final TreeSet<Port> timers = new TreeSet<>(
            Comparator.comparingLong((Port p) -> p.deadline).thenComparingInt(p -> p.id));
    private long now;
    private long sequence;
    private int nextPortId;
    private int nextHost;
    private boolean running;
    // Where the datagram being impaired goes; the sink is one object, not a lambda per send.
    private InetSocketAddress sendingFrom;
    private InetSocketAddress sendingTo;
    private final Impairer.Sink enqueue = this::enqueue;

    // Where the datagram being impaired leaves the bottleneck, when there is one.
    private long sendingDeparture;
    private long bottleneckBytesPerSecond;
    private int bottleneckQueue = 1;
    /** Per direction, the departure times of the datagrams in the bottleneck, the one being sent first. */
    private final Map<Link, ArrayDeque<Long>> bottlenecks = new HashMap<>();
    private long bottleneckPassed;
    private long bottleneckDropped;
    private DropRule dropRule = DropRule.NONE;
    private long droppedByRule;

    private long events;
    private long sent;
    private long injected;
    private long delivered;
    private long undeliverable;
    private long overflowDropped;

    /**
     * Something the network drives: it is handed the datagrams addressed to it and woken at the
     * deadlines it asks for, always with the current virtual time, and sends through the
     * {@link Port} it was attached with. The shape of udpkit's sans-I/O protocol engine.
     *
     * @since 0.1.0
     */
    public interface Node {

        /**
         * Takes a datagram that arrived for this node. The buffer is the node's to keep.
         *
         * @param from the address of the sending node
         * @param datagram the datagram, between position and limit
         * @param nowNanos the current virtual time
         */
        void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos);

        /**
         * Runs timers and flushes what is due, and says when to be called next; it may be called
         * before its deadline and must then do only what is due.
         *
         * @param nowNanos the current virtual time
         * @return the next virtual time to be updated at, or {@link Engine#NO_DEADLINE} for none
         */
        long update(long nowNanos);
    }

    /**
     * A test's choice of which datagrams the network drops, consulted for every datagram a node
     * sends or a test injects, before the bottleneck and the link's impairments: the loss of the
     * datagram at one position, of every datagram towards one address, or loss in bursts of virtual
     * time. What the random impairments cannot aim at, a rule can.
     *
     * @since 0.1.0
     */
    @FunctionalInterface
    public interface DropRule {
        /** Drops nothing; the network's default. */
        DropRule NONE = (index, from, to, datagram, nowNanos) -> false;

        /**
         * Decides one datagram's fate.
         *
         * @param index the datagram's position among all datagrams offered to the network (sent by
         *     nodes and injected by tests alike), from 0
         * @param from the address it comes from
         * @param to the address it goes to
         * @param datagram a read-only view of its bytes, between position and limit
         * @param nowNanos the virtual time it is sent at
         * @return true to drop it
         */
        boolean drop(long index, InetSocketAddress from, InetSocketAddress to, ByteBuffer datagram, long nowNanos);
    }

    private VirtualNetwork(Builder b) {
        this.seed = b.seed;
        this.originNanos = b.originNanos;
        this.now = b.originNanos;
        this.maxEventsPerRun = b.maxEventsPerRun;
        this.maxInFlight = b.maxInFlight;
        this.defaultImpairments = b.defaultImpairments;
        // A stream of its own, so tests drawing from it do not shift the links' fates.
        this.random = new SplittableRandom(seed).split();
    }

    /**
     * Starts a network with seed 0, origin 0, no impairments and the default bounds.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Makes a network with the given seed and the builder's other defaults.
     *
     * @param seed the seed every random choice derives from
     * @return a new network
     */
    public static VirtualNetwork withSeed(long seed) {
        return builder().seed(seed).build();
    }

    /**
     * The seed every random choice of this network derives from; a run replays from it.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The virtual time the network started at.
     *
     * @return nanoseconds
     */
    public long originNanos() {
        return originNanos;
    }

    /**
     * The current virtual time.
     *
     * @return nanoseconds, on the clock that started at {@link #originNanos()}
     */
    public long nowNanos() {
        return now;
    }

    /**
     * The virtual time elapsed since the origin.
     *
     * @return a duration
     */
    public Duration elapsed() {
        return Duration.ofNanos(now - originNanos);
    }

    /**
     * A random stream derived from the seed, for tests that need random payloads or choices that
     * replay with the run. Independent of the streams that decide datagram fates.
     *
     * @return the network's test random stream (the same object on every call)
     */
    public SplittableRandom random() {
        return random;
    }

    /**
     * Hands out a new address, {@code 127.0.0.2:40000}, {@code 127.0.0.3:40000} and so on.
     *
     * @return an address not handed out before by this network
     */
    public InetSocketAddress nextAddress() {
        int n = nextHost;
        checkState(n < HOSTS_PER_SUBNET * 256, "out of simulated addresses after %s", n);
        nextHost++;
        byte[] ip = {127, 0, (byte) (n / HOSTS_PER_SUBNET), (byte) (2 + n % HOSTS_PER_SUBNET)};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), DEFAULT_PORT);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4-byte address is always valid", e);
        }
    }

    /**
     * Attaches a node at an address. The node is updated at the start of the next run.
     *
     * @param address a resolved address no other node is attached at
     * @param node the node
     * @return the port the node sends through
     */
    public Port attach(InetSocketAddress address, Node node) {
        Objects.requireNonNull(node, "node");
        Port port = newPort(address);
        port.node = node;
        register(port);
        return port;
    }

    /**
     * Attaches a node made from its port, for nodes that need the port to send: the usual way.
     *
     * @param address a resolved address no other node is attached at
     * @param factory makes the node, given its port
     * @param <N> the node type
     * @return the node
     */
    public <N extends Node> N attachNew(InetSocketAddress address, Function<? super Port, N> factory) {
        Objects.requireNonNull(factory, "factory");
        Port port = newPort(address);
        N node = Objects.requireNonNull(factory.apply(port), "factory returned null");
        port.node = node;
        register(port);
        return node;
    }

    /**
     * The seed for the protocol engine of a node at an address, derived from the network's seed, so
     * that the engine's random choices (its session ids) replay with the run too.
     *
     * @param address the node's address
     * @return a seed for {@code EngineConfig.Builder.seed}
     */
    public long engineSeed(InetSocketAddress address) {
        return mix(seed ^ ENGINE_SALT ^ addressBits(Objects.requireNonNull(address, "address")));
    }

    private Port newPort(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        checkArgument(!address.isUnresolved(), "address must be resolved: %s", address);
        checkArgument(!ports.containsKey(address), "a node is already attached at %s", address);
        return new Port(this, nextPortId++, address);
    }

    private void register(Port port) {
        checkArgument(!ports.containsKey(port.address), "a node is already attached at %s", port.address);
        ports.put(port.address, port);
        schedule(port, now);
    }

    /**
     * Sets the impairments of the direction {@code from -> to}, replacing the default for it. The
     * direction's fates restart from its stream's beginning; counters so far are kept in
     * {@link #counters()}.
     *
     * @param from the sending address
     * @param to the receiving address
     * @param impairments what the link does
     */
    public void impair(InetSocketAddress from, InetSocketAddress to, Impairments impairments) {
        Objects.requireNonNull(impairments, "impairments");
        Link link = new Link(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"));
        linkImpairments.put(link, impairments);
        retire(link);
    }

    /**
     * Sets the impairments of both directions between two addresses; each direction gets its own
     * impairer, so their fates are independent.
     *
     * @param a one end
     * @param b the other end
     * @param impairments what the link does, each way
     */
    public void impairBoth(InetSocketAddress a, InetSocketAddress b, Impairments impairments) {
        impair(a, b, impairments);
        impair(b, a, impairments);
    }

    /**
     * Replaces the impairments of every direction not set by {@link #impair}, e.g. to heal a lossy
     * network and let the nodes converge.
     *
     * @param impairments what links do by default
     */
    public void defaultImpairments(Impairments impairments) {
        this.defaultImpairments = Objects.requireNonNull(impairments, "impairments");
        for (Link link : new ArrayList<>(impairers.keySet())) {
            if (!linkImpairments.containsKey(link)) {
                retire(link);
            }
        }
    }

    /**
     * What links do unless {@link #impair} said otherwise.
     *
     * @return the default impairments
     */
    public Impairments defaultImpairments() {
        return defaultImpairments;
    }

    private void retire(Link link) {
        Impairer old = impairers.remove(link);
        if (old != null) {
            retiredCounters = retiredCounters.plus(old.counters());
        }
    }

    private Impairer impairer(InetSocketAddress from, InetSocketAddress to) {
        Link link = new Link(from, to);
        Impairer impairer = impairers.get(link);
        if (impairer == null) {
            Impairments model = linkImpairments.getOrDefault(link, defaultImpairments);
            long salt = mix(mix(seed ^ addressBits(from)) ^ addressBits(to));
            impairer = model.newImpairer(salt, originNanos);
            impairers.put(link, impairer);
        }
        return impairer;
    }

    private static long addressBits(InetSocketAddress address) {
        long h = 0xcbf29ce484222325L;
        for (byte b : address.getAddress().getAddress()) {
            h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        }
        return (h ^ address.getPort()) * 0x100000001b3L;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /**
     * Puts a bottleneck in every direction, as at a congested router: datagrams leave it one after
     * another at {@code bytesPerSecond}, wait in a first-in first-out queue of {@code queue}
     * datagrams while it is busy, and are dropped when that is full (drop-tail). The impairments
     * (loss, delay, ...) apply after it. Datagrams already queued keep their departure times.
     *
     * @param bytesPerSecond the rate, 0 for no bottleneck
     * @param queue how many datagrams wait behind the one being sent, not negative
     */
    public void bottleneck(long bytesPerSecond, int queue) {
        checkArgument(bytesPerSecond >= 0, "bottleneck rate must not be negative: %s", bytesPerSecond);
        checkArgument(queue >= 0, "bottleneck queue must not be negative: %s", queue);
        this.bottleneckBytesPerSecond = bytesPerSecond;
        this.bottleneckQueue = queue;
    }

    /**
     * Sets the rule that drops datagrams before anything else sees them, replacing the one before;
     * {@link DropRule#NONE} removes it. Rule drops are counted in {@link #droppedByRule()}, not in
     * the impairers' {@link #counters()}: a dropped datagram never reaches its link's impairer.
     *
     * @param rule the rule
     */
    public void dropRule(DropRule rule) {
        this.dropRule = Objects.requireNonNull(rule, "rule");
    }

    /**
     * The datagrams the {@link #dropRule(DropRule) drop rule} dropped so far.
     *
     * @return a count
     */
    public long droppedByRule() {
        return droppedByRule;
    }

    /**
     * The datagrams that went through the bottleneck so far.
     *
     * @return a count
     */
    public long bottleneckPassed() {
        return bottleneckPassed;
    }

    /**
     * The datagrams the bottleneck dropped because its queue was full.
     *
     * @return a count
     */
    public long bottleneckDropped() {
        return bottleneckDropped;
    }

    /**
     * Sends a datagram as if from any address, attached or not: an attacker's copy, a forgery. It
     * takes the same way as a node's datagram from that address (the bottleneck, then the link's
     * impairments).
     *
     * @param from the address it claims to come from
     * @param to where it goes
     * @param datagram the bytes between position and limit, which the network copies
     */
    public void inject(InetSocketAddress from, InetSocketAddress to, ByteBuffer datagram) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(datagram, "datagram");
        checkArgument(datagram.remaining() <= Endpoint.MAX_DATAGRAM_PAYLOAD, "datagram larger than %s bytes: %s",
                Endpoint.MAX_DATAGRAM_PAYLOAD, datagram.remaining());
        injected++;
        transmit(from, to, datagram);
    }

    /**
     * The datagrams sent with {@link #inject} so far (not counted in {@link #sent()}).
     *
     * @return a count
     */
    public long injected() {
        return injected;
    }

    /**
     * What the impairers of all links did so far, summed.
     *
     * @return the counters
     */
    public Impairer.Counters counters() {
        Impairer.Counters sum = retiredCounters;
        for (Impairer impairer : impairers.values()) {
            sum = sum.plus(impairer.counters());
        }
        return sum;
    }

    /**
     * What the impairer of the direction {@code from -> to} did since its impairments were last set.
     *
     * @param from the sending address
     * @param to the receiving address
     * @return the counters, zero when nothing was sent that way
     */
    public Impairer.Counters counters(InetSocketAddress from, InetSocketAddress to) {
        Impairer impairer = impairers.get(new Link(from, to));
        return impairer == null ? Impairer.Counters.ZERO : impairer.counters();
    }

    /**
     * Runs until {@code condition} holds or {@code virtualLimit} of virtual time has passed. The
     * condition is checked before each event; it should be cheap.
     *
     * @param condition what to wait for
     * @param virtualLimit how much virtual time may pass, not negative
     * @return true when the condition held; false when the limit was reached first, in which case
     *     the virtual time is now the limit
     * @throws SimulationFailure if a node failed or the run exceeded its bound on events
     */
    public boolean runUntil(BooleanSupplier condition, Duration virtualLimit) {
        Objects.requireNonNull(condition, "condition");
        return run(condition, limit(virtualLimit));
    }

    /**
     * Runs every event due within {@code duration} and leaves the virtual time {@code duration}
     * later.
     *
     * @param duration how much virtual time passes, not negative
     * @throws SimulationFailure if a node failed or the run exceeded its bound on events
     */
    public void advance(Duration duration) {
        run(() -> false, limit(duration));
    }

    /**
     * Runs until no datagram is in flight and no node has a deadline, or {@code virtualLimit} of
     * virtual time has passed. Nodes with periodic timers (keep-alives) are never idle.
     *
     * @param virtualLimit how much virtual time may pass, not negative
     * @return true when the network went idle (the virtual time is then that of the last event);
     *     false when the limit was reached first
     * @throws SimulationFailure if a node failed or the run exceeded its bound on events
     */
    public boolean runUntilIdle(Duration virtualLimit) {
        long limit = limit(virtualLimit);
        return run(() -> inFlight.isEmpty() && timers.isEmpty(), limit);
    }

    private long limit(Duration virtualLimit) {
        Objects.requireNonNull(virtualLimit, "virtualLimit");
        checkArgument(!virtualLimit.isNegative(), "virtual limit must not be negative: %s", virtualLimit);
        long nanos = virtualLimit.compareTo(Duration.ofNanos(Engine.NO_DEADLINE)) >= 0 ? Engine.NO_DEADLINE
                : virtualLimit.toNanos();
        return LongMath.saturatedAdd(now, nanos);
    }

    private boolean run(BooleanSupplier condition, long limit) {
        checkState(!running, "the network is already running: do not run it from inside a node");
        running = true;
        try {
            // Tests may have called into nodes between runs (e.g. queued a send): let every node
            // flush and state its deadline before deciding anything.
            for (Port port : new ArrayList<>(ports.values())) {
                if (!port.closed) {
                    update(port);
                }
            }
            long runEvents = 0;
            while (!condition.getAsBoolean()) {
                InFlight datagram = inFlight.peek();
                Port timer = timers.isEmpty() ? null : timers.first();
                boolean arrival = datagram != null && (timer == null || datagram.arrival <= timer.deadline);
                long next = arrival ? datagram.arrival : timer == null ? Engine.NO_DEADLINE : timer.deadline;
                if (next > limit || next == Engine.NO_DEADLINE) {
                    if (limit != Engine.NO_DEADLINE) {
                        now = Math.max(now, limit);
                    }
                    return false;
                }
                if (++runEvents > maxEventsPerRun) {
                    throw new SimulationFailure("run exceeded " + maxEventsPerRun
                            + " events (a livelock? a node that keeps asking to be updated at once?)", seed, now, null);
                }
                events++;
                now = Math.max(now, next);
                if (arrival) {
                    inFlight.poll();
                    arrive(datagram);
                } else {
                    update(timer);
                }
            }
            return true;
        } finally {
            running = false;
        }
    }

    private void arrive(InFlight datagram) {
        Port port = ports.get(datagram.to);
        if (port == null) {
            undeliverable++;
            return;
        }
        delivered++;
        try {
            port.node.receive(datagram.from, ByteBuffer.wrap(datagram.bytes), now);
        } catch (RuntimeException | AssertionError e) {
            throw new SimulationFailure("node at " + port.address + " failed receiving from " + datagram.from,
                    seed, now, e);
        }
        if (!port.closed && port.deadline > now) {
            schedule(port, now);
        }
    }

    private void update(Port port) {
        unschedule(port);
        long deadline;
        try {
            deadline = port.node.update(now);
        } catch (RuntimeException | AssertionError e) {
            throw new SimulationFailure("node at " + port.address + " failed in update", seed, now, e);
        }
        if (!port.closed) {
            schedule(port, deadline);
        }
    }

    private void schedule(Port port, long deadline) {
        unschedule(port);
        port.deadline = deadline;
        if (deadline != Engine.NO_DEADLINE) {
            timers.add(port);
        }
    }

    private void unschedule(Port port) {
        if (port.deadline != Engine.NO_DEADLINE) {
            timers.remove(port);
            port.deadline = Engine.NO_DEADLINE;
        }
    }

    private void send(Port from, InetSocketAddress to, ByteBuffer datagram) {
        sent++;
        transmit(from.address, to, datagram);
    }

    private void transmit(InetSocketAddress from, InetSocketAddress to, ByteBuffer datagram) {
        long index = sent + injected - 1;
        // The read-only view is made only when a test set a rule: the common run pays nothing.
        if (dropRule != DropRule.NONE && dropRule.drop(index, from, to, datagram.asReadOnlyBuffer(), now)) {
            droppedByRule++;
            datagram.position(datagram.limit());
            return;
        }
        long departure = now;
        if (bottleneckBytesPerSecond > 0) {
            ArrayDeque<Long> queue = bottlenecks.computeIfAbsent(new Link(from, to), k -> new ArrayDeque<>());
            while (!queue.isEmpty() && queue.peekFirst() <= now) {
                queue.removeFirst();
            }
            if (queue.size() > bottleneckQueue) { // one being sent, bottleneckQueue waiting
                bottleneckDropped++;
                datagram.position(datagram.limit());
                return;
            }
            long start = queue.isEmpty() ? now : queue.peekLast();
            departure = start + datagram.remaining() * 1_000_000_000L / bottleneckBytesPerSecond;
            queue.addLast(departure);
            bottleneckPassed++;
        }
        sendingFrom = from;
        sendingTo = to;
        sendingDeparture = departure;
        impairer(from, to).apply(datagram, now, enqueue);
        datagram.position(datagram.limit());
    }

    private void enqueue(ByteBuffer copy, long delayNanos) {
        if (inFlight.size() >= maxInFlight) {
            overflowDropped++;
            return;
        }
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        inFlight.add(new InFlight(LongMath.saturatedAdd(sendingDeparture, delayNanos), sequence++, sendingFrom, sendingTo,
                bytes));
    }

    private void detach(Port port) {
        unschedule(port);
        ports.remove(port.address, port);
    }

    /**
     * The events (arrivals and node updates) processed so far, over all runs.
     *
     * @return a count
     */
    public long events() {
        return events;
    }

    /**
     * The datagrams nodes sent so far.
     *
     * @return a count
     */
    public long sent() {
        return sent;
    }

    /**
     * The datagrams handed to nodes so far, duplicates included.
     *
     * @return a count
     */
    public long delivered() {
        return delivered;
    }

    /**
     * The datagrams that arrived at an address with no node attached, and were dropped.
     *
     * @return a count
     */
    public long undeliverable() {
        return undeliverable;
    }

    /**
     * The datagrams dropped because the bound on datagrams in flight was reached.
     *
     * @return a count
     */
    public long overflowDropped() {
        return overflowDropped;
    }

    /**
     * The datagrams in flight now.
     *
     * @return a count
     */
    public int inFlight() {
        return inFlight.size();
    }

    /**
     * The addresses nodes are attached at, in the order they were attached.
     *
     * @return a snapshot
     */
    public List<InetSocketAddress> addresses() {
        return List.copyOf(ports.keySet());
    }

    /** Shows the seed, the virtual time and the traffic so far. */
    @Override
    public String toString() {
        return "VirtualNetwork[seed " + seed + ", t+" + elapsed() + ", nodes " + ports.size() + ", sent " + sent
                + ", delivered " + delivered + ", in flight " + inFlight.size() + ", " + defaultImpairments + "]";
    }

    private record Link(InetSocketAddress from, InetSocketAddress to) {
    }

    private static final class InFlight implements Comparable<InFlight> {
        final long arrival;
        final long sequence;
        final InetSocketAddress from;
        final InetSocketAddress to;
        final byte[] bytes;

        InFlight(long arrival, long sequence, InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
            this.arrival = arrival;
            this.sequence = sequence;
            this.from = from;
            this.to = to;
            this.bytes = bytes;
        }

        @Override
        public int compareTo(InFlight o) {
            int c = Long.compare(arrival, o.arrival);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    /**
     * A node's handle on the network: its address, and the way it sends.
     *
     * @since 0.1.0
     */
    public static final class Port {
        private final VirtualNetwork network;
        private final int id;
        private InetSocketAddress address;
        private Node node;
        private long deadline = Engine.NO_DEADLINE;
        private boolean closed;

        private Port(VirtualNetwork network, int id, InetSocketAddress address) {
            this.network = network;
            this.id = id;
            this.address = address;
        }

        /**
         * The address the node is attached at, which its datagrams come from.
         *
         * @return the address
         */
        public InetSocketAddress address() {
            return address;
        }

        /**
         * The network this port belongs to.
         *
         * @return the network
         */
        public VirtualNetwork network() {
            return network;
        }

        /**
         * Sends a datagram: the link's impairer decides its fate and it arrives, if at all, after
         * its delay. Like {@code DatagramChannel.send}, the bytes between position and limit are
         * sent and the position moves to the limit; the network keeps its own copy.
         *
         * @param to where to send it; with no node there, it is dropped on arrival
         * @param datagram the datagram, at most {@value Endpoint#MAX_DATAGRAM_PAYLOAD} bytes
         */
        public void send(InetSocketAddress to, ByteBuffer datagram) {
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(datagram, "datagram");
            checkState(!closed, "port %s is closed", address);
            checkArgument(!to.isUnresolved(), "destination must be resolved: %s", to);
            checkArgument(datagram.remaining() <= Endpoint.MAX_DATAGRAM_PAYLOAD, "datagram larger than %s bytes: %s",
                    Endpoint.MAX_DATAGRAM_PAYLOAD, datagram.remaining());
            network.send(this, to, datagram);
        }

        /**
         * Asks for the node's {@link Node#update update} at the current virtual time, e.g. after
         * the test called into the node while the network was not running.
         */
        public void wake() {
            if (!closed && deadline > network.now) {
                network.schedule(this, network.now);
            }
        }

        /**
         * Moves the node to another address, as a NAT rebinding does: its datagrams come from there
         * from now on, datagrams to there reach it, and datagrams to its old address (those in
         * flight too) go nowhere. The node is not told.
         *
         * @param newAddress a resolved address no other node is attached at
         */
        public void rebind(InetSocketAddress newAddress) {
            Objects.requireNonNull(newAddress, "newAddress");
            checkState(!closed, "port %s is closed", address);
            checkArgument(!newAddress.isUnresolved(), "address must be resolved: %s", newAddress);
            checkArgument(!network.ports.containsKey(newAddress), "a node is already attached at %s", newAddress);
            network.ports.remove(address, this);
            address = newAddress;
            network.ports.put(newAddress, this);
        }

        /**
         * Whether the node is still attached.
         *
         * @return false after {@link #close()}
         */
        public boolean isOpen() {
            return !closed;
        }

        /**
         * Detaches the node: it is called no more, and datagrams arriving for its address are dropped.
         * Idempotent.
         */
        public void close() {
            if (!closed) {
                closed = true;
                network.detach(this);
            }
        }

        /** Shows the address and whether the port is open. */
        @Override
        public String toString() {
            return "Port[" + address + (closed ? ", closed]" : "]");
        }
    }

    /**
     * Builds a {@link VirtualNetwork}; every setter checks its arguments at once.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private long seed;
        private long originNanos;
        private long maxEventsPerRun = DEFAULT_MAX_EVENTS_PER_RUN;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private Impairments defaultImpairments = Impairments.none();

        private Builder() {
        }

        /**
         * Sets the seed every random choice derives from.
         *
         * @param seed any value; a run replays from it
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the virtual time the network starts at.
         *
         * @param originNanos not negative; 0 by default
         * @return this builder
         */
        public Builder originNanos(long originNanos) {
            checkArgument(originNanos >= 0, "origin must not be negative: %s", originNanos);
            this.originNanos = originNanos;
            return this;
        }

        /**
         * Sets what links do unless told otherwise with {@link VirtualNetwork#impair}.
         *
         * @param impairments the default impairments; none by default
         * @return this builder
         */
        public Builder defaultImpairments(Impairments impairments) {
            this.defaultImpairments = Objects.requireNonNull(impairments, "impairments");
            return this;
        }

        /**
         * Sets the bound on events in one run call, past which the run fails as a livelock.
         *
         * @param maxEventsPerRun positive
         * @return this builder
         */
        public Builder maxEventsPerRun(long maxEventsPerRun) {
            checkArgument(maxEventsPerRun > 0, "maxEventsPerRun must be positive: %s", maxEventsPerRun);
            this.maxEventsPerRun = maxEventsPerRun;
            return this;
        }

        /**
         * Sets the bound on datagrams in flight; more are dropped and counted.
         *
         * @param maxInFlight positive
         * @return this builder
         */
        public Builder maxInFlight(int maxInFlight) {
            checkArgument(maxInFlight > 0, "maxInFlight must be positive: %s", maxInFlight);
            this.maxInFlight = maxInFlight;
            return this;
        }

        /**
         * Builds the network.
         *
         * @return a new network, at its origin, with no node
         */
        public VirtualNetwork build() {
            return new VirtualNetwork(this);
        }
    }
}
