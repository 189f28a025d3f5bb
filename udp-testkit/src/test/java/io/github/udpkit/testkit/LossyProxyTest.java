package io.github.udpkit.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.transport.Impairments;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(60)
@ExtendWith(SimulationSeedExtension.class)
class LossyProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static LoopbackSocket.Received receive(LoopbackSocket socket) throws IOException {
        LoopbackSocket.Received r = socket.receive(WAIT);
        assertNotNull(r, "nothing arrived within " + WAIT);
        return r;
    }

    private static boolean await(LossyProxy proxy, Predicate<LossyProxy.Stats> condition)
            throws InterruptedException {
        return proxy.awaitStats(condition, WAIT);
    }

    @Test
    void shouldRelayBothWays() throws Exception {
        try (LoopbackSocket target = LoopbackSocket.open();
             LoopbackSocket client = LoopbackSocket.open();
             LossyProxy proxy = LossyProxy.forward(target.address(), Impairments.none())) {
            assertTrue(proxy.address().getAddress().isLoopbackAddress());
            assertEquals(target.address(), proxy.target());
            client.send(proxy.address(), utf8("HELLO"));
            LoopbackSocket.Received request = receive(target);
            assertEquals("HELLO", new String(request.bytes(), StandardCharsets.UTF_8));
            assertNotEquals(client.address(), request.from());
            assertNotEquals(proxy.address(), request.from());

            target.send(request.from(), utf8("WORLD"));
            LoopbackSocket.Received reply = receive(client);
            assertEquals("WORLD", new String(reply.bytes(), StandardCharsets.UTF_8));
            assertEquals(proxy.address(), reply.from());

            assertTrue(await(proxy, s -> s.targetToClient().delivered() == 1));
            LossyProxy.Stats stats = proxy.stats();
            assertEquals(1, stats.clientToTarget().offered());
            assertEquals(1, stats.clients());
        }
    }

    @Test
    void shouldGiveEachClientItsOwnUpstreamPort() throws Exception {
        try (LoopbackSocket target = LoopbackSocket.open();
             LoopbackSocket alice = LoopbackSocket.open();
             LoopbackSocket bob = LoopbackSocket.open();
             LossyProxy proxy = LossyProxy.forward(target.address(), Impairments.none())) {
            alice.send(proxy.address(), utf8("alice"));
            LoopbackSocket.Received fromAlice = receive(target);
            bob.send(proxy.address(), utf8("bob"));
            LoopbackSocket.Received fromBob = receive(target);
            assertNotEquals(fromAlice.from(), fromBob.from());

            target.send(fromBob.from(), utf8("to bob"));
            target.send(fromAlice.from(), utf8("to alice"));
            assertEquals("to alice", new String(receive(alice).bytes(), StandardCharsets.UTF_8));
            assertEquals("to bob", new String(receive(bob).bytes(), StandardCharsets.UTF_8));
            assertEquals(2, proxy.stats().clients());
        }
    }

    @Test
    void shouldLoseTheSeededFractionOverRealSockets(@SimulationSeed long seed) throws Exception {
        int total = 2_000;
        int batch = 100;
        Impairments lossy = Impairments.builder().loss(0.20).seed(seed).build();
        try (LoopbackSocket target = LoopbackSocket.open();
             LoopbackSocket client = LoopbackSocket.open();
             LossyProxy proxy = LossyProxy.builder(target.address()).clientToTarget(lossy).start()) {
            Set<Integer> received = new HashSet<>();
            for (int sent = 0; sent < total; ) {
                for (int i = 0; i < batch; i++) {
                    client.sendNumber(proxy.address(), sent++);
                }
                // Pace by batches, so no loopback buffer overflows and only the proxy loses.
                int offered = sent;
                assertTrue(await(proxy, s -> s.clientToTarget().offered() == offered), proxy.stats().toString());
                long delivered = proxy.stats().clientToTarget().delivered();
                while (received.size() < delivered) {
                    assertTrue(received.add(receive(target).number()), "each number once");
                }
            }
            LossyProxy.Stats stats = proxy.stats();
            assertEquals(0, stats.sendFailures());
            assertEquals(total - received.size(), stats.clientToTarget().lost());
            double lost = 1 - received.size() / (double) total;
            assertTrue(lost > 0.15 && lost < 0.25, "lost " + lost);
        }
    }

    @Test
    void shouldCaptureEveryDatagramPassingThroughInABoundedRing() throws Exception {
        try (LoopbackSocket target = LoopbackSocket.open();
             LoopbackSocket client = LoopbackSocket.open();
             LossyProxy proxy = LossyProxy.builder(target.address()).capture(10).start()) {
            client.send(proxy.address(), utf8("secret password"));
            target.send(receive(target).from(), utf8("ok"));
            receive(client);
            assertTrue(await(proxy, s -> s.targetToClient().delivered() == 1));

            List<LossyProxy.Captured> captured = proxy.captured();
            assertEquals(2, captured.size());
            assertEquals(LossyProxy.Direction.CLIENT_TO_TARGET, captured.get(0).direction());
            assertEquals(client.address(), captured.get(0).client());
            assertArrayEquals(utf8("secret password"), captured.get(0).payload());
            assertTrue(captured.get(0).contains(utf8("password")));
            assertFalse(captured.get(1).contains(utf8("password")));
            assertEquals(LossyProxy.Direction.TARGET_TO_CLIENT, captured.get(1).direction());
            assertEquals(2, captured.get(1).size());

            for (int i = 0; i < 15; i++) {
                client.sendNumber(proxy.address(), i);
            }
            assertTrue(await(proxy, s -> s.clientToTarget().offered() == 16));
            List<Integer> kept = proxy.captured().stream()
                    .map(c -> ByteBuffer.wrap(c.payload()).getInt()).toList();
            assertEquals(IntStream.range(5, 15).boxed().toList(), kept);
            proxy.clearCaptured();
            assertTrue(proxy.captured().isEmpty());
        }
    }

    @Test
    void shouldDelayAndReorderWithoutLosing(@SimulationSeed long seed) throws Exception {
        Impairments slow = Impairments.builder().delay(Duration.ofMillis(2)).jitter(Duration.ofMillis(3))
                .reorder(0.3, Duration.ofMillis(10)).seed(seed).build();
        try (LoopbackSocket target = LoopbackSocket.open();
             LoopbackSocket client = LoopbackSocket.open();
             LossyProxy proxy = LossyProxy.forward(target.address(), slow)) {
            for (int i = 0; i < 200; i++) {
                client.sendNumber(proxy.address(), i);
            }
            Set<Integer> got = new HashSet<>();
            while (got.size() < 200) {
                assertTrue(got.add(receive(target).number()));
            }
            assertEquals(IntStream.range(0, 200).boxed().collect(Collectors.toSet()), got);
            LossyProxy.Stats stats = proxy.stats();
            assertEquals(200, stats.clientToTarget().delayed());
            assertTrue(stats.clientToTarget().reordered() > 20, stats.toString());
            assertEquals(0, stats.queued());
        }
    }

    @Test
    void shouldDuplicateAndCorruptCopies(@SimulationSeed long seed) throws Exception {
        Impairments broken = Impairments.builder().duplicate(1.0).corrupt(1.0).seed(seed).build();
        byte[] original = utf8("0123456789abcdef");
        try (LoopbackSocket target = LoopbackSocket.open();
             LoopbackSocket client = LoopbackSocket.open();
             LossyProxy proxy = LossyProxy.builder(target.address()).clientToTarget(broken).start()) {
            for (int i = 0; i < 10; i++) {
                client.send(proxy.address(), original);
            }
            for (int i = 0; i < 20; i++) {
                byte[] copy = receive(target).bytes();
                int bits = 0;
                for (int b = 0; b < original.length; b++) {
                    bits += Integer.bitCount((copy[b] ^ original[b]) & 0xFF);
                }
                assertEquals(1, bits, "bits flipped");
            }
            assertEquals(10, proxy.stats().clientToTarget().duplicated());
            assertEquals(20, proxy.stats().clientToTarget().corrupted());
        }
    }

    @Test
    void shouldDropEverythingDuringABlackout() throws Exception {
        Impairments down = Impairments.builder().blackout(Duration.ZERO, Duration.ofHours(1)).build();
        try (LoopbackSocket target = LoopbackSocket.open();
             LoopbackSocket client = LoopbackSocket.open();
             LossyProxy proxy = LossyProxy.forward(target.address(), down)) {
            for (int i = 0; i < 10; i++) {
                client.sendNumber(proxy.address(), i);
            }
            assertTrue(await(proxy, s -> s.clientToTarget().offered() == 10));
            assertEquals(10, proxy.stats().clientToTarget().droppedByBlackout());
            assertEquals(0, proxy.stats().clientToTarget().delivered());
        }
    }

    @Test
    void shouldBoundTheQueueOfDelayedDatagrams() throws Exception {
        Impairments glacial = Impairments.builder().delay(Duration.ofMinutes(10)).build();
        try (LoopbackSocket target = LoopbackSocket.open();
             LoopbackSocket client = LoopbackSocket.open();
             LossyProxy proxy = LossyProxy.builder(target.address()).impairments(glacial).maxQueued(10).start()) {
            for (int i = 0; i < 25; i++) {
                client.sendNumber(proxy.address(), i);
            }
            assertTrue(await(proxy, s -> s.clientToTarget().offered() == 25));
            assertEquals(10, proxy.stats().queued());
            assertEquals(15, proxy.stats().overflowDropped());
        }
    }

    @Test
    void shouldEvictTheLeastRecentlyActiveClient() throws Exception {
        try (LoopbackSocket target = LoopbackSocket.open();
             LoopbackSocket alice = LoopbackSocket.open();
             LoopbackSocket bob = LoopbackSocket.open();
             LossyProxy proxy = LossyProxy.builder(target.address()).maxClients(1).start()) {
            alice.send(proxy.address(), utf8("a"));
            receive(target);
            bob.send(proxy.address(), utf8("b"));
            receive(target);
            LossyProxy.Stats stats = proxy.stats();
            assertEquals(1, stats.clients());
            assertEquals(1, stats.evictedClients());
            assertEquals(2, stats.clientToTarget().offered(), "counters of evicted clients are kept");
        }
    }

    @Test
    void shouldCountErrorsFromAnAbsentTargetAndKeepRunning() throws Exception {
        InetSocketAddress closedPort;
        try (LoopbackSocket gone = LoopbackSocket.open()) {
            closedPort = gone.address();
        }
        try (LoopbackSocket client = LoopbackSocket.open();
             LossyProxy proxy = LossyProxy.forward(closedPort, Impairments.none())) {
            // Each datagram to the closed port draws an ICMP port unreachable, reported on the
            // proxy's upstream socket at its next read or write.
            for (int i = 0; i < 5; i++) {
                client.sendNumber(proxy.address(), i);
                int offered = i + 1;
                assertTrue(await(proxy, s -> s.clientToTarget().offered() == offered));
            }
            assertTrue(await(proxy, s -> s.receiveErrors() + s.sendFailures() > 0), proxy.stats().toString());
            assertFalse(proxy.isClosed());
        }
    }

    @Test
    void shouldReleaseItsPortsAndStopItsThreadOnClose() throws Exception {
        InetSocketAddress proxyAddress;
        InetSocketAddress upstreamAddress;
        LossyProxy proxy;
        try (LoopbackSocket target = LoopbackSocket.open();
             LoopbackSocket client = LoopbackSocket.open()) {
            proxy = LossyProxy.forward(target.address(), Impairments.none());
            proxyAddress = proxy.address();
            client.send(proxyAddress, utf8("x"));
            upstreamAddress = receive(target).from();
            proxy.close();
        }
        assertTrue(proxy.isClosed());
        proxy.close(); // idempotent
        String threadName = "udpkit-lossy-proxy-" + proxyAddress.getPort();
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(threadName) && t.isAlive()), "thread still running");
        for (InetSocketAddress freed : List.of(proxyAddress, upstreamAddress)) {
            try (DatagramChannel rebound = DatagramChannel.open()) {
                rebound.bind(freed);
                assertEquals(freed, rebound.getLocalAddress());
            }
        }
    }

    @Test
    void shouldRejectCallerMistakes() throws Exception {
        InetSocketAddress documentation = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 9);
        IllegalArgumentException remote = assertThrows(IllegalArgumentException.class,
                () -> LossyProxy.forward(documentation, Impairments.none()));
        assertEquals("target must be a loopback address: /192.0.2.1:9", remote.getMessage());
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        LossyProxy.Builder builder = LossyProxy.builder(loopback);
        assertEquals("maxClients must be in [1, 4096]: 0",
                assertThrows(IllegalArgumentException.class, () -> builder.maxClients(0)).getMessage());
        assertEquals("maxQueued must be in [1, 1000000]: 0",
                assertThrows(IllegalArgumentException.class, () -> builder.maxQueued(0)).getMessage());
        assertEquals("capture capacity must be in [0, 1000000]: -1",
                assertThrows(IllegalArgumentException.class, () -> builder.capture(-1)).getMessage());
        assertEquals("target port must be in 1..65535: 0", assertThrows(IllegalArgumentException.class,
                () -> LossyProxy.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))).getMessage());
    }
}
