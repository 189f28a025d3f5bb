package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineNet.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole messages are reused once acknowledged and referred to by nothing ({@link OutMessagePool}):
 * under seeded loss, duplication and reordering, where retransmitted copies stay in flight after
 * their message was acknowledged, every message still arrives once, in order, with its own bytes,
 * and every completion runs once; and the engine did reuse messages.
 */
@Timeout(60)
class MessageReuseTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void shouldDeliverEveryMessageOnceWithItsOwnBytesWhileReusingMessages(long seed) {
        EngineNet net = new EngineNet(seed);
        net.loss = 0.2;
        net.duplicate = 0.05;
        net.jitter = 3 * MS;
        Node a = net.node(EngineNet.config(seed).build());
        Node b = net.node(EngineNet.config(seed + 100).build());
        int total = 3000;
        AtomicInteger completions = new AtomicInteger();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        // A window of 100 kept full: each completion sends the next message at once, so a message
        // is reused while copies of the one before it may still be in flight.
        Runnable[] sendNext = new Runnable[1];
        sendNext[0] = () -> {
            int n = futures.size();
            if (n == total) {
                return;
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            futures.add(f);
            f.whenComplete((v, e) -> {
                completions.incrementAndGet();
                sendNext[0].run();
            });
            a.engine.send(b.address, n % 2, DeliveryMode.RELIABLE, numbered(n, 1 + n % 300), f, net.now());
        };
        for (int i = 0; i < 100; i++) {
            sendNext[0].run();
        }
        assertTrue(net.runUntil(() -> completions.get() == total, 3_600_000 * MS), "seed " + seed + ": " + net.describe());
        assertEquals(total, completions.get(), "every completion ran once");
        assertTrue(futures.stream().noneMatch(CompletableFuture::isCompletedExceptionally), "none failed");
        assertEquals(total, b.delivered.size(), "delivered once each");
        int[] next = new int[2];
        for (EngineNet.Delivery d : b.delivered) {
            int n = d.number();
            assertEquals(n % 2, d.channel(), "channel of " + n);
            assertEquals(next[n % 2], n / 2, "order on channel " + n % 2);
            next[n % 2]++;
            assertArrayEquals(numbered(n, 1 + n % 300), d.bytes(), "bytes of message " + n);
        }
        assertTrue(a.engine.messagePool.reused() > total / 2, "messages reused: " + a.engine.messagePool.reused());
    }
}
