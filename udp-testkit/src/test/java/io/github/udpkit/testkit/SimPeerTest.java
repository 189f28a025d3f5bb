package io.github.udpkit.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryException;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.transport.Impairments;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(60)
@ExtendWith(SimulationSeedExtension.class)
class SimPeerTest {

    private static byte[] numbered(int i, int size) {
        return ByteBuffer.allocate(Math.max(4, size)).putInt(0, i).array();
    }

    private static int number(SimPeer.Delivery d) {
        return ByteBuffer.wrap(d.payload()).getInt();
    }

    /**
     * Sends {@code count} numbered RELIABLE messages from a to b, keeping at most 1,000 queued (the
     * engine refuses sends beyond its queue bound rather than buffer without limit).
     */
    private static CompletableFuture<Void> sendAll(SimPeer from, SimPeer to, int count, int size) {
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (from.engine().queuedMessages(to.address()) >= 1_000) {
                assertTrue(from.port().network().runUntil(
                        () -> from.engine().queuedMessages(to.address()) < 500, Duration.ofMinutes(1)),
                        "the queue did not drain");
            }
            sends.add(from.send(to, DeliveryMode.RELIABLE, numbered(i, size)));
        }
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
    }

    private static void assertSucceeded(CompletableFuture<?> future) {
        assertTrue(future.isDone());
        if (future.isCompletedExceptionally()) {
            ExecutionException e = assertThrows(ExecutionException.class, future::get);
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        }
    }

    @Test
    void shouldDeliverAMessageAndCompleteTheSend(SimulatedNetwork net) {
        SimPeer alice = net.engine(net.nextAddress());
        SimPeer bob = net.engine(net.nextAddress());
        CompletableFuture<Void> sent = alice.send(bob, DeliveryMode.RELIABLE, "hello".getBytes(StandardCharsets.UTF_8));
        assertTrue(alice.await(sent, Duration.ofSeconds(30)));
        assertSucceeded(sent);
        assertEquals(1, bob.deliveryCount());
        SimPeer.Delivery d = bob.deliveries().get(0);
        assertEquals("hello", d.text());
        assertEquals(alice.address(), d.from());
        assertEquals(DeliveryMode.RELIABLE, d.mode());
        assertTrue(bob.events().contains(new SimPeer.PeerEvent(alice.address(), Optional.empty(), 0)),
                bob.events().toString());
    }

    @Test
    void shouldDeliverReliableMessagesExactlyOnceInOrderUnderBurstLossAndDuplication(@SimulationSeed long seed) {
        SimulatedNetwork net = SimulatedNetwork.builder().seed(seed)
                .defaultImpairments(Impairments.builder().burstLoss(0.30, 3).duplicate(0.10)
                        .delay(Duration.ofMillis(10)).jitter(Duration.ofMillis(5)).build())
                .build();
        SimPeer alice = net.engine(net.nextAddress());
        SimPeer bob = net.engine(net.nextAddress());
        CompletableFuture<Void> all = sendAll(alice, bob, 10_000, 64);
        assertTrue(alice.await(all, Duration.ofMinutes(10)), "not done after 10 virtual minutes: " + net);
        assertSucceeded(all);
        assertEquals(10_000, bob.deliveryCount());
        for (int i = 0; i < 10_000; i++) {
            assertEquals(i, number(bob.deliveries().get(i)));
        }
        assertTrue(alice.engine().metrics().retransmissions() > 0);
        assertTrue(net.counters().lost() > 0 && net.counters().duplicated() > 0);
    }

    @Test
    void shouldReassembleLargeMessagesUnderLoss(@SimulationSeed long seed) {
        SimulatedNetwork net = SimulatedNetwork.builder().seed(seed)
                .defaultImpairments(Impairments.builder().loss(0.10).delay(Duration.ofMillis(5)).build())
                .build();
        SimPeer alice = net.engine(net.nextAddress());
        SimPeer bob = net.engine(net.nextAddress());
        byte[] big = new byte[1 << 20];
        net.random().nextBytes(big);
        CompletableFuture<Void> sent = alice.send(bob, DeliveryMode.RELIABLE, big);
        assertTrue(alice.await(sent, Duration.ofMinutes(10)));
        assertEquals(1, bob.deliveryCount());
        assertArrayEquals(big, bob.deliveries().get(0).payload());
    }

    @Test
    void shouldCarryOnAfterABlackout(@SimulationSeed long seed) {
        SimulatedNetwork net = SimulatedNetwork.builder().seed(seed)
                .defaultImpairments(Impairments.builder().delay(Duration.ofMillis(10))
                        .blackout(Duration.ofSeconds(1), Duration.ofSeconds(2)).build())
                .build();
        SimPeer alice = net.engine(net.nextAddress());
        SimPeer bob = net.engine(net.nextAddress());
        net.advance(Duration.ofMillis(1_500)); // into the blackout
        CompletableFuture<Void> all = sendAll(alice, bob, 100, 32);
        assertTrue(alice.await(all, Duration.ofMinutes(1)));
        assertSucceeded(all);
        assertEquals(100, bob.deliveryCount());
        assertTrue(net.elapsed().compareTo(Duration.ofSeconds(3)) >= 0, "delivered only after the blackout");
        assertTrue(net.counters().droppedByBlackout() > 0);
    }

    @Test
    void shouldFailTheSendWhenThePeerNeverAnswers(@SimulationSeed long seed) throws InterruptedException {
        SimulatedNetwork net = SimulatedNetwork.withSeed(seed);
        SimPeer alice = net.engine(net.nextAddress(), EngineConfig.builder().maxTransmissions(5).build());
        InetSocketAddress nobody = net.nextAddress();
        CompletableFuture<Void> sent = alice.send(nobody, DeliveryMode.RELIABLE, new byte[10]);
        assertTrue(alice.await(sent, Duration.ofMinutes(5)));
        ExecutionException e = assertThrows(ExecutionException.class, sent::get);
        DeliveryException failure = assertInstanceOf(DeliveryException.class, e.getCause());
        assertEquals(nobody, failure.peer());
        assertTrue(net.undeliverable() >= 5, "every attempt went nowhere: " + net.undeliverable());
    }

    @Test
    void shouldReportAPeerThatClosed(SimulatedNetwork net) {
        SimPeer alice = net.engine(net.nextAddress());
        SimPeer bob = net.engine(net.nextAddress());
        assertTrue(alice.await(alice.send(bob, DeliveryMode.RELIABLE, new byte[1]), Duration.ofSeconds(30)));
        alice.close();
        assertTrue(net.runUntil(() -> bob.events().stream().anyMatch(e -> !e.isConnect()), Duration.ofSeconds(30)));
        SimPeer.PeerEvent last = bob.events().get(bob.events().size() - 1);
        assertEquals(alice.address(), last.peer());
        assertEquals(Optional.of(DisconnectReason.CLOSED_BY_PEER), last.disconnected());
        assertTrue(alice.engine().isClosed());
    }

    private static List<String> trace(long seed) {
        SimulatedNetwork net = SimulatedNetwork.builder().seed(seed)
                .defaultImpairments(Impairments.builder().loss(0.2).reorder(0.1, Duration.ofMillis(20))
                        .delay(Duration.ofMillis(10)).jitter(Duration.ofMillis(10)).build())
                .build();
        SimPeer alice = net.engine(net.nextAddress());
        SimPeer bob = net.engine(net.nextAddress());
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sends.add(alice.send(bob, i % 2 == 0 ? DeliveryMode.RELIABLE_UNORDERED : DeliveryMode.UNRELIABLE,
                    numbered(i, 16)));
        }
        alice.await(CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)), Duration.ofMinutes(5));
        net.advance(Duration.ofSeconds(1));
        List<String> trace = new ArrayList<>();
        for (SimPeer.Delivery d : bob.deliveries()) {
            trace.add(number(d) + "@" + d.nanos());
        }
        trace.add("retransmissions " + alice.engine().metrics().retransmissions());
        return trace;
    }

    @Test
    void shouldReplayEngineRunsFromTheSeed(@SimulationSeed long seed) {
        List<String> first = trace(seed);
        assertEquals(first, trace(seed));
        assertNotEquals(first, trace(seed + 1));
    }

    @Test
    void shouldDeriveTheEngineSeedFromTheNetworkUnlessGiven(SimulatedNetwork net) {
        SimPeer derived = net.engine(net.nextAddress());
        SimPeer given = net.engine(net.nextAddress(), EngineConfig.builder().seed(5).build());
        assertTrue(derived.engine().config().seed().isPresent());
        assertEquals(OptionalLong.of(5), given.engine().config().seed());
        SimulatedNetwork again = SimulatedNetwork.withSeed(net.seed());
        assertEquals(derived.engine().config().seed(), again.engine(derived.address()).engine().config().seed());
    }
}
