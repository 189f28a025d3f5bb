package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineNet.Node;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Path MTU discovery (RFC 8899) in virtual time, on a path that drops every datagram larger than
 * its MTU: the engine finds the size, packs to it, survives the size falling mid-stream, and
 * never takes a lost probe for congestion.
 */
@Timeout(60)
class PathMtuDiscoveryTest {
    private static final long SECOND = 1000 * MS;

    private static EngineConfig config(long seed) {
        return EngineNet.config(seed).pathMtuDiscovery(true).maxDatagramSize(Endpoint.MAX_DATAGRAM_PAYLOAD).build();
    }

    /** A network of 5 ms each way whose path drops datagrams larger than {@code mtu}. */
    private static EngineNet path(long seed, int mtu) {
        EngineNet net = new EngineNet(seed);
        net.latency = 5 * MS;
        net.pathMtu = mtu;
        return net;
    }

    private static CompletableFuture<Void> send(EngineNet net, Node from, Node to, int number, int size) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        from.engine.send(to.address, DeliveryMode.RELIABLE, numbered(number, size), f, net.now());
        return f;
    }

    /** A search from 1,200 to 65,507 is a binary search of 16 steps; each failed size costs three probes. */
    private static final int MAX_PROBES = 16 * PathMtu.MAX_PROBES;

    @ParameterizedTest
    @ValueSource(ints = {1472, 8972, 65_000})
    void convergesToThePathsSize(int mtu) {
        EngineNet net = path(mtu, mtu);
        Node a = net.node(config(1));
        Node b = net.node(config(2));
        CompletableFuture<Void> hello = send(net, a, b, 0, 100);
        assertTrue(net.runUntil(hello::isDone, SECOND), net.describe());
        assertEquals(EngineConfig.BASE_DATAGRAM_SIZE, a.engine.datagramSize(b.address), "starts at the base");

        long start = net.now();
        assertTrue(net.runUntil(() -> a.engine.datagramSize(b.address) == mtu
                && b.engine.datagramSize(a.address) == mtu, 30 * SECOND),
                "converged to " + a.engine.datagramSize(b.address) + " and " + b.engine.datagramSize(a.address)
                        + ", not " + mtu);
        long probes = a.engine.metrics().mtuProbes();
        assertTrue(probes <= MAX_PROBES, "probes sent: " + probes);
        // Each probe is answered within a probe timeout (a few round trips of 10 ms here).
        assertTrue(net.now() - start < MAX_PROBES * 200 * MS, "took " + (net.now() - start) / MS + " ms");
        assertEquals(0, a.engine.metrics().congestionEvents(), "lost probes are not congestion");

        // Packing uses the size found: a message of many fragments leaves in few datagrams.
        long before = a.engine.metrics().datagramsSent();
        CompletableFuture<Void> big = send(net, a, b, 1, 60_000);
        assertTrue(net.runUntil(big::isDone, 10 * SECOND), net.describe());
        long used = a.engine.metrics().datagramsSent() - before;
        // Fragments keep the base size (about 1,130 bytes), so that a shrinking path strands none;
        // as many as fit are packed into each datagram.
        long base = 60_000 / 1100;
        long perDatagram = Math.max(1, (mtu - 64) / 1160);
        assertTrue(used <= (long) Math.ceil((double) base / perDatagram) + 3,
                "a 60,000-byte message took " + used + " datagrams on a path of " + mtu + " (about " + base
                        + " at the base size)");
        assertEquals(2, b.delivered.size());
        assertArrayEquals(numbered(1, 60_000), b.delivered.get(1).bytes());
    }

    @Test
    void probeLossLeavesTheCongestionWindowAlone() {
        EngineNet net = path(7, 1400); // not a common size: found by halving, with a dozen probe sizes lost
        Node a = net.node(config(1));
        Node b = net.node(config(2));
        CompletableFuture<Void> hello = send(net, a, b, 0, 100);
        assertTrue(net.runUntil(hello::isDone, SECOND));
        long window = a.engine.connections().get(0).congestionWindow();
        assertTrue(net.runUntil(() -> a.engine.datagramSize(b.address) == 1400, 30 * SECOND));
        assertTrue(net.tooBigDrops() >= PathMtu.MAX_PROBES, "probes were lost: " + net.tooBigDrops());
        assertEquals(window, a.engine.connections().get(0).congestionWindow());
        assertEquals(0, a.engine.metrics().congestionEvents());
        assertEquals(0, a.engine.metrics().persistentCongestion());
    }

    /**
     * The path's MTU falls from 8,972 to 1,400 in the middle of a stream of large messages: the
     * datagrams sized for the old path are lost, the engine detects the black hole, falls back to
     * the base, searches again and finds 1,400; every reliable message arrives, in order.
     */
    @Test
    void recoversWhenThePathShrinksMidStream() {
        EngineNet net = path(11, 8972);
        Node a = net.node(config(1));
        Node b = net.node(config(2));
        CompletableFuture<Void> hello = send(net, a, b, 0, 100);
        assertTrue(net.runUntil(() -> hello.isDone() && a.engine.datagramSize(b.address) == 8972, 30 * SECOND));

        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            fs.add(send(net, a, b, i, 500 + (i * 997) % 9000));
            if (i == 100) {
                net.runFor(20 * MS);
                net.pathMtu = 1400;
            }
        }
        assertTrue(net.runUntil(() -> fs.stream().allMatch(CompletableFuture::isDone), 120 * SECOND),
                net.describe());
        for (CompletableFuture<Void> f : fs) {
            assertTrue(!f.isCompletedExceptionally(), () -> "every message acknowledged: " + f + " "
                    + a.engine.metrics());
        }
        assertTrue(a.engine.metrics().mtuBlackHoles() >= 1, "black hole detected");
        assertEquals(301, b.delivered.size());
        for (int i = 0; i <= 300; i++) {
            assertEquals(i, ByteBuffer.wrap(b.delivered.get(i).bytes()).getInt(), "in order");
        }
        assertTrue(net.runUntil(() -> a.engine.datagramSize(b.address) == 1400, 30 * SECOND),
                "searched again: " + a.engine.datagramSize(b.address));
    }

    /** A conversation that moves to another path (a NAT rebinding) starts that path at the base and searches it. */
    @Test
    void searchesAgainAfterAPathMigration() {
        EngineNet net = path(13, 8972);
        Node server = net.node(config(1));
        Node client = net.node(config(2));
        CompletableFuture<Void> hello = send(net, client, server, 0, 100);
        CompletableFuture<Void> answer = send(net, server, client, 0, 100);
        assertTrue(net.runUntil(() -> hello.isDone() && answer.isDone()
                && server.engine.datagramSize(client.address) == 8972, 30 * SECOND));
        InetSocketAddress rebound = net.freeAddress();
        net.rebind(client, rebound);
        net.pathMtu = 1472; // the new path is narrower
        CompletableFuture<Void> after = send(net, client, server, 1, 100);
        assertTrue(net.runUntil(() -> after.isDone() && server.engine.metrics().pathMigrations() == 1, 30 * SECOND));
        assertTrue(net.runUntil(() -> server.engine.datagramSize(rebound) == 1472, 30 * SECOND),
                "the server searched the new path: " + server.engine.datagramSize(rebound));
        assertEquals(0, server.engine.metrics().mtuBlackHoles(), "no black hole needed: the new path started at the base");
    }

    @Test
    void settingsSurviveToBuilder() {
        EngineConfig on = EngineNet.config(1).pathMtuDiscovery(true).pacing(true).build();
        assertTrue(on.toBuilder().build().pathMtuDiscovery());
        assertTrue(on.toBuilder().build().pacing());
        assertTrue(on.toString().contains("pathMtuDiscovery=true, pacing=true"), on.toString());
    }

    @Test
    void offByDefault() {
        EngineNet net = new EngineNet(3);
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        CompletableFuture<Void> hello = send(net, a, b, 0, 100);
        assertTrue(net.runUntil(hello::isDone, SECOND));
        net.runFor(10 * SECOND);
        assertEquals(1200, a.engine.datagramSize(b.address));
        assertEquals(0, a.engine.metrics().mtuProbes());
        EngineConfig defaults = EngineConfig.defaults();
        assertTrue(!defaults.pathMtuDiscovery() && !defaults.pacing());
    }
}
