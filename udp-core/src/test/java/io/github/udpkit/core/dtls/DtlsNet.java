package io.github.udpkit.core.dtls;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.HandshakeException;
import io.github.udpkit.api.PeerIdentity;
import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.protocol.EngineOutput;
import io.github.udpkit.core.simulation.VirtualNetwork;
import io.github.udpkit.core.transport.Impairments;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * DTLS endpoints on udpkit's one simulated network ({@link VirtualNetwork}, the network behind
 * udp-testkit's {@code SimulatedNetwork} and the engine tests' {@code EngineNet}), as the DTLS
 * tests use them. A node is either a RAW endpoint's {@link DtlsHost} or a framed endpoint's
 * protocol {@link Engine}, which owns its DTLS sessions through a {@link DtlsLayer}: the same tests
 * hold for both. Moving datagrams, time, the one-way delay, seeded loss and duplication, NAT
 * rebinding, forged datagrams and the test's drop rule are the network's; what is here is only the
 * nodes' bookkeeping (what each delivered, established and failed), the record of what was sent,
 * and the trace. Deterministic for a seed: the network's fates, the engines' seeds and the DTLS
 * cookie secrets derive from it (the JDK's handshakes draw their own randomness, which changes
 * bytes, not fates).
 */
final class DtlsNet {
    static final long MS = 1_000_000L;
    /** The one-way delay of every datagram, injected ones included. */
    static final Duration DELAY = Duration.ofMillis(5);
    /** Where the virtual clock starts, as it did on the DTLS tests' earlier network; their messages count from it. */
    private static final long ORIGIN = 1_000 * MS;

    /** What stands behind a node. */
    enum Kind {
        /** A RAW endpoint's address-keyed host: one record per message, nothing retransmitted. */
        HOST,
        /** A framed endpoint's engine, each session in its peer's connection; messages sent RELIABLE. */
        ENGINE
    }

    /** What the tests ask of a node's DTLS side, whichever kind it is. */
    interface Side {
        void connect(InetSocketAddress server, long now);

        void send(InetSocketAddress to, byte[] payload, long now);

        void receive(InetSocketAddress from, ByteBuffer datagram, long now);

        long update(long now);

        /** The host's session with a peer; only a {@link Kind#HOST} has them to show. */
        DtlsSession session(InetSocketAddress peer);

        int sessions();

        int handshaking();

        long cookiesSent();

        long handshakesStarted();

        long handshakesCompleted();

        long handshakesFailed();

        long refused();

        long unexpected();

        long retransmissions();

        long replaysDropped();

        long authFailures();
    }

    /**
     * A datagram a node sent, as a drop rule and the trace see it; {@code index} is its position
     * among all datagrams offered to the network, injected ones included.
     */
    record Packet(InetSocketAddress from, InetSocketAddress to, byte[] bytes, long index) {}

    final class Node implements VirtualNetwork.Node, DtlsHost.Output {
        /** The address it was attached at; its datagrams come from elsewhere after a {@link #rebind}. */
        final InetSocketAddress address;
        final Side host;
        final List<String> delivered = new ArrayList<>();
        final List<PeerIdentity> identities = new ArrayList<>();
        final List<HandshakeException> failures = new ArrayList<>();
        final List<InetSocketAddress> established = new ArrayList<>();
        private final VirtualNetwork.Port port;

        Node(VirtualNetwork.Port port, DtlsConfig config) {
            this.port = port;
            this.address = port.address();
            this.host = kind == Kind.HOST ? new HostSide(new DtlsHost(config, this, network.random()::nextBytes))
                    : new EngineSide(this, config);
        }

        @Override
        public void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            host.receive(from, datagram, nowNanos);
        }

        @Override
        public long update(long nowNanos) {
            return host.update(nowNanos);
        }

        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            if (!port.isOpen()) {
                return; // a removed node's last words go nowhere
            }
            byte[] bytes = new byte[datagram.remaining()];
            datagram.duplicate().get(bytes);
            InetSocketAddress from = port.address(); // what the network shows as the source
            sent.add(new Packet(from, to, bytes, network.sent() + network.injected()));
            bytesSent.merge(from, (long) bytes.length, Long::sum);
            port.send(to, ByteBuffer.wrap(bytes));
        }

        @Override
        public void deliver(InetSocketAddress from, ByteBuffer payload, PeerIdentity identity) {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            delivered.add(new String(bytes, StandardCharsets.UTF_8));
            identities.add(identity);
        }

        @Override
        public void established(InetSocketAddress peer, PeerIdentity identity) {
            established.add(peer);
        }

        @Override
        public void failed(HandshakeException failure) {
            failures.add(failure);
        }

        void send(InetSocketAddress to, String text) {
            host.send(to, text.getBytes(StandardCharsets.UTF_8), now());
        }
    }

    final long seed;
    final VirtualNetwork network;
    final Map<InetSocketAddress, Node> nodes = new LinkedHashMap<>();
    /** Every datagram the nodes sent, dropped ones included, in order; injected ones are not here. */
    final List<Packet> sent = new ArrayList<>();
    final Map<InetSocketAddress, Long> bytesSent = new HashMap<>();
    final Kind kind;

    DtlsNet(long seed) {
        this(seed, Kind.HOST);
    }

    DtlsNet(long seed, Kind kind) {
        this.seed = seed;
        this.kind = kind;
        this.network = VirtualNetwork.builder().seed(seed).originNanos(ORIGIN)
                .defaultImpairments(Impairments.builder().delay(DELAY).build()).build();
    }

    /** The current virtual time. */
    long now() {
        return network.nowNanos();
    }

    /** A RAW endpoint's host. */
    private record HostSide(DtlsHost host) implements Side {
        @Override
        public void connect(InetSocketAddress server, long now) {
            host.connect(server, now);
        }

        @Override
        public void send(InetSocketAddress to, byte[] payload, long now) {
            host.send(to, payload, null, now);
        }

        @Override
        public void receive(InetSocketAddress from, ByteBuffer datagram, long now) {
            host.receive(from, datagram, now);
        }

        @Override
        public long update(long now) {
            return host.update(now);
        }

        @Override
        public DtlsSession session(InetSocketAddress peer) {
            return host.session(peer);
        }

        @Override
        public int sessions() {
            return host.sessions();
        }

        @Override
        public int handshaking() {
            return host.handshaking();
        }

        @Override
        public long cookiesSent() {
            return host.cookiesSent();
        }

        @Override
        public long handshakesStarted() {
            return host.handshakesStarted();
        }

        @Override
        public long handshakesCompleted() {
            return host.handshakesCompleted();
        }

        @Override
        public long handshakesFailed() {
            return host.handshakesFailed();
        }

        @Override
        public long refused() {
            return host.refused();
        }

        @Override
        public long unexpected() {
            return host.unexpected();
        }

        @Override
        public long retransmissions() {
            return host.retransmissions();
        }

        @Override
        public long replaysDropped() {
            return host.replaysDropped();
        }

        @Override
        public long authFailures() {
            return host.authFailures();
        }
    }

    /**
     * A framed endpoint's engine over a {@link DtlsLayer}. An engine opens a conversation by
     * sending, so {@link #connect} sends an empty RELIABLE message, which the receiving node does
     * not count among its deliveries.
     */
    final class EngineSide implements Side, EngineOutput {
        final Node node;
        final DtlsLayer layer;
        final Engine engine;
        final List<String> disconnects = new ArrayList<>();
        /** The peer events in order: "connected PORT", "authenticated PORT". */
        final List<String> events = new ArrayList<>();
        final List<CompletableFuture<Void>> sends = new ArrayList<>();

        EngineSide(Node node, DtlsConfig config) {
            this.node = node;
            this.layer = new DtlsLayer(config, network.random()::nextBytes);
            EngineConfig engineConfig = EngineConfig.builder()
                    .maxDatagramSize(config.maxDatagramSize() - DtlsLayer.RECORD_OVERHEAD)
                    .protection(DtlsConfig.recordCarried()).seed(network.engineSeed(node.address)).build();
            this.engine = new Engine(engineConfig, this, now(), layer);
        }

        @Override
        public void connect(InetSocketAddress server, long now) {
            send(server, new byte[0], now);
        }

        @Override
        public void send(InetSocketAddress to, byte[] payload, long now) {
            CompletableFuture<Void> sent = new CompletableFuture<>();
            sends.add(sent);
            engine.send(to, DeliveryMode.RELIABLE, payload, sent, now);
        }

        @Override
        public void receive(InetSocketAddress from, ByteBuffer datagram, long now) {
            engine.receive(from, datagram, now);
        }

        @Override
        public long update(long now) {
            return engine.update(now);
        }

        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            node.transmit(to, datagram);
        }

        @Override
        public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
            if (payload.hasRemaining()) {
                node.deliver(from, payload, engine.identity(from));
            }
        }

        @Override
        public void peerAuthenticated(InetSocketAddress peer, PeerIdentity identity) {
            events.add("authenticated " + peer.getPort());
            node.established(peer, identity);
        }

        @Override
        public void peerConnected(InetSocketAddress peer) {
            events.add("connected " + peer.getPort());
        }

        @Override
        public void handshakeFailed(HandshakeException failure) {
            node.failed(failure);
        }

        @Override
        public void peerDisconnected(InetSocketAddress peer, DisconnectReason reason, String detail) {
            disconnects.add(peer.getPort() + " " + reason + ": " + detail);
        }

        @Override
        public DtlsSession session(InetSocketAddress peer) {
            throw new UnsupportedOperationException("an engine's sessions are its connections': ask the engine");
        }

        @Override
        public int sessions() {
            return layer.sessions();
        }

        @Override
        public int handshaking() {
            return layer.handshaking();
        }

        @Override
        public long cookiesSent() {
            return layer.cookiesSent();
        }

        @Override
        public long handshakesStarted() {
            return layer.handshakesStarted();
        }

        @Override
        public long handshakesCompleted() {
            return layer.handshakesCompleted();
        }

        @Override
        public long handshakesFailed() {
            return layer.handshakesFailed();
        }

        @Override
        public long refused() {
            return layer.refused();
        }

        @Override
        public long unexpected() {
            return layer.unexpected();
        }

        @Override
        public long retransmissions() {
            return layer.retransmissions();
        }

        @Override
        public long replaysDropped() {
            return layer.replaysDropped();
        }

        @Override
        public long authFailures() {
            return layer.authFailures();
        }
    }

    Node node(String ip, int port, DtlsConfig config) {
        Node node = network.attachNew(new InetSocketAddress(ip, port), p -> new Node(p, config));
        nodes.put(node.address, node);
        return node;
    }

    /** Detaches a node: it is called no more, and what is sent to its address goes nowhere. */
    void remove(Node node) {
        node.port.close();
        nodes.remove(node.address);
    }

    /**
     * Moves a node to a new public address, as a NAT rebinding does: what it sends comes from
     * there, and what is sent there reaches it. The NAT's old mapping lingers, as real ones do until
     * they expire, so what is sent to the old address still reaches the node too: a peer that keeps
     * answering the old address keeps the node's conversation with it alive.
     */
    void rebind(Node node, InetSocketAddress to) {
        InetSocketAddress old = node.port.address();
        node.port.rebind(to);
        network.attach(old, new VirtualNetwork.Node() {
            @Override
            public void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
                node.receive(from, datagram, nowNanos);
                node.port.wake(); // what arrived may have moved the node's deadline
            }

            @Override
            public long update(long nowNanos) {
                return Engine.NO_DEADLINE;
            }
        });
    }

    /**
     * Drops every datagram the predicate chooses, nodes' and injected ones alike, until the next
     * call; {@code p -> false} drops none.
     */
    void drop(Predicate<Packet> rule) {
        network.dropRule((index, from, to, datagram, nowNanos) -> {
            byte[] bytes = new byte[datagram.remaining()];
            datagram.get(bytes);
            return rule.test(new Packet(from, to, bytes, index));
        });
    }

    /** Sets what every link does, beyond the fixed {@link #DELAY}: seeded loss, duplication. */
    void impair(UnaryOperator<Impairments.Builder> impairments) {
        network.defaultImpairments(impairments.apply(Impairments.builder().delay(DELAY)).build());
    }

    /** Stops losing datagrams (the drop rule and the links' loss); duplication, if set, stays. */
    void heal() {
        network.dropRule(VirtualNetwork.DropRule.NONE);
        network.defaultImpairments(network.defaultImpairments().toBuilder().loss(0).burstLoss(0, 1).build());
    }

    /** Puts a datagram on the wire as if {@code from} had sent it: a spoofed or replayed one. */
    void inject(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
        network.inject(from, to, ByteBuffer.wrap(bytes));
    }

    /** Delivers datagrams and fires timers for a stretch of virtual time. */
    void runFor(long nanos) {
        network.advance(Duration.ofNanos(nanos));
    }

    /** Runs until the condition holds, or the time is up; returns whether it held. */
    boolean runUntil(BooleanSupplier done, long nanos) {
        return network.runUntil(done, Duration.ofNanos(nanos));
    }

    /** One line per datagram sent: who to whom, and each record's type, epoch and handshake message. */
    String trace() {
        StringBuilder b = new StringBuilder();
        for (Packet p : sent) {
            b.append(p.index()).append(' ').append(p.from().getPort()).append("->").append(p.to().getPort()).append(':');
            ByteBuffer d = ByteBuffer.wrap(p.bytes());
            for (int o = 0; o < d.limit(); ) {
                int len = DtlsRecords.recordLength(d, o);
                if (len < 0) {
                    b.append(" ?");
                    break;
                }
                b.append(" [t").append(DtlsRecords.type(d, o)).append(" e").append(DtlsRecords.epoch(d, o))
                        .append(" s").append(DtlsRecords.sequence(d, o));
                if (DtlsRecords.type(d, o) == DtlsRecords.HANDSHAKE && DtlsRecords.epoch(d, o) == 0) {
                    b.append(" hs").append(DtlsRecords.handshakeType(d, o, len)).append(" m").append(DtlsRecords.messageSeq(d, o));
                }
                b.append(" ").append(len).append("B]");
                o += len;
            }
            b.append('\n');
        }
        for (Node n : nodes.values()) {
            b.append(n.address).append(" sessions ").append(n.host.sessions()).append(" started ")
                    .append(n.host.handshakesStarted()).append(" failed ").append(n.host.handshakesFailed())
                    .append(" refused ").append(n.host.refused()).append(" unexpected ").append(n.host.unexpected())
                    .append(" cookies ").append(n.host.cookiesSent()).append('\n');
            for (var f : n.failures) {
                b.append(n.address).append(" failed: ").append(f.getMessage()).append('\n');
            }
        }
        b.append(network).append(", dropped by rule ").append(network.droppedByRule()).append('\n');
        return b.toString();
    }
}
