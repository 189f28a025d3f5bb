package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.protocol.EngineNet.Delivery;
import io.github.udpkit.core.protocol.EngineNet.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How messages are cut with path MTU discovery, in virtual time: for the path's discovered size
 * (a 30,000-byte message leaves whole on a 64 KiB path), and again at the base size, under the
 * same sequence number, when the path shrinks while large pieces are in flight or queued for
 * retransmission. Every reliable message still arrives exactly once, and the receiver's memory
 * for partial messages of an earlier cut is given back.
 */
@Timeout(60)
class PathMtuCutTest {
    private static final long SECOND = 1000 * MS;
    private static final int LARGE_PATH = 65_000;
    private static final int SMALL_PATH = 1400;

    private static EngineConfig config(long seed) {
        return EngineNet.config(seed).pathMtuDiscovery(true).maxDatagramSize(Endpoint.MAX_DATAGRAM_PAYLOAD).build();
    }

    /** Two nodes on a path of {@code mtu} bytes, 5 ms each way, whose sizes have been discovered. */
    private static Node[] converged(EngineNet net, int mtu) {
        net.latency = 5 * MS;
        net.pathMtu = mtu;
        Node a = net.node(config(1));
        Node b = net.node(config(2));
        CompletableFuture<Void> hello = send(net, a, b, DeliveryMode.RELIABLE, 0, 100);
        CompletableFuture<Void> back = send(net, b, a, DeliveryMode.RELIABLE, 0, 100);
        assertTrue(net.runUntil(() -> hello.isDone() && back.isDone() && a.engine.datagramSize(b.address) == mtu
                && b.engine.datagramSize(a.address) == mtu, 30 * SECOND), net.describe());
        return new Node[] {a, b};
    }

    private static CompletableFuture<Void> send(EngineNet net, Node from, Node to, DeliveryMode mode, int number,
            int size) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        from.engine.send(to.address, mode, numbered(number, size), f, net.now());
        return f;
    }

    @Test
    void largeMessagesLeaveWholeOnALargePath() {
        EngineNet net = new EngineNet(21);
        Node[] n = converged(net, LARGE_PATH);
        Node a = n[0];
        Node b = n[1];
        List<Integer> sizes = new ArrayList<>();
        net.dropRule = (from, to, bytes) -> {
            if (from.equals(a.address)) {
                sizes.add(bytes.length);
            }
            return false;
        };
        CompletableFuture<Void> f = send(net, a, b, DeliveryMode.RELIABLE, 1, 30_000);
        assertTrue(net.runUntil(f::isDone, 5 * SECOND), net.describe());
        assertTrue(!f.isCompletedExceptionally());
        assertEquals(1, sizes.stream().filter(s -> s > 30_000).count(), "one datagram carried it whole: " + sizes);
        assertEquals(1, sizes.size(), "and nothing else carried a piece of it: " + sizes);
        assertArrayEquals(numbered(1, 30_000), b.delivered.get(1).bytes());

        // Larger than a datagram: fragments as large as the path allows, one a datagram.
        sizes.clear();
        CompletableFuture<Void> g = send(net, a, b, DeliveryMode.RELIABLE, 2, 200_000);
        assertTrue(net.runUntil(g::isDone, 5 * SECOND), net.describe());
        assertEquals(3, sizes.stream().filter(s -> s > 64_000).count(), "three fragments of about 64 KiB: " + sizes);
        assertEquals(4, sizes.size(), "and the rest in a fourth datagram: " + sizes);
        assertArrayEquals(numbered(2, 200_000), b.delivered.get(2).bytes());
        assertEquals(0, a.engine.metrics().mtuRecuts());
        assertEquals(0, b.engine.reassemblyBytes, "no partial message left");
    }

    /**
     * Large messages sent whole on a 64 KiB path are in flight when the path falls to 1,400
     * bytes: they are lost, the black hole is found, and each is re-cut into base-size fragments
     * under its sequence number; every one arrives once, in order.
     */
    @ParameterizedTest
    @EnumSource(value = DeliveryMode.class, names = {"RELIABLE", "RELIABLE_UNORDERED"})
    void wholeMessagesInFlightWhenThePathShrinks(DeliveryMode mode) {
        EngineNet net = new EngineNet(23);
        Node[] n = converged(net, LARGE_PATH);
        Node a = n[0];
        Node b = n[1];
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            fs.add(send(net, a, b, mode, i, 2_000 + (i * 7919) % 58_000));
        }
        net.runFor(MS); // on their way
        net.pathMtu = SMALL_PATH;
        assertAllArriveOnce(net, a, b, fs, mode);
        assertTrue(a.engine.metrics().mtuRecuts() >= 1, "re-cut: " + a.engine.metrics());
    }

    /**
     * Messages of 150,000 to 300,000 bytes, in fragments of about 64 KiB, some lost (seeded) and
     * queued for retransmission, some not yet sent, when the path falls to 1,400 bytes: the
     * receiver holds partial messages of the large cut, drops them when the base cut's
     * fragments arrive, and gives back their memory.
     */
    @ParameterizedTest
    @EnumSource(value = DeliveryMode.class, names = {"RELIABLE", "RELIABLE_UNORDERED"})
    void largeFragmentsQueuedForRetransmissionWhenThePathShrinks(DeliveryMode mode) {
        EngineNet net = new EngineNet(29);
        Node[] n = converged(net, LARGE_PATH);
        Node a = n[0];
        Node b = n[1];
        // Every fifth large datagram from a is lost until the path shrinks: partial messages at b,
        // and fragments in a's retransmission queue.
        AtomicInteger large = new AtomicInteger();
        net.dropRule = (from, to, bytes) -> from.equals(a.address) && bytes.length > 40_000
                && large.incrementAndGet() % 5 == 0;
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            fs.add(send(net, a, b, mode, i, 150_000 + (i * 7919) % 150_000));
        }
        assertTrue(net.runUntil(() -> large.get() >= 10, 5 * SECOND), net.describe());
        net.pathMtu = SMALL_PATH;
        assertAllArriveOnce(net, a, b, fs, mode);
        assertTrue(a.engine.metrics().mtuRecuts() >= 1, "re-cut: " + a.engine.metrics());
    }

    @Test
    void windowsCountedInMessagesGrowWithTheDatagramSize() {
        assertEquals(4096, EngineConfig.defaults().receiveWindow());
        assertEquals(8192, EngineConfig.defaults().maxQueuedMessages());
        assertEquals(4096, EngineNet.config(1).maxDatagramSize(1472).build().receiveWindow());
        EngineConfig large = config(1);
        assertEquals(65_536, large.receiveWindow());
        assertEquals(16_384, large.maxQueuedMessages());
        EngineConfig set = EngineNet.config(1).maxDatagramSize(65_507).receiveWindow(100).maxQueuedMessages(50).build();
        assertEquals(100, set.receiveWindow(), "a window set is kept");
        assertEquals(50, set.maxQueuedMessages());
        assertEquals(65_536, set.toBuilder().receiveWindow(65_536).build().toBuilder().build().receiveWindow());
        assertEquals(4096, large.toBuilder().maxDatagramSize(1200).build().receiveWindow(), "derived, not copied");
    }

    /**
     * The cause of small messages' slow stream on a 64 KiB path: a 65,507-byte datagram packs about
     * 900 messages of 64 bytes, and a receive window of 4,096 messages let about four such
     * datagrams be in flight, so the sender waited for acknowledgements most of each round trip.
     * With the windows that grow with the datagram size (the defaults now), the same stream in
     * virtual time takes a fraction as long.
     */
    @Test
    void smallMessagesFillALargePath() {
        long fixed = streamNanos(EngineNet.config(1).pathMtuDiscovery(true)
                .maxDatagramSize(Endpoint.MAX_DATAGRAM_PAYLOAD).receiveWindow(4096).maxQueuedMessages(8192).build());
        long grown = streamNanos(config(1));
        assertTrue(grown * 2 < fixed, "64-byte stream took " + grown / MS + " ms with the grown windows, "
                + fixed / MS + " ms with windows of 4,096 messages");
    }

    /** Virtual time to deliver 200,000 messages of 64 bytes on a 64 KiB path of 10 ms round trip. */
    private static long streamNanos(EngineConfig config) {
        EngineNet net = new EngineNet(31);
        net.latency = 5 * MS;
        net.pathMtu = LARGE_PATH;
        Node a = net.node(config);
        Node b = net.node(config.toBuilder().seed(2).build());
        CompletableFuture<Void> hello = send(net, a, b, DeliveryMode.RELIABLE, 0, 100);
        assertTrue(net.runUntil(() -> hello.isDone() && a.engine.datagramSize(b.address) == LARGE_PATH,
                30 * SECOND), net.describe());
        int total = 200_000;
        int sent = 0;
        long start = net.now();
        while (b.delivered.size() < total + 1) {
            assertTrue(net.now() - start < 60 * SECOND, "stream stalled: " + b.delivered.size() + " " + a.engine.metrics());
            while (sent < total) {
                CompletableFuture<Void> f = send(net, a, b, DeliveryMode.RELIABLE, sent + 1, 64);
                if (f.isCompletedExceptionally()) {
                    break; // back-pressure: the queue is full; again after some virtual time
                }
                sent++;
            }
            net.runFor(MS);
        }
        return net.now() - start;
    }

    /**
     * A property over seeds, loss, the moment the path shrinks, and the message sizes: on a lossy,
     * duplicating path that falls from 64 KiB to 1,400 bytes, every reliable message arrives
     * exactly once (RELIABLE: in order), and no reassembly memory is left behind.
     */
    @Property(tries = 25)
    void everyReliableMessageArrivesOnceWhateverTheShrink(@ForAll @LongRange(min = 1, max = 1_000_000) long seed,
            @ForAll @IntRange(min = 0, max = 15) int lossPercent, @ForAll @IntRange(min = 0, max = 30) int shrinkAfterMs,
            @ForAll @IntRange(min = 500, max = 200_000) int largest, @ForAll boolean ordered) {
        EngineNet net = new EngineNet(seed);
        Node[] n = converged(net, LARGE_PATH);
        Node a = n[0];
        Node b = n[1];
        net.loss = lossPercent / 100.0;
        net.duplicate = 0.02;
        DeliveryMode mode = ordered ? DeliveryMode.RELIABLE : DeliveryMode.RELIABLE_UNORDERED;
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            fs.add(send(net, a, b, mode, i, 8 + (int) ((i * 2_654_435_761L + seed) % largest)));
        }
        net.runFor(shrinkAfterMs * MS);
        net.pathMtu = SMALL_PATH;
        assertAllArriveOnce(net, a, b, fs, mode);
    }

    /** Every message acknowledged, delivered once (and, RELIABLE, in order), and b's reassembly memory all given back. */
    private static void assertAllArriveOnce(EngineNet net, Node a, Node b, List<CompletableFuture<Void>> fs,
            DeliveryMode mode) {
        assertTrue(net.runUntil(() -> fs.stream().allMatch(CompletableFuture::isDone), 120 * SECOND),
                net.describe() + " " + a.engine.metrics());
        for (CompletableFuture<Void> f : fs) {
            assertFalse(f.isCompletedExceptionally(), () -> "every message acknowledged: " + f + " " + a.engine.metrics());
        }
        List<Delivery> got = b.delivered.subList(1, b.delivered.size()); // after the hello
        assertEquals(fs.size(), got.size(), "each once: " + b.engine.metrics());
        Set<Integer> numbers = new HashSet<>();
        for (int i = 0; i < got.size(); i++) {
            int number = got.get(i).number();
            assertTrue(numbers.add(number), "delivered twice: " + number);
            if (mode == DeliveryMode.RELIABLE) {
                assertEquals(i + 1, number, "in order");
            }
            assertArrayEquals(numbered(number, got.get(i).bytes().length), got.get(i).bytes(), "intact");
        }
        net.runFor(SECOND);
        assertEquals(0, b.engine.reassemblyBytes, "no partial message of an earlier cut left at the receiver");
    }
}
