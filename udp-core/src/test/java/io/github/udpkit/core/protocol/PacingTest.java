package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineNet.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What pacing (RFC 9002 section 7.7) changes, in virtual time: a window no longer leaves in one
 * burst, and a bottleneck with a shallow buffer drops far fewer datagrams. Each scenario runs the
 * same seed with pacing off and on. (Stale SEQUENCED messages under jitter are not among its
 * effects in this simulator: see docs/PROTOCOL.md section 11.)
 */
@Timeout(60)
class PacingTest {
    private static final long SECOND = 1000 * MS;

    /** The outcome of one run: datagrams the bottleneck dropped, and when the last message was acknowledged. */
    record Bottleneck(long drops, long passed, long finishedAt) {
    }

    private static Bottleneck bottleneck(boolean pacing) {
        EngineNet net = new EngineNet(1313);
        net.latency = 20 * MS;
        net.bottleneckBytesPerSecond = 2_000_000;
        net.bottleneckQueue = 2;
        Node a = net.node(EngineNet.config(1).pacing(pacing).build());
        Node b = net.node(EngineNet.config(2).pacing(pacing).build());
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            a.engine.send(b.address, DeliveryMode.RELIABLE, numbered(i, 1000), f, net.now());
            fs.add(f);
        }
        assertTrue(net.runUntil(() -> fs.stream().allMatch(CompletableFuture::isDone), 120 * SECOND),
                net.describe());
        assertTrue(fs.stream().noneMatch(CompletableFuture::isCompletedExceptionally));
        assertEquals(2000, b.delivered.size());
        return new Bottleneck(net.bottleneckDrops(), net.bottleneckPassed(), net.now());
    }

    @Test
    void pacingCutsDropsAtAShallowBottleneck() {
        Bottleneck bursty = bottleneck(false);
        Bottleneck paced = bottleneck(true);
        assertTrue(paced.drops() * 2 < bursty.drops(), "drops: " + bursty + " unpaced, " + paced + " paced");
        // Not slower for it: the losses it avoids cost more than the pace does.
        assertTrue(paced.finishedAt() <= bursty.finishedAt() * 1.1, bursty + " unpaced, " + paced + " paced");
    }

    /**
     * The most datagrams the sender put on the wire within any one millisecond, sending 2,000
     * messages of 1,000 bytes over a 40 ms round trip.
     */
    private static int largestBurst(boolean pacing) {
        EngineNet net = new EngineNet(1515);
        net.latency = 20 * MS;
        Node a = net.node(EngineNet.config(1).pacing(pacing).build());
        Node b = net.node(EngineNet.config(2).pacing(pacing).build());
        ArrayDeque<Long> window = new ArrayDeque<>();
        int[] largest = {0};
        net.dropRule = (from, to, bytes) -> {
            if (from.equals(a.address)) {
                window.addLast(net.now());
                while (window.peekFirst() <= net.now() - MS) {
                    window.removeFirst();
                }
                largest[0] = Math.max(largest[0], window.size());
            }
            return false;
        };
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            a.engine.send(b.address, DeliveryMode.RELIABLE, numbered(i, 1000), f, net.now());
            fs.add(f);
        }
        assertTrue(net.runUntil(() -> fs.stream().allMatch(CompletableFuture::isDone), 60 * SECOND));
        assertEquals(2000, b.delivered.size());
        return largest[0];
    }

    @Test
    void pacingSpreadsTheWindowOverTheRoundTrip() {
        int bursty = largestBurst(false);
        int paced = largestBurst(true);
        assertTrue(paced * 4 < bursty, "largest burst in 1 ms: " + bursty + " unpaced, " + paced + " paced");
    }
}
