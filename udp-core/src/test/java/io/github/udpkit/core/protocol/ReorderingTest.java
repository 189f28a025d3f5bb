package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineNet.Node;
import io.github.udpkit.core.wire.AckRanges;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loss detection that adapts to a path that reorders: overtaken datagrams are not mistaken for lost ones. */
@Timeout(60)
class ReorderingTest {

    @ParameterizedTest(name = "jitter {0} ms, seed {1}: at most {2} retransmissions")
    @CsvSource({"2, 41, 50", "20, 42, 250"})
    void shouldNotMistakeHeavyReorderingWithoutLossForLoss(long jitterMs, long seed, int maxRetransmissions) {
        // 1 ms of latency plus up to jitterMs of jitter: datagrams overtake each other all the time,
        // and none is lost. Detecting loss by packet count alone (three later packets acknowledged)
        // resent about a quarter of all datagrams here, needlessly, and halved the window each time.
        EngineNet net = new EngineNet(seed);
        net.jitter = jitterMs * MS;
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        int count = 4000;
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            a.engine.send(b.address, DeliveryMode.RELIABLE, numbered(i, 1000), f, net.now());
            futures.add(f);
        }
        assertTrue(net.runUntil(() -> futures.stream().allMatch(CompletableFuture::isDone), 600_000 * MS),
                net.describe());
        futures.forEach(CompletableFuture::join);
        assertEquals(count, b.delivered.size(), net.describe());
        for (int i = 0; i < count; i++) {
            assertArrayEquals(numbered(i, 1000), b.delivered.get(i).bytes(), net.describe());
        }
        EngineMetrics m = a.engine.metrics();
        assertTrue(m.spuriousLosses() > 0, "the reordering was noticed: " + net.describe());
        assertTrue(m.retransmissions() <= maxRetransmissions,
                m.retransmissions() + " retransmissions of " + count + " messages that were never lost; " + m + "; "
                        + net.describe());
    }

    @Test
    void shouldKeepThePacketThresholdUntilReorderingIsSeen() {
        Reordering r = new Reordering();
        assertFalse(r.seen());
        assertEquals(0, r.multiplier(), "no reordering window yet");
        r.outOfOrder();
        assertTrue(r.seen());
        assertEquals(1, r.multiplier());
    }

    @Test
    void shouldDoubleTheWindowOnEachSpuriousLossAndForgetItAfterSixteenRecoveries() {
        Reordering r = new Reordering();
        r.declaredLost(10);
        r.declaredLost(11);
        AckRanges ack = new AckRanges(4);
        ack.add(20, 15);
        ack.add(11, 10);
        assertEquals(2, r.spurious(ack), "both were only late");
        assertTrue(r.seen());
        assertEquals(2, r.multiplier(), "doubled once per ACK");
        assertEquals(0, r.spurious(ack), "each counted once");
        r.declaredLost(30);
        AckRanges later = new AckRanges(4);
        later.add(30, 30);
        assertEquals(1, r.spurious(later));
        assertEquals(4, r.multiplier());
        for (int i = 0; i < Reordering.PERSIST - 1; i++) {
            r.recovery();
        }
        assertEquals(4, r.multiplier());
        r.recovery();
        assertEquals(1, r.multiplier(), "sixteen recoveries with no spurious loss: back to the base window");
        assertTrue(r.seen(), "the path still reorders");
    }

    @Test
    void shouldRememberOnlyTheLatestLossesAndBoundTheMultiplier() {
        Reordering r = new Reordering();
        for (int pn = 0; pn < 100; pn++) {
            r.declaredLost(pn);
        }
        AckRanges all = new AckRanges(2);
        all.add(99, 0);
        assertEquals(Reordering.HISTORY, r.spurious(all));
        for (int i = 0; i < 20; i++) {
            r.declaredLost(200 + i);
            AckRanges one = new AckRanges(2);
            one.add(200 + i, 200 + i);
            r.spurious(one);
        }
        assertEquals(Reordering.MAX_MULTIPLIER, r.multiplier());
    }

    @Test
    void shouldWidenTheTimeThresholdOnlyOnceReorderingIsSeenAndAtMostBySrttPlusFourRttvar() {
        RttEstimator rtt = new RttEstimator(1_000 * MS, 50 * MS, 10_000 * MS, 5 * MS);
        rtt.sample(8 * MS, 0); // SRTT 8 ms, RTTVAR 4 ms, min RTT 8 ms
        assertEquals(9 * MS, rtt.lossDelay(0), "RFC 9002: 9/8 of the RTT");
        assertEquals(10 * MS, rtt.lossDelay(1), "plus min RTT / 4");
        assertEquals(16 * MS, rtt.lossDelay(4));
        assertEquals(8 * MS + 8 * MS + 16 * MS, rtt.lossDelay(1000), "capped at SRTT + 4 RTTVAR");
    }
}
