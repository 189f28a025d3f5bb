package io.github.udpkit.core.protocol;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.core.simulation.VirtualNetwork;
import io.github.udpkit.core.transport.Impairments;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Protocol engines on udpkit's one simulated network ({@link VirtualNetwork}, the network behind
 * udp-testkit's {@code SimulatedNetwork}), as the engine tests use them: each {@link Node} records
 * what its engine delivered and reported, and the network's impairments are set through a few
 * fields (read at the start of every run) rather than built per test. Moving datagrams, time,
 * impairments, bottlenecks, NAT rebinding, forged datagrams and drop rules are the network's; what is
 * here is only the engines' bookkeeping and the trace. Deterministic for a seed, which every
 * failure message names.
 */
final class EngineNet {
    static final long MS = 1_000_000L;

    final long seed;
    final VirtualNetwork network;
    /** The probability each datagram is lost, per direction. */
    double loss;
    /** The probability each datagram arrives twice. */
    double duplicate;
    /** The one-way delay of every datagram. */
    long latency = MS;
    /** Up to this much more delay, drawn per datagram, which reorders. */
    long jitter;
    /** Drops every datagram it returns true for (blackouts, partitions): the network's drop rule. */
    DropRule dropRule = (from, to, bytes) -> false;
    /** The network's bottleneck in each direction, 0 for none (see {@link VirtualNetwork#bottleneck}). */
    long bottleneckBytesPerSecond;
    /** How many datagrams wait in the bottleneck behind the one being sent. */
    int bottleneckQueue = 1;
    /** The largest datagram the path carries, 0 for any: larger ones are dropped (a path MTU). */
    int pathMtu;
    /** Records every datagram sent and every message and peer event delivered, when set. */
    EngineTrace trace;
    private long datagramsMoved;
    // Nodes at 127.0.0.1:40000, :40001 and so on, where the engine tests always had them: the
    // addresses are in every traced datagram, so EngineTraceTest's digests depend on them.
    private int nextPort = 40_000;

    EngineNet(long seed) {
        this.seed = seed;
        this.network = VirtualNetwork.withSeed(seed);
        // The network asks the rule of the moment about every datagram, a node's or an injected one.
        network.dropRule((index, from, to, datagram, nowNanos) -> {
            byte[] bytes = new byte[datagram.remaining()];
            datagram.get(bytes);
            return dropRule.drop(from, to, bytes);
        });
    }

    interface DropRule {
        boolean drop(InetSocketAddress from, InetSocketAddress to, byte[] datagram);
    }

    static EngineConfig.Builder config(long seed) {
        return EngineConfig.builder().seed(seed);
    }

    /** The current virtual time. */
    long now() {
        return network.nowNanos();
    }

    Node node(EngineConfig config) {
        return network.attachNew(freeAddress(), port -> new Node(port, config));
    }

    /** Replaces the engine at a node's address with a fresh one: a process restart. */
    void restart(Node node, EngineConfig config) {
        node.engine = new Engine(config, node, now());
        node.port.wake();
    }

    void remove(Node node) {
        node.port.close();
    }

    /**
     * Puts a node behind a NAT that (re)binds it to {@code outsideAddress}: its datagrams appear
     * from there, datagrams to there reach it, and datagrams to where it was before go nowhere.
     * The node's engine is not told, as with a real NAT rebinding.
     */
    void rebind(Node node, InetSocketAddress outsideAddress) {
        node.port.rebind(outsideAddress);
    }

    /** Sends a datagram as if from any address (an attacker's copy, a forgery), through the same impairments. */
    void inject(InetSocketAddress from, InetSocketAddress to, byte[] datagram) {
        applyImpairments();
        datagramsMoved++;
        network.inject(from, to, ByteBuffer.wrap(datagram.clone()));
    }

    /** A fresh address no node has. */
    InetSocketAddress freeAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), nextPort++);
    }

    /** Runs until the condition holds (true) or the virtual time limit passes (false). */
    boolean runUntil(BooleanSupplier done, long maxVirtualNanos) {
        applyImpairments();
        return network.runUntil(done, Duration.ofNanos(maxVirtualNanos));
    }

    /** Runs for a stretch of virtual time. */
    void runFor(long virtualNanos) {
        applyImpairments();
        network.advance(Duration.ofNanos(virtualNanos));
    }

    /** The datagrams the path dropped as larger than {@link #pathMtu}. */
    long tooBigDrops() {
        return network.counters().droppedByMtu();
    }

    /** The datagrams the bottleneck dropped, its queue full. */
    long bottleneckDrops() {
        return network.bottleneckDropped();
    }

    /** The datagrams that went through the bottleneck. */
    long bottleneckPassed() {
        return network.bottleneckPassed();
    }

    /** The datagrams engines sent and tests injected, dropped ones included. */
    long datagramsMoved() {
        return datagramsMoved;
    }

    String describe() {
        return "seed=" + seed + " loss=" + loss + " duplicate=" + duplicate + " jitter=" + jitter / MS + "ms";
    }

    /** Makes the network's impairments what the fields say, if they changed since the last run. */
    private void applyImpairments() {
        Impairments.Builder b = Impairments.builder().loss(loss).duplicate(duplicate)
                .delay(Duration.ofNanos(latency)).jitter(Duration.ofNanos(jitter));
        if (pathMtu > 0) {
            b.mtu(pathMtu);
        }
        Impairments wanted = b.build();
        if (!wanted.equals(network.defaultImpairments())) {
            network.defaultImpairments(wanted);
        }
        network.bottleneck(bottleneckBytesPerSecond, bottleneckQueue);
    }

    /** One endpoint: its engine and what it delivered and reported. */
    final class Node implements VirtualNetwork.Node, EngineOutput {
        /** The address it was attached at; its datagrams come from elsewhere after a {@link #rebind}. */
        final InetSocketAddress address;
        private final VirtualNetwork.Port port;
        Engine engine;
        final List<Delivery> delivered = new ArrayList<>();
        final List<InetSocketAddress> connected = new ArrayList<>();
        final List<DisconnectReason> disconnects = new ArrayList<>();
        final List<InetSocketAddress> disconnected = new ArrayList<>();

        Node(VirtualNetwork.Port port, EngineConfig config) {
            this.port = port;
            this.address = port.address();
            this.engine = new Engine(config, this, now());
        }

        @Override
        public void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            if (!engine.isClosed()) {
                engine.receive(from, datagram, nowNanos);
            }
        }

        @Override
        public long update(long nowNanos) {
            return engine.isClosed() ? Engine.NO_DEADLINE : engine.update(nowNanos);
        }

        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            byte[] bytes = new byte[datagram.remaining()];
            datagram.get(bytes);
            if (trace != null) {
                trace.transmitted(now(), address, to, bytes);
            }
            datagramsMoved++;
            if (port.isOpen()) {
                port.send(to, ByteBuffer.wrap(bytes));
            }
        }

        @Override
        public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
            deliver(from, 0, mode, payload, nowNanos);
        }

        @Override
        public void deliver(InetSocketAddress from, int channel, DeliveryMode mode, ByteBuffer payload,
                long nowNanos) {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            delivered.add(new Delivery(from, channel, mode, bytes, nowNanos));
            if (trace != null) {
                trace.delivered(nowNanos, address, from, channel, mode, bytes);
            }
        }

        @Override
        public void peerConnected(InetSocketAddress peer) {
            connected.add(peer);
            if (trace != null) {
                trace.event(now(), address, peer, "connected");
            }
        }

        @Override
        public void peerDisconnected(InetSocketAddress peer, DisconnectReason reason) {
            if (trace != null) {
                trace.event(now(), address, peer, reason.name());
            }
            disconnected.add(peer);
            disconnects.add(reason);
        }
    }

    record Delivery(InetSocketAddress from, int channel, DeliveryMode mode, byte[] bytes, long at) {
        int number() {
            return ByteBuffer.wrap(bytes).getInt();
        }
    }

    /** A message of {@code size} bytes (at least 4) that starts with its number; the rest is derived from it. */
    static byte[] numbered(int number, int size) {
        byte[] b = new byte[Math.max(4, size)];
        ByteBuffer.wrap(b).putInt(number);
        for (int i = 4; i < b.length; i++) {
            b[i] = (byte) (number * 31 + i);
        }
        return b;
    }
}
