package io.github.udpkit.core.dtls;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.HandshakeException;
import io.github.udpkit.api.PeerIdentity;
import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.protocol.EngineOutput;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A network of DTLS endpoints under virtual time, for tests: datagrams take a fixed one-way
 * delay, and a test decides which are lost, duplicated or changed. Everything runs on the test's
 * thread; a run is reproducible from its seed. A node is either a RAW endpoint's {@link DtlsHost}
 * or a framed endpoint's protocol {@link Engine}, which owns its DTLS sessions through a
 * {@link DtlsLayer}: the same tests hold for both.
 */
final class DtlsTestNet {
    static final long MS = 1_000_000L;

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

    /** A datagram in flight, as a test's impairment sees it. */
    record Packet(InetSocketAddress from, InetSocketAddress to, byte[] bytes, int index) {}

    private record InFlight(long due, long order, Packet packet) {}

    final class Node implements DtlsHost.Output {
        final InetSocketAddress address;
        final Side host;
        final List<String> delivered = new ArrayList<>();
        final List<PeerIdentity> identities = new ArrayList<>();
        final List<HandshakeException> failures = new ArrayList<>();
        final List<InetSocketAddress> established = new ArrayList<>();

        Node(InetSocketAddress address, DtlsConfig config) {
            this.address = address;
            this.host = kind == Kind.HOST ? new HostSide(new DtlsHost(config, this, bytes -> random.nextBytes(bytes)))
                    : new EngineSide(this, config);
        }

        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            byte[] bytes = new byte[datagram.remaining()];
            datagram.duplicate().get(bytes);
            InetSocketAddress from = nat.getOrDefault(address, address); // what the network shows as the source
            sent.add(new Packet(from, to, bytes, sent.size()));
            bytesSent.merge(address, (long) bytes.length, Long::sum);
            Packet packet = new Packet(from, to, bytes, sent.size() - 1);
            if (drop.test(packet)) {
                return;
            }
            int copies = duplicate.test(packet) ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                queue.add(new InFlight(now + delay, order++, packet));
            }
        }

        @Override
        public void deliver(InetSocketAddress from, ByteBuffer payload, PeerIdentity identity) {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            delivered.add(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
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
            host.send(to, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), now);
        }
    }

    final Random random;
    final Map<InetSocketAddress, Node> nodes = new HashMap<>();
    final List<Packet> sent = new ArrayList<>();
    final Map<InetSocketAddress, Long> bytesSent = new HashMap<>();
    private final PriorityQueue<InFlight> queue = new PriorityQueue<>(
            (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));
    private long order;
    long now = 1_000 * MS;
    long delay = 5 * MS;
    Predicate<Packet> drop = p -> false;
    Predicate<Packet> duplicate = p -> false;
    /** Source addresses rewritten on the way, as a NAT that rebinds a node to a new port does. */
    final Map<InetSocketAddress, InetSocketAddress> nat = new HashMap<>();

    final Kind kind;

    DtlsTestNet(long seed) {
        this(seed, Kind.HOST);
    }

    DtlsTestNet(long seed, Kind kind) {
        this.random = new Random(seed);
        this.kind = kind;
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
            this.layer = new DtlsLayer(config, bytes -> random.nextBytes(bytes));
            EngineConfig engineConfig = EngineConfig.builder()
                    .maxDatagramSize(config.maxDatagramSize() - DtlsLayer.RECORD_OVERHEAD)
                    .protection(DtlsConfig.recordCarried()).seed(random.nextLong()).build();
            this.engine = new Engine(engineConfig, this, now, layer);
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
        InetSocketAddress address = new InetSocketAddress(ip, port);
        Node node = new Node(address, config);
        nodes.put(address, node);
        return node;
    }

    /**
     * Moves a node to a new public address, as a NAT rebinding does: what it sends comes from
     * there, and what is sent there reaches it.
     */
    void rebind(Node node, InetSocketAddress to) {
        nat.put(node.address, to);
        nodes.put(to, node);
    }

    /** Puts a datagram on the wire as if {@code from} had sent it: a spoofed or replayed one. */
    void inject(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
        queue.add(new InFlight(now + delay, order++, new Packet(from, to, bytes.clone(), -1)));
    }

    /** Delivers datagrams and fires timers until nothing is left to do or the time is up. */
    void runFor(long nanos) {
        long end = now + nanos;
        while (true) {
            long next = Long.MAX_VALUE;
            for (Node node : nodes.values()) {
                next = Math.min(next, node.host.update(now));
            }
            InFlight head = queue.peek();
            long due = Math.min(next, head == null ? Long.MAX_VALUE : head.due);
            if (due == Long.MAX_VALUE || due > end) {
                now = end;
                return;
            }
            now = Math.max(now, due);
            for (InFlight f; (f = queue.peek()) != null && f.due <= now; ) {
                queue.poll();
                Node target = nodes.get(f.packet.to());
                if (target != null) {
                    target.host.receive(f.packet.from(), ByteBuffer.wrap(f.packet.bytes().clone()), now);
                }
            }
        }
    }

    /** One line per datagram sent: who to whom, and each record's type, epoch and handshake message. */
    String trace() {
        StringBuilder b = new StringBuilder();
        for (Packet p : sent) {
            b.append(p.index()).append(' ').append(p.from().getPort()).append("->").append(p.to().getPort()).append(':');
            java.nio.ByteBuffer d = java.nio.ByteBuffer.wrap(p.bytes());
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
        return b.toString();
    }

    /** Runs until the predicate holds, or the time is up; returns whether it held. */
    boolean runUntil(java.util.function.BooleanSupplier done, long nanos) {
        long end = now + nanos;
        while (!done.getAsBoolean() && now < end) {
            runFor(Math.min(10 * MS, end - now));
        }
        return done.getAsBoolean();
    }
}
