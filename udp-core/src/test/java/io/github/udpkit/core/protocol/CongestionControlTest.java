package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineNet.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Congestion control: NewReno's response to congestion, loss that is not congestion, and a
 * bottleneck that must not be flooded.
 */
@Timeout(60)
class CongestionControlTest {
    private static final int DATAGRAM = 1200;

    private static CongestionControl control(double lossTolerance) {
        return new CongestionControl(DATAGRAM, 1024, lossTolerance);
    }

    private static void acked(CongestionControl c, int packets) {
        for (int i = 0; i < packets; i++) {
            c.onAcked(DATAGRAM, 0);
        }
    }

    private static void lost(CongestionControl c, int packets) {
        for (int i = 0; i < packets; i++) {
            c.onLost();
        }
    }

    @Test
    void shouldHalveTheWindowOnceARoundTripWhenThePathQueues() {
        CongestionControl c = control(0.25);
        acked(c, 90);
        long before = c.window();
        lost(c, 1);
        assertTrue(c.onCongestionEvent(10, 20, DATAGRAM), "a queue of a datagram: congestion");
        assertEquals(before / 2, c.window());
        lost(c, 1);
        assertFalse(c.onCongestionEvent(15, 25, 10 * DATAGRAM), "sent before the reduction: same round trip");
        assertEquals(before / 2, c.window());
        assertTrue(c.onCongestionEvent(21, 40, 10 * DATAGRAM), "sent after it: a new congestion event");
        assertEquals(before / 4, c.window());
    }

    @Test
    void shouldKeepTheWindowForRandomLossWithinTheTolerance() {
        CongestionControl c = control(0.25);
        acked(c, 90);
        lost(c, 10);
        long before = c.window();
        assertFalse(c.onCongestionEvent(10, 20, 0), "10 % loss and no queue: random loss");
        assertEquals(before, c.window());
        c.onAcked(DATAGRAM, 30);
        assertEquals(before + DATAGRAM, c.window(), "still in slow start");
        assertFalse(c.onCongestionEvent(40, 50, DATAGRAM - 1), "less than a datagram queued is no queue");
    }

    @Test
    void shouldTakeLossAsCongestionWhenItsRateExceedsTheTolerance() {
        CongestionControl c = control(0.25);
        acked(c, 60);
        lost(c, 40);
        long before = c.window();
        assertTrue(c.onCongestionEvent(10, 20, 0), "40 % loss is more than random loss is forgiven");
        assertEquals(before / 2, c.window());
    }

    @Test
    void shouldTakeEveryLossAsCongestionWithoutTolerance() {
        CongestionControl c = control(0);
        acked(c, 1000);
        lost(c, 1);
        long before = c.window();
        assertTrue(c.onCongestionEvent(10, 20, 0), "RFC 9002's NewReno");
        assertEquals(before / 2, c.window());
    }

    @Test
    void shouldCollapseToFourDatagramsOnlyOnPersistentCongestion() {
        CongestionControl c = control(0.25);
        acked(c, 90);
        for (int i = 0; i < 20; i++) {
            lost(c, 1);
            c.onCongestionEvent(100 + 2 * i, 101 + 2 * i, 10 * DATAGRAM);
        }
        assertEquals(4 * DATAGRAM, c.window(), "halving stops at the minimum window");
        CongestionControl d = control(0.25);
        acked(d, 90);
        d.onPersistentCongestion(10);
        assertEquals(4 * DATAGRAM, d.window());
        d.onAcked(DATAGRAM, 20);
        assertEquals(5 * DATAGRAM, d.window(), "slow start again, up to half the window it had");
        assertTrue(d.canSend(4 * DATAGRAM) && !d.canSend(5 * DATAGRAM));
    }

    @Test
    void shouldRejectALossToleranceOutsideZeroToAHalf() {
        assertEquals(0.25, EngineConfig.defaults().lossTolerance());
        assertEquals(0.1, EngineConfig.builder().lossTolerance(0.1).build().toBuilder().build().lossTolerance());
        for (double bad : new double[] {-0.01, 0.51, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EngineConfig.builder().lossTolerance(bad));
            assertTrue(e.getMessage().contains("lossTolerance") && e.getMessage().endsWith(": " + bad), e.getMessage());
        }
    }

    @Test
    void shouldNotReduceTheWindowForRandomLossOnAPathWithoutAQueue() {
        // 5 % loss each way and a constant delay: nothing queues, so nothing is congestion.
        long forgiving = congestionEvents(0.25);
        long strict = congestionEvents(0);
        assertTrue(strict > 20, "NewReno halves on every loss event: " + strict);
        assertTrue(forgiving * 10 < strict, "tolerant: " + forgiving + " reductions, strict: " + strict);
    }

    private static long congestionEvents(double lossTolerance) {
        EngineNet net = new EngineNet(71);
        net.loss = 0.05;
        Node a = net.node(EngineNet.config(1).lossTolerance(lossTolerance).build());
        Node b = net.node(EngineNet.config(2).build());
        List<CompletableFuture<Void>> futures = sendAll(net, a, b, 2000);
        assertTrue(net.runUntil(() -> futures.stream().allMatch(CompletableFuture::isDone), 600_000 * MS),
                net.describe());
        assertDeliveredInOrder(b, 2000, net);
        return a.engine.metrics().congestionEvents();
    }

    /**
     * A bottleneck of 1 MB/s with a drop-tail queue, and 5 % random loss besides. A queue of a few
     * datagrams or more shows in the RTT before it overflows, so the loss it causes is taken as
     * congestion and kept rare; a bottleneck with almost no buffer shows nothing in the RTT, and
     * is protected by the loss tolerance: the engine never loses more than that much there.
     */
    @ParameterizedTest(name = "queue of {0} datagrams: at most {1} of datagrams dropped there")
    @CsvSource({"50, 0.02", "8, 0.02", "1, 0.25"})
    void shouldNotFloodABottleneck(int queue, double maxDropped) {
        EngineNet net = new EngineNet(72 + queue);
        net.latency = 10 * MS;
        net.loss = 0.05;
        net.bottleneckBytesPerSecond = 1_000_000;
        net.bottleneckQueue = queue;
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        List<CompletableFuture<Void>> futures = sendAll(net, a, b, 3000);
        assertTrue(net.runUntil(() -> futures.stream().allMatch(CompletableFuture::isDone), 600_000 * MS),
                net.describe());
        futures.forEach(CompletableFuture::join);
        assertDeliveredInOrder(b, 3000, net);
        double dropped = (double) net.bottleneckDrops() / (net.bottleneckDrops() + net.bottleneckPassed());
        assertTrue(dropped < maxDropped, "dropped at the bottleneck: " + dropped + ", " + a.engine.metrics());
        assertTrue(a.engine.metrics().congestionEvents() > 0, "the bottleneck was met: " + a.engine.metrics());
    }

    private static List<CompletableFuture<Void>> sendAll(EngineNet net, Node a, Node b, int count) {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            a.engine.send(b.address, DeliveryMode.RELIABLE, numbered(i, 1000), f, net.now());
            futures.add(f);
        }
        return futures;
    }

    private static void assertDeliveredInOrder(Node b, int count, EngineNet net) {
        assertEquals(count, b.delivered.size(), net.describe());
        for (int i = 0; i < count; i++) {
            assertArrayEquals(numbered(i, 1000), b.delivered.get(i).bytes(), net.describe());
        }
    }
}
