package io.github.udpkit.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.transport.Impairments;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Path MTU discovery through the published simulator, whose {@link Impairments#mtu()} drops
 * every datagram larger than the path carries: what an application sees is large messages in few
 * datagrams, and no reliable message lost when the path narrows.
 */
@Timeout(60)
@ExtendWith(SimulationSeedExtension.class)
class PathMtuSimulationTest {
    private static final EngineConfig DISCOVERING = EngineConfig.builder().pathMtuDiscovery(true).pacing(true)
            .maxDatagramSize(9000).build();

    private static byte[] numbered(int i, int size) {
        return ByteBuffer.allocate(Math.max(4, size)).putInt(0, i).array();
    }

    private static Impairments path(int mtu, double loss) {
        return Impairments.builder().delay(Duration.ofMillis(5)).mtu(mtu).loss(loss).build();
    }

    @Test
    void shouldPackLargeMessagesToThePathsSize(SimulatedNetwork net) {
        SimPeer alice = net.engine(net.nextAddress(), DISCOVERING);
        SimPeer bob = net.engine(net.nextAddress(), DISCOVERING);
        net.impairBoth(alice.address(), bob.address(), path(8972, 0));
        assertTrue(alice.await(alice.send(bob, DeliveryMode.RELIABLE, numbered(0, 100)), Duration.ofSeconds(5)));
        net.advance(Duration.ofSeconds(10)); // the search: some 40 probes of a 10 ms round trip each
        long before = alice.engine().metrics().datagramsSent();
        CompletableFuture<Void> big = alice.send(bob, DeliveryMode.RELIABLE, numbered(1, 60_000));
        assertTrue(alice.await(big, Duration.ofSeconds(10)));
        long used = alice.engine().metrics().datagramsSent() - before;
        // 55 fragments of the base size, seven to a datagram of 8,972 bytes.
        assertTrue(used <= 10, "a 60,000-byte message took " + used + " datagrams");
        assertArrayEquals(numbered(1, 60_000), bob.deliveries().get(1).payload());
        assertTrue(alice.engine().metrics().mtuProbes() > 0);
        assertEquals(0, alice.engine().metrics().congestionEvents(), "lost probes are not congestion");
    }

    @Test
    void shouldDeliverEveryReliableMessageWhenThePathNarrows(SimulatedNetwork net) {
        SimPeer alice = net.engine(net.nextAddress(), DISCOVERING);
        SimPeer bob = net.engine(net.nextAddress(), DISCOVERING);
        net.impairBoth(alice.address(), bob.address(), path(8972, 0.02));
        assertTrue(alice.await(alice.send(bob, DeliveryMode.RELIABLE, numbered(0, 100)), Duration.ofSeconds(5)));
        net.advance(Duration.ofSeconds(10));
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            sends.add(alice.send(bob, DeliveryMode.RELIABLE, numbered(i, 500 + (i * 997) % 6000)));
            if (i == 80) {
                net.advance(Duration.ofMillis(20));
                net.impairBoth(alice.address(), bob.address(), path(1400, 0.02));
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
        assertTrue(alice.await(all, Duration.ofSeconds(60)), net.toString());
        assertTrue(!all.isCompletedExceptionally(), "every message acknowledged");
        assertEquals(201, bob.deliveryCount());
        for (int i = 0; i <= 200; i++) {
            assertEquals(i, ByteBuffer.wrap(bob.deliveries().get(i).payload()).getInt(), "in order");
        }
        assertTrue(alice.engine().metrics().mtuBlackHoles() >= 1, "the narrower path was detected");
    }
}
