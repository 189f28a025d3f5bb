package io.github.udpkit.core.dtls;

import io.github.udpkit.api.HandshakeException;
import io.github.udpkit.api.PeerIdentity;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Predicate;

/**
 * A network of {@link DtlsHost}s under virtual time, for tests: datagrams take a fixed one-way
 * delay, and a test decides which are lost, duplicated or changed. Everything runs on the test's
 * thread; a run is reproducible from its seed.
 */
final class DtlsTestNet {
    static final long MS = 1_000_000L;

    /** A datagram in flight, as a test's impairment sees it. */
    record Packet(InetSocketAddress from, InetSocketAddress to, byte[] bytes, int index) {}

    private record InFlight(long due, long order, Packet packet) {}

    final class Node implements DtlsHost.Output {
        final InetSocketAddress address;
        final DtlsHost host;
        final List<String> delivered = new ArrayList<>();
        final List<PeerIdentity> identities = new ArrayList<>();
        final List<HandshakeException> failures = new ArrayList<>();
        final List<InetSocketAddress> established = new ArrayList<>();

        Node(InetSocketAddress address, DtlsConfig config) {
            this.address = address;
            this.host = new DtlsHost(config, this, bytes -> random.nextBytes(bytes));
        }

        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            byte[] bytes = new byte[datagram.remaining()];
            datagram.duplicate().get(bytes);
            sent.add(new Packet(address, to, bytes, sent.size()));
            bytesSent.merge(address, (long) bytes.length, Long::sum);
            Packet packet = new Packet(address, to, bytes, sent.size() - 1);
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
            host.send(to, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), null, now);
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

    DtlsTestNet(long seed) {
        this.random = new Random(seed);
    }

    Node node(String ip, int port, DtlsConfig config) {
        InetSocketAddress address = new InetSocketAddress(ip, port);
        Node node = new Node(address, config);
        nodes.put(address, node);
        return node;
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
