package io.github.udpkit.testkit;

import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.simulation.SimulationFailure;
import io.github.udpkit.core.simulation.VirtualNetwork;
import io.github.udpkit.core.transport.Impairer;
import io.github.udpkit.core.transport.Impairments;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A network of {@link SimNode nodes} under virtual time, for testing protocol code against loss,
 * duplication, reordering, jitter, corruption, MTU limits and blackouts without a socket, a thread
 * or a clock: an hour of lossy traffic runs in milliseconds and replays from its seed.
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
 * fails with a {@link SimulationException} (naming the seed) instead of hanging the test.
 *
 * <p>{@link #engine(InetSocketAddress, EngineConfig)} attaches udpkit's own protocol engine as a
 * {@link SimPeer}, which records what it delivers and lets a test send and await completions.
 *
 * <p>Not thread-safe: drive it, and the nodes it owns, from the test's thread.
 *
 * <p>A facade: the network itself is udp-core's, in a package exported to this module alone, so
 * that udp-core's own engine tests (which cannot depend on this module) run on the same one.
 *
 * <pre>{@code
 * SimulatedNetwork net = SimulatedNetwork.builder()
 *         .seed(seed)
 *         .defaultImpairments(Impairments.builder().loss(0.1).delay(Duration.ofMillis(20)).build())
 *         .build();
 * MyServer server = net.attachNew(net.nextAddress(), MyServer::new);   // new MyServer(Port)
 * MyClient client = net.attachNew(net.nextAddress(), port -> new MyClient(port, server.address()));
 * assertTrue(net.runUntil(() -> client.received() == 1000, Duration.ofMinutes(5)));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class SimulatedNetwork {

    /** The default bound on events (arrivals and node updates) in one run call. */
    public static final long DEFAULT_MAX_EVENTS_PER_RUN = VirtualNetwork.DEFAULT_MAX_EVENTS_PER_RUN;
    /** The default bound on datagrams in flight; more are dropped, as a full router queue would. */
    public static final int DEFAULT_MAX_IN_FLIGHT = VirtualNetwork.DEFAULT_MAX_IN_FLIGHT;
    /** The port of the addresses {@link #nextAddress()} hands out. */
    public static final int DEFAULT_PORT = VirtualNetwork.DEFAULT_PORT;

    private final VirtualNetwork network;

    private SimulatedNetwork(VirtualNetwork network) {
        this.network = network;
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
    public static SimulatedNetwork withSeed(long seed) {
        return builder().seed(seed).build();
    }

    /**
     * The seed every random choice of this network derives from; a run replays from it.
     *
     * @return the seed
     */
    public long seed() {
        return network.seed();
    }

    /**
     * The virtual time the network started at.
     *
     * @return nanoseconds
     */
    public long originNanos() {
        return network.originNanos();
    }

    /**
     * The current virtual time.
     *
     * @return nanoseconds, on the clock that started at {@link #originNanos()}
     */
    public long nowNanos() {
        return network.nowNanos();
    }

    /**
     * The virtual time elapsed since the origin.
     *
     * @return a duration
     */
    public Duration elapsed() {
        return network.elapsed();
    }

    /**
     * A random stream derived from the seed, for tests that need random payloads or choices that
     * replay with the run. Independent of the streams that decide datagram fates.
     *
     * @return the network's test random stream (the same object on every call)
     */
    public SplittableRandom random() {
        return network.random();
    }

    /**
     * Hands out a new address, {@code 127.0.0.2:40000}, {@code 127.0.0.3:40000} and so on.
     *
     * @return an address not handed out before by this network
     */
    public InetSocketAddress nextAddress() {
        return network.nextAddress();
    }

    /**
     * Attaches a node at an address. The node is updated at the start of the next run.
     *
     * @param address a resolved address no other node is attached at
     * @param node the node
     * @return the port the node sends through
     */
    public Port attach(InetSocketAddress address, SimNode node) {
        Objects.requireNonNull(node, "node");
        return new Port(this, network.attach(address, adapt(node)));
    }

    /**
     * Attaches a node made from its port, for nodes that need the port to send: the usual way.
     *
     * @param address a resolved address no other node is attached at
     * @param factory makes the node, given its port
     * @param <N> the node type
     * @return the node
     */
    public <N extends SimNode> N attachNew(InetSocketAddress address, Function<? super Port, N> factory) {
        Objects.requireNonNull(factory, "factory");
        Object[] made = new Object[1];
        network.attachNew(address, port -> {
            N node = Objects.requireNonNull(factory.apply(new Port(this, port)), "factory returned null");
            made[0] = node;
            return adapt(node);
        });
        @SuppressWarnings("unchecked") // what the factory returned, an N
        N node = (N) made[0];
        return node;
    }

    private static VirtualNetwork.Node adapt(SimNode node) {
        return new VirtualNetwork.Node() {
            @Override
            public void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
                node.receive(from, datagram, nowNanos);
            }

            @Override
            public long update(long nowNanos) {
                return node.update(nowNanos);
            }
        };
    }

    /**
     * Attaches udpkit's protocol engine at an address, with default settings.
     *
     * @param address a resolved address no other node is attached at
     * @return the peer wrapping the engine
     */
    public SimPeer engine(InetSocketAddress address) {
        return engine(address, EngineConfig.defaults());
    }

    /**
     * Attaches udpkit's protocol engine at an address. A configuration without a
     * {@link EngineConfig#seed() seed} gets one derived from the network's seed and the address, so
     * that the engine's random choices (its session ids) replay with the run too.
     *
     * @param address a resolved address no other node is attached at
     * @param config the engine's settings
     * @return the peer wrapping the engine
     */
    public SimPeer engine(InetSocketAddress address, EngineConfig config) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(config, "config");
        EngineConfig seeded = config.seed().isPresent() ? config
                : config.toBuilder().seed(network.engineSeed(address)).build();
        return attachNew(address, port -> new SimPeer(port, seeded, SimPeer.DEFAULT_MAX_RECORDED));
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
        network.impair(from, to, impairments);
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
        network.impairBoth(a, b, impairments);
    }

    /**
     * Replaces the impairments of every direction not set by {@link #impair}, e.g. to heal a lossy
     * network and let the nodes converge.
     *
     * @param impairments what links do by default
     */
    public void defaultImpairments(Impairments impairments) {
        network.defaultImpairments(impairments);
    }

    /**
     * What links do unless {@link #impair} said otherwise.
     *
     * @return the default impairments
     */
    public Impairments defaultImpairments() {
        return network.defaultImpairments();
    }

    /**
     * Puts a bottleneck in every direction, as at a congested router: datagrams leave it one after
     * another at {@code bytesPerSecond}, wait in a first-in first-out queue of {@code queue}
     * datagrams while it is busy, and are dropped when that is full (drop-tail). The impairments
     * apply after it.
     *
     * @param bytesPerSecond the rate, 0 for no bottleneck
     * @param queue how many datagrams wait behind the one being sent, not negative
     */
    public void bottleneck(long bytesPerSecond, int queue) {
        network.bottleneck(bytesPerSecond, queue);
    }

    /**
     * The datagrams the bottleneck dropped because its queue was full.
     *
     * @return a count
     */
    public long bottleneckDropped() {
        return network.bottleneckDropped();
    }

    /**
     * A test's choice of which datagrams the network drops, asked about every datagram a node sends
     * or a test injects, before the bottleneck and the links' impairments: the datagram at one
     * position of a handshake, everything towards one address, loss in bursts of virtual time.
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
         *     nodes and injected alike), from 0
         * @param from the address it comes from
         * @param to the address it goes to
         * @param datagram a read-only view of its bytes, between position and limit
         * @param nowNanos the virtual time it is sent at
         * @return true to drop it
         */
        boolean drop(long index, InetSocketAddress from, InetSocketAddress to, ByteBuffer datagram, long nowNanos);
    }

    /**
     * Sets the rule that drops datagrams before anything else sees them, replacing the one before;
     * {@link DropRule#NONE} removes it. Its drops are counted in {@link #droppedByRule()}, not in
     * {@link #counters()}.
     *
     * @param rule the rule
     */
    public void dropRule(DropRule rule) {
        Objects.requireNonNull(rule, "rule");
        network.dropRule(rule == DropRule.NONE ? VirtualNetwork.DropRule.NONE : rule::drop);
    }

    /**
     * The datagrams the {@link #dropRule(DropRule) drop rule} dropped so far.
     *
     * @return a count
     */
    public long droppedByRule() {
        return network.droppedByRule();
    }

    /**
     * Sends a datagram as if from any address, attached or not: an attacker's copy, a forgery. It
     * takes the same way as a node's datagram from that address.
     *
     * @param from the address it claims to come from
     * @param to where it goes
     * @param datagram the bytes between position and limit, which the network copies
     */
    public void inject(InetSocketAddress from, InetSocketAddress to, ByteBuffer datagram) {
        network.inject(from, to, datagram);
    }

    /**
     * What the impairers of all links did so far, summed.
     *
     * @return the counters
     */
    public Impairer.Counters counters() {
        return network.counters();
    }

    /**
     * What the impairer of the direction {@code from -> to} did since its impairments were last set.
     *
     * @param from the sending address
     * @param to the receiving address
     * @return the counters, zero when nothing was sent that way
     */
    public Impairer.Counters counters(InetSocketAddress from, InetSocketAddress to) {
        return network.counters(from, to);
    }

    /**
     * Runs until {@code condition} holds or {@code virtualLimit} of virtual time has passed. The
     * condition is checked before each event; it should be cheap.
     *
     * @param condition what to wait for
     * @param virtualLimit how much virtual time may pass, not negative
     * @return true when the condition held; false when the limit was reached first, in which case
     *     the virtual time is now the limit
     * @throws SimulationException if a node failed or the run exceeded its bound on events
     */
    public boolean runUntil(BooleanSupplier condition, Duration virtualLimit) {
        return run(() -> network.runUntil(condition, virtualLimit));
    }

    /**
     * Runs every event due within {@code duration} and leaves the virtual time {@code duration}
     * later.
     *
     * @param duration how much virtual time passes, not negative
     * @throws SimulationException if a node failed or the run exceeded its bound on events
     */
    public void advance(Duration duration) {
        run(() -> {
            network.advance(duration);
            return true;
        });
    }

    /**
     * Runs until no datagram is in flight and no node has a deadline, or {@code virtualLimit} of
     * virtual time has passed. Nodes with periodic timers (keep-alives) are never idle.
     *
     * @param virtualLimit how much virtual time may pass, not negative
     * @return true when the network went idle (the virtual time is then that of the last event);
     *     false when the limit was reached first
     * @throws SimulationException if a node failed or the run exceeded its bound on events
     */
    public boolean runUntilIdle(Duration virtualLimit) {
        return run(() -> network.runUntilIdle(virtualLimit));
    }

    /** Runs, and says a failed run in this module's exception, with the hint to replay it. */
    private static boolean run(Supplier<Boolean> run) {
        try {
            return run.get();
        } catch (SimulationFailure e) {
            throw new SimulationException(e.problem(), e.seed(), e.virtualTimeNanos(),
                    e.getCause());
        }
    }

    /**
     * The events (arrivals and node updates) processed so far, over all runs.
     *
     * @return a count
     */
    public long events() {
        return network.events();
    }

    /**
     * The datagrams nodes sent so far.
     *
     * @return a count
     */
    public long sent() {
        return network.sent();
    }

    /**
     * The datagrams handed to nodes so far, duplicates included.
     *
     * @return a count
     */
    public long delivered() {
        return network.delivered();
    }

    /**
     * The datagrams that arrived at an address with no node attached, and were dropped.
     *
     * @return a count
     */
    public long undeliverable() {
        return network.undeliverable();
    }

    /**
     * The datagrams dropped because the bound on datagrams in flight was reached.
     *
     * @return a count
     */
    public long overflowDropped() {
        return network.overflowDropped();
    }

    /**
     * The datagrams in flight now.
     *
     * @return a count
     */
    public int inFlight() {
        return network.inFlight();
    }

    /**
     * The addresses nodes are attached at, in the order they were attached.
     *
     * @return a snapshot
     */
    public List<InetSocketAddress> addresses() {
        return network.addresses();
    }

    /** Shows the seed, the virtual time and the traffic so far. */
    @Override
    public String toString() {
        return network.toString().replaceFirst("^VirtualNetwork", "SimulatedNetwork");
    }

    /**
     * A node's handle on the network: its address, and the way it sends.
     *
     * @since 0.1.0
     */
    public static final class Port {
        private final SimulatedNetwork network;
        private final VirtualNetwork.Port port;

        private Port(SimulatedNetwork network, VirtualNetwork.Port port) {
            this.network = network;
            this.port = port;
        }

        /**
         * The address the node is attached at, which its datagrams come from.
         *
         * @return the address
         */
        public InetSocketAddress address() {
            return port.address();
        }

        /**
         * The network this port belongs to.
         *
         * @return the network
         */
        public SimulatedNetwork network() {
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
            port.send(to, datagram);
        }

        /**
         * Asks for the node's {@link SimNode#update update} at the current virtual time, e.g. after
         * the test called into the node while the network was not running.
         */
        public void wake() {
            port.wake();
        }

        /**
         * Moves the node to another address, as a NAT rebinding does: its datagrams come from there
         * from now on, datagrams to there reach it, and datagrams to its old address go nowhere.
         *
         * @param newAddress a resolved address no other node is attached at
         */
        public void rebind(InetSocketAddress newAddress) {
            port.rebind(newAddress);
        }

        /**
         * Whether the node is still attached.
         *
         * @return false after {@link #close()}
         */
        public boolean isOpen() {
            return port.isOpen();
        }

        /**
         * Detaches the node: it is called no more, and datagrams arriving for its address are dropped.
         * Idempotent.
         */
        public void close() {
            port.close();
        }

        /** Shows the address and whether the port is open. */
        @Override
        public String toString() {
            return port.toString();
        }
    }

    /**
     * Builds a {@link SimulatedNetwork}; every setter checks its arguments at once.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final VirtualNetwork.Builder builder = VirtualNetwork.builder();

        private Builder() {
        }

        /**
         * Sets the seed every random choice derives from.
         *
         * @param seed any value; take it from {@link SimulationSeedExtension} so failures replay
         * @return this builder
         */
        public Builder seed(long seed) {
            builder.seed(seed);
            return this;
        }

        /**
         * Sets the virtual time the network starts at.
         *
         * @param originNanos not negative; 0 by default
         * @return this builder
         */
        public Builder originNanos(long originNanos) {
            builder.originNanos(originNanos);
            return this;
        }

        /**
         * Sets what links do unless told otherwise with {@link SimulatedNetwork#impair}.
         *
         * @param impairments the default impairments; none by default
         * @return this builder
         */
        public Builder defaultImpairments(Impairments impairments) {
            builder.defaultImpairments(impairments);
            return this;
        }

        /**
         * Sets the bound on events in one run call, past which the run fails as a livelock.
         *
         * @param maxEventsPerRun positive
         * @return this builder
         */
        public Builder maxEventsPerRun(long maxEventsPerRun) {
            builder.maxEventsPerRun(maxEventsPerRun);
            return this;
        }

        /**
         * Sets the bound on datagrams in flight; more are dropped and counted.
         *
         * @param maxInFlight positive
         * @return this builder
         */
        public Builder maxInFlight(int maxInFlight) {
            builder.maxInFlight(maxInFlight);
            return this;
        }

        /**
         * Builds the network.
         *
         * @return a new network, at its origin, with no node
         */
        public SimulatedNetwork build() {
            return new SimulatedNetwork(builder.build());
        }
    }
}
