package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryException;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineNet.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timers and probes of loss recovery: what a timeout sends, how it backs off, what it costs the window. */
@Timeout(60)
class LossRecoveryTest {
    private static final long SECOND = 1000 * MS;

    private static CompletableFuture<Void> send(EngineNet net, Node from, Node to, int n) {
        return send(net, from, to, n, 64);
    }

    private static CompletableFuture<Void> send(EngineNet net, Node from, Node to, int n, int size) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        from.engine.send(to.address, DeliveryMode.RELIABLE, numbered(n, size), f, net.now());
        return f;
    }

    /** Sends {@code count} messages one by one, each acknowledged before the next: RTT samples, no loss. */
    private static void warmUp(EngineNet net, Node a, Node b, int count) {
        for (int i = 0; i < count; i++) {
            CompletableFuture<Void> f = send(net, a, b, i);
            assertTrue(net.runUntil(f::isDone, 10 * SECOND), net.describe());
        }
    }

    @Test
    void shouldGrowTheProbeTimeoutByHalfAndStopGrowingIt() {
        RttEstimator rtt = new RttEstimator(SECOND, 10 * MS, 10 * SECOND, 5 * MS);
        assertEquals(SECOND, rtt.probeTimeout(0), "initialRto before any sample");
        assertEquals(2250 * MS, rtt.probeTimeout(2));
        assertEquals(2250 * MS, rtt.probeTimeout(5), "no further growth before a sample");
        rtt.sample(20 * MS, 0);
        long base = 20 * MS + 4 * 10 * MS + 5 * MS; // SRTT + 4 RTTVAR + ackDelay
        assertEquals(base, rtt.probeTimeout(0));
        assertEquals(base + base / 2, rtt.probeTimeout(1));
        long cap = rtt.probeTimeout(RttEstimator.MAX_BACKOFF);
        assertTrue(cap > 25 * base && cap < 26 * base, "1.5^8-fold: " + cap);
        assertEquals(cap, rtt.probeTimeout(RttEstimator.MAX_BACKOFF + 30));
        RttEstimator slowPath = new RttEstimator(SECOND, 10 * MS, 10 * SECOND, 5 * MS);
        slowPath.sample(2 * SECOND, 0);
        assertEquals(10 * SECOND, slowPath.probeTimeout(3), "never above maxRto");
        RttEstimator loopback = new RttEstimator(SECOND, 10 * MS, 10 * SECOND, 0);
        loopback.sample(50_000, 0);
        assertEquals(10 * MS, loopback.probeTimeout(0), "never below minRto");
    }

    @Test
    void shouldSeeAQueueOnlyWhenTheRttRisesByAQuarterMillisecondOrMore() {
        RttEstimator rtt = new RttEstimator(SECOND, 10 * MS, 10 * SECOND, 0);
        assertEquals(12_000, rtt.queued(12_000), "nothing known: assume the worst");
        rtt.sample(20 * MS, 0);
        rtt.sample(20 * MS + 1_900_000, 0);
        assertEquals(0, rtt.queued(120_000), "less than 250 µs of variation is no queue");
        for (int i = 0; i < 50; i++) {
            rtt.sample(30 * MS, 0);
        }
        long queued = rtt.queued(120_000);
        assertTrue(queued > 38_000 && queued < 41_000, "a third of the window waits when the RTT rises by half: "
                + queued);
    }

    @Test
    void shouldRepairATailLossWithAProbeWithoutReducingTheWindow() {
        EngineNet net = new EngineNet(81);
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        warmUp(net, a, b, 100);
        boolean[] dropNext = {true};
        net.dropRule = (from, to, bytes) -> {
            if (from.equals(a.address) && dropNext[0]) {
                dropNext[0] = false;
                return true;
            }
            return false;
        };
        CompletableFuture<Void> tail = send(net, a, b, 100);
        long sent = net.now();
        assertTrue(net.runUntil(tail::isDone, 10 * SECOND), net.describe());
        tail.join();
        assertEquals(101, b.delivered.size());
        EngineMetrics m = a.engine.metrics();
        assertEquals(1, m.probeTimeouts(), "the probe carried the lost message: " + m);
        assertEquals(1, m.retransmissions(), m.toString());
        assertEquals(0, m.congestionEvents(), "one loss in a hundred, and no queue: not congestion; " + m);
        assertTrue(net.now() - sent < 100 * MS, "a probe timeout, not a retransmission timeout of seconds: "
                + (net.now() - sent) / MS + " ms");
    }

    @Test
    void shouldAcknowledgeTwiceWhenThePeerResendsWhatWasReceived() {
        EngineNet net = new EngineNet(82);
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        warmUp(net, a, b, 10);
        List<Long> fromB = new ArrayList<>();
        boolean[] dropAck = {true};
        net.dropRule = (from, to, bytes) -> {
            if (from.equals(b.address)) {
                fromB.add(net.now());
                if (dropAck[0]) {
                    dropAck[0] = false; // the ACK of the next message: a must probe
                    return true;
                }
            }
            return false;
        };
        CompletableFuture<Void> f = send(net, a, b, 10);
        assertTrue(net.runUntil(f::isDone, 10 * SECOND), net.describe());
        assertEquals(11, b.delivered.size(), "delivered once");
        assertEquals(1, b.engine.metrics().duplicatesDropped(), "the probe brought the message again");
        assertEquals(3, fromB.size(), "one ACK, lost; then two for the duplicate: " + fromB);
        assertEquals(fromB.get(1), fromB.get(2), "both at once");
    }

    /**
     * A link that spaces datagrams out, as a real one does, so the receiver takes each in a turn
     * of its own and its ACK policy, not the batching of arrivals, decides how many ACKs it sends.
     */
    private static void spaceOut(EngineNet net) {
        net.bottleneckBytesPerSecond = 12_000_000; // a 1,200-byte datagram every 100 µs
        net.bottleneckQueue = 10_000;
    }

    /** Sends {@code count} messages that fill a datagram each, all at once; returns when all are acknowledged. */
    private static void stream(EngineNet net, Node a, Node b, int first, int count) {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            sent.add(send(net, a, b, i, 1_100));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]));
        assertTrue(net.runUntil(all::isDone, 30 * SECOND), net.describe());
    }

    @Test
    void shouldDecimateTheAcknowledgementsOfALongCleanFlow() {
        EngineNet net = new EngineNet(86);
        spaceOut(net);
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        int[] acks = {0};
        net.dropRule = (from, to, bytes) -> {
            if (from.equals(b.address)) {
                acks[0]++;
            }
            return false;
        };
        stream(net, a, b, 0, 100);
        int young = acks[0];
        acks[0] = 0;
        stream(net, a, b, 100, 1_000);
        int decimated = acks[0];

        assertEquals(1_100, b.delivered.size(), net.describe());
        assertTrue(young >= 45, "every second datagram of the first hundred is acknowledged: " + young + " ACKs");
        assertTrue(decimated <= 130 && decimated >= 90, "then about every tenth: " + decimated + " ACKs for 1,000 datagrams");
    }

    @Test
    void shouldAcknowledgeEverySecondDatagramAgainAfterAGap() {
        EngineNet net = new EngineNet(87);
        spaceOut(net);
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        stream(net, a, b, 0, 300); // long and clean: decimated
        int[] acks = {0};
        boolean[] dropped = {false};
        net.dropRule = (from, to, bytes) -> {
            if (from.equals(a.address) && !dropped[0]) {
                dropped[0] = true; // one datagram lost: a gap at b
                return true;
            }
            if (from.equals(b.address)) {
                acks[0]++;
            }
            return false;
        };
        stream(net, a, b, 300, 60);

        assertEquals(360, b.delivered.size(), net.describe());
        assertTrue(acks[0] >= 28, "after the gap every second datagram is acknowledged again: " + acks[0]
                + " ACKs for 60 datagrams");
    }

    @Test
    void shouldKeepProbingAGonePeerAtBoundedIntervalsUntilRetriesRunOut() {
        EngineNet net = new EngineNet(83);
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).keepAliveInterval(Duration.ZERO).build());
        warmUp(net, a, b, 10);
        List<Long> fromA = new ArrayList<>();
        net.dropRule = (from, to, bytes) -> {
            if (from.equals(a.address)) {
                fromA.add(net.now());
            }
            return true; // b is gone
        };
        long start = net.now();
        CompletableFuture<Void> f = send(net, a, b, 10);
        assertTrue(net.runUntil(f::isDone, 60 * SECOND), net.describe());
        CompletionException e = assertThrows(CompletionException.class, f::join);
        DeliveryException d = assertInstanceOf(DeliveryException.class, e.getCause());
        assertTrue(d.getMessage().contains("retries exhausted"), d.getMessage());
        assertEquals(20, d.attempts());
        long firstGap = fromA.get(1) - fromA.get(0);
        long maxGap = 0;
        for (int i = 1; i < fromA.size(); i++) {
            maxGap = Math.max(maxGap, fromA.get(i) - fromA.get(i - 1));
        }
        assertTrue(maxGap > 10 * firstGap, "backed off: " + maxGap / MS + " ms after " + firstGap / MS + " ms");
        assertTrue(maxGap < 26 * firstGap, "but at most 1.5^8-fold: " + maxGap / MS + " ms after "
                + firstGap / MS + " ms");
        assertTrue(net.now() - start < 30 * SECOND, "the retries ran out before the delivery deadline");
    }

    @Test
    void shouldCollapseTheWindowOnlyAfterPersistentCongestion() {
        EngineNet net = new EngineNet(84);
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        warmUp(net, a, b, 20);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 20; i < 400; i++) {
            futures.add(send(net, a, b, i, 1000));
        }
        long blackoutStart = net.now();
        net.dropRule = (from, to, bytes) -> net.now() >= blackoutStart && net.now() < blackoutStart + 500 * MS;
        assertTrue(net.runUntil(() -> futures.stream().allMatch(CompletableFuture::isDone), 60 * SECOND),
                net.describe());
        futures.forEach(CompletableFuture::join);
        assertEquals(400, b.delivered.size());
        EngineMetrics m = a.engine.metrics();
        assertTrue(m.probeTimeouts() >= 3, "probes through the blackout: " + m);
        assertTrue(m.persistentCongestion() >= 1, "everything sent for half a second was lost: " + m);
    }
}
