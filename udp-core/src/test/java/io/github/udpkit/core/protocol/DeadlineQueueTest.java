package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineNet.Node;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scheduling connections by deadline: the queue agrees with a sorted reference under random
 * operations, and an engine's turn runs only the connections with work or a due timer.
 */
@Timeout(60)
class DeadlineQueueTest {

    private static Connection connection(Engine engine, int i) {
        return new Connection(engine, address(i), i + 1, 0);
    }

    private static InetSocketAddress address(int i) {
        byte[] ip = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), 9);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private record Entry(long deadline, int id) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Integer.compare(id, o.id);
        }
    }

    @Test
    void shouldAgreeWithASortedReferenceUnderRandomOperations() {
        Engine engine = new Engine(EngineNet.config(1).build(), new EngineOutput() {
            @Override
            public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            }

            @Override
            public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
            }
        }, 0);
        SplittableRandom random = new SplittableRandom(20_261_207);
        List<Connection> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(connection(engine, i));
        }
        DeadlineQueue queue = new DeadlineQueue();
        TreeSet<Entry> reference = new TreeSet<>();
        long[] scheduled = new long[all.size()];
        java.util.Arrays.fill(scheduled, Long.MAX_VALUE);
        for (int step = 0; step < 100_000; step++) {
            int i = random.nextInt(all.size());
            Connection c = all.get(i);
            int op = random.nextInt(10);
            if (op < 6) { // schedule or reschedule, sometimes to "no timer"
                long deadline = random.nextInt(20) == 0 ? Long.MAX_VALUE : random.nextLong(1_000);
                reference.remove(new Entry(scheduled[i], i));
                queue.schedule(c, deadline);
                scheduled[i] = deadline;
                if (deadline != Long.MAX_VALUE) {
                    reference.add(new Entry(deadline, i));
                }
            } else if (op < 8) {
                reference.remove(new Entry(scheduled[i], i));
                scheduled[i] = Long.MAX_VALUE;
                queue.remove(c);
            } else if (!reference.isEmpty()) {
                Entry first = reference.pollFirst();
                Connection polled = queue.poll();
                assertEquals(first.deadline(), polled.scheduledAt, "step " + step);
                int id = all.indexOf(polled);
                if (id != first.id()) { // equal deadlines: either may come first
                    assertTrue(reference.remove(new Entry(scheduled[id], id)), "step " + step);
                    reference.add(first);
                }
                scheduled[id] = Long.MAX_VALUE;
            }
            assertEquals(reference.size(), queue.size(), "step " + step);
            assertEquals(reference.isEmpty() ? Long.MAX_VALUE : reference.first().deadline(), queue.earliest(),
                    "step " + step);
        }
    }

    @Test
    void shouldRunOnlyTheConnectionsWithWorkWhenThousandsAreIdle() {
        EngineNet net = new EngineNet(7);
        EngineConfig config = EngineNet.config(3).keepAliveInterval(Duration.ZERO).idleTimeout(Duration.ofHours(1))
                .maxPeers(5_000).build();
        Node a = net.node(config);
        Node b = net.node(EngineNet.config(4).build());
        for (int i = 0; i < 2_000; i++) { // connections to addresses that never answer
            a.engine.send(address(i + 1), DeliveryMode.UNRELIABLE, new byte[8], new CompletableFuture<>(), net.now());
        }
        net.runFor(10 * MS);
        assertEquals(2_000, a.engine.peerCount());
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        int maxTurn = 0;
        for (int i = 0; i < 200; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            a.engine.send(b.address, DeliveryMode.RELIABLE, numbered(i, 100), f, net.now());
            fs.add(f);
            a.engine.update(net.now());
            maxTurn = Math.max(maxTurn, a.engine.lastTurnSize);
            net.runFor(MS);
        }
        assertTrue(net.runUntil(() -> fs.stream().allMatch(CompletableFuture::isDone), 10_000 * MS));
        assertTrue(fs.stream().noneMatch(CompletableFuture::isCompletedExceptionally));
        assertEquals(200, b.delivered.size());
        assertTrue(maxTurn <= 2, "a turn with 2,000 idle connections ran " + maxTurn + " of them");
    }
}
