package io.github.udpkit.core.protocol;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * A tiny in-test network: engines wired back to back, datagrams moved between them in virtual
 * time with seeded loss, duplication and jitter (which reorders), time advanced straight to the
 * next deadline or arrival. Deterministic for a seed, which every failure message names.
 */
final class TestNet {
    static final long MS = 1_000_000L;

    final long seed;
    final Random random;
    long now;
    double loss;
    double duplicate;
    long latency = MS;
    long jitter;
    /** Drops every datagram it returns true for (blackouts, partitions). */
    DropRule dropRule = (from, to, bytes) -> false;
    /**
     * A bottleneck in each direction, 0 for none: datagrams leave it one after another at this
     * many bytes per second, wait in a FIFO of {@link #bottleneckQueue} datagrams while it is
     * busy, and are dropped when that is full (drop-tail), as at a congested router.
     */
    long bottleneckBytesPerSecond;
    int bottleneckQueue = 1;
    /** The largest datagram the path carries, 0 for any: larger ones are dropped (a path MTU). */
    int pathMtu;
    long tooBigDrops;
    long bottleneckDrops;
    long bottleneckPassed;
    private final Map<List<InetSocketAddress>, ArrayDeque<Long>> bottlenecks = new HashMap<>();
    long datagramsMoved;
    private long order;
    private final PriorityQueue<Flight> flights = new PriorityQueue<>();
    private final Map<InetSocketAddress, Node> nodes = new HashMap<>();
    private int nextPort = 40_000;
    /** Records every datagram sent and every message and peer event delivered, when set. */
    EngineTrace trace;
    /** NAT mappings: a node's own address to the address its datagrams appear from. */
    private final Map<InetSocketAddress, InetSocketAddress> outside = new HashMap<>();
    /** The reverse: an outside address to the node behind it. */
    private final Map<InetSocketAddress, InetSocketAddress> inside = new HashMap<>();

    TestNet(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    interface DropRule {
        boolean drop(InetSocketAddress from, InetSocketAddress to, byte[] datagram);
    }

    static EngineConfig.Builder config(long seed) {
        return EngineConfig.builder().seed(seed);
    }

    Node node(EngineConfig config) {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), nextPort++);
        Node node = new Node(address);
        node.engine = new Engine(config, node, now);
        nodes.put(address, node);
        return node;
    }

    /** Replaces the engine at a node's address with a fresh one: a process restart. */
    void restart(Node node, EngineConfig config) {
        node.engine = new Engine(config, node, now);
    }

    void remove(Node node) {
        nodes.remove(node.address);
    }

    /**
     * Puts a node behind a NAT that (re)binds it to {@code outsideAddress}: its datagrams appear
     * from there, datagrams to there reach it, and datagrams to the outside address it had
     * before go nowhere. The node's engine is not told, as with a real NAT rebinding.
     */
    void rebind(Node node, InetSocketAddress outsideAddress) {
        InetSocketAddress before = outside.put(node.address, outsideAddress);
        if (before != null) {
            inside.remove(before);
        }
        inside.put(outsideAddress, node.address);
    }

    /** Sends a datagram as if from any address (an attacker's copy, a forgery), through the same impairments. */
    void inject(InetSocketAddress from, InetSocketAddress to, byte[] datagram) {
        transmitRaw(from, to, datagram.clone());
    }

    /** A fresh address no node has. */
    InetSocketAddress freeAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), nextPort++);
    }

    /** Runs until the condition holds (true) or the virtual time limit passes (false). */
    boolean runUntil(BooleanSupplier done, long maxVirtualNanos) {
        long limit = now + maxVirtualNanos;
        while (true) {
            long next = Long.MAX_VALUE;
            for (Node n : new ArrayList<>(nodes.values())) {
                if (!n.engine.isClosed()) {
                    next = Math.min(next, n.engine.update(now));
                }
            }
            if (done.getAsBoolean()) {
                return true;
            }
            Flight f = flights.peek();
            if (f != null) {
                next = Math.min(next, f.at);
            }
            if (next == Long.MAX_VALUE || next > limit) {
                now = limit;
                return done.getAsBoolean();
            }
            now = Math.max(now, next);
            while (!flights.isEmpty() && flights.peek().at <= now) {
                Flight g = flights.poll();
                InetSocketAddress behind = inside.get(g.to);
                if (behind == null && outside.containsKey(g.to)) {
                    continue; // the node's old outside address: the NAT forgot that mapping
                }
                Node to = nodes.get(behind != null ? behind : g.to);
                if (to != null && !to.engine.isClosed()) {
                    to.engine.receive(g.from, ByteBuffer.wrap(g.bytes), now);
                }
            }
        }
    }

    /** Runs for a stretch of virtual time. */
    void runFor(long virtualNanos) {
        runUntil(() -> false, virtualNanos);
    }

    String describe() {
        return "seed=" + seed + " loss=" + loss + " duplicate=" + duplicate + " jitter=" + jitter / MS + "ms";
    }

    private void transmit(InetSocketAddress from, InetSocketAddress to, ByteBuffer datagram) {
        byte[] bytes = new byte[datagram.remaining()];
        datagram.get(bytes);
        if (trace != null) {
            trace.transmitted(now, from, to, bytes);
        }
        transmitRaw(outside.getOrDefault(from, from), to, bytes);
    }

    private void transmitRaw(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
        datagramsMoved++;
        if (pathMtu > 0 && bytes.length > pathMtu) {
            tooBigDrops++;
            return;
        }
        if (dropRule.drop(from, to, bytes) || random.nextDouble() < loss) {
            return;
        }
        long departure = now;
        if (bottleneckBytesPerSecond > 0) {
            // The departure times of the datagrams in the bottleneck, the one being sent first.
            ArrayDeque<Long> queue = bottlenecks.computeIfAbsent(List.of(from, to), k -> new ArrayDeque<>());
            while (!queue.isEmpty() && queue.peekFirst() <= now) {
                queue.removeFirst();
            }
            if (queue.size() > bottleneckQueue) { // one being sent, bottleneckQueue waiting
                bottleneckDrops++;
                return;
            }
            long start = queue.isEmpty() ? now : queue.peekLast();
            departure = start + bytes.length * 1_000_000_000L / bottleneckBytesPerSecond;
            queue.addLast(departure);
            bottleneckPassed++;
        }
        schedule(departure, from, to, bytes);
        if (random.nextDouble() < duplicate) {
            schedule(departure, from, to, bytes.clone());
        }
    }

    private void schedule(long departure, InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
        long delay = latency + (jitter > 0 ? (long) (random.nextDouble() * jitter) : 0);
        flights.add(new Flight(departure + delay, order++, from, to, bytes));
    }

    private static final class Flight implements Comparable<Flight> {
        final long at;
        final long order;
        final InetSocketAddress from;
        final InetSocketAddress to;
        final byte[] bytes;

        Flight(long at, long order, InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
            this.at = at;
            this.order = order;
            this.from = from;
            this.to = to;
            this.bytes = bytes;
        }

        @Override
        public int compareTo(Flight o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    /** One endpoint: its engine and what it delivered and reported. */
    final class Node implements EngineOutput {
        final InetSocketAddress address;
        Engine engine;
        final List<Delivery> delivered = new ArrayList<>();
        final List<InetSocketAddress> connected = new ArrayList<>();
        final List<DisconnectReason> disconnects = new ArrayList<>();
        final List<InetSocketAddress> disconnected = new ArrayList<>();

        Node(InetSocketAddress address) {
            this.address = address;
        }

        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            TestNet.this.transmit(address, to, datagram);
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
                trace.event(now, address, peer, "connected");
            }
        }

        @Override
        public void peerDisconnected(InetSocketAddress peer, DisconnectReason reason) {
            if (trace != null) {
                trace.event(now, address, peer, reason.name());
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
