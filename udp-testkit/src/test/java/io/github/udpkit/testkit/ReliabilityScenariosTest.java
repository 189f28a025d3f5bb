package io.github.udpkit.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.transport.Impairer;
import io.github.udpkit.core.transport.Impairments;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 3's scenarios: the real protocol engine on the simulated network, in virtual time, under
 * seeded loss, bursts, duplication, reordering, corruption and blackouts. A failure names its seed;
 * {@code -Dudpkit.sim.seed=N} replays it.
 */
@Timeout(120)
@ExtendWith(SimulationSeedExtension.class)
class ReliabilityScenariosTest {

    private static final int MESSAGES = 10_000;
    private static final int SIZE = 64;
    private static final Duration VIRTUAL_LIMIT = Duration.ofHours(2);

    static Stream<Arguments> lossyLinks() {
        return Stream.of(
                Arguments.of("no loss", Impairments.none()),
                Arguments.of("10% loss", Impairments.builder().loss(0.10).build()),
                Arguments.of("20% loss", Impairments.builder().loss(0.20).build()),
                Arguments.of("30% loss in bursts of 3", Impairments.builder().burstLoss(0.30, 3).build()),
                Arguments.of("10% duplication and reordering", Impairments.builder().duplicate(0.10)
                        .reorder(0.10, Duration.ofMillis(15)).jitter(Duration.ofMillis(5)).build()),
                Arguments.of("2% corruption", Impairments.builder().corrupt(0.02).build()),
                Arguments.of("a 2-second blackout", Impairments.builder()
                        .blackout(Duration.ofMillis(20), Duration.ofSeconds(2)).build()));
    }

    @ParameterizedTest(name = "RELIABLE, {0}")
    @MethodSource("lossyLinks")
    void shouldDeliverEveryMessageOnceInOrder(String link, Impairments impairments, @SimulationSeed long seed) {
        SimulatedNetwork net = network(seed, impairments);
        SimPeer alice = net.engine(net.nextAddress(), config());
        SimPeer bob = net.engine(net.nextAddress(), config());

        CompletableFuture<Void> all = sendNumbered(alice, bob, DeliveryMode.RELIABLE, MESSAGES, SIZE);
        assertTrue(alice.await(all, VIRTUAL_LIMIT), link + ": not all acknowledged, seed " + seed);
        if (all.isCompletedExceptionally()) {
            throw new AssertionError(link + ": a send failed, seed " + seed + ": " + all.handle((v, e) -> e).join()
                    + "; " + alice.engine().metrics(), all.handle((v, e) -> e).join());
        }

        List<SimPeer.Delivery> got = bob.deliveries();
        assertEquals(MESSAGES, got.size(), link + ": exactly once, seed " + seed);
        Impairer.Counters fates = net.counters();
        long harmed = fates.dropped() + fates.duplicated() + fates.corrupted() + fates.reordered();
        // (every datagram is delayed by the base 5 ms; "harm" is anything beyond that)
        assertEquals(impairments.isNone(), harmed == 0, link + ": the link did its harm: " + fates);
        for (int i = 0; i < MESSAGES; i++) {
            assertEquals(i, number(got.get(i)), link + ": in order at " + i + ", seed " + seed);
        }
    }

    @Test
    void shouldDeliverEveryMessageExactlyOnceInAnyOrderWhenUnordered(@SimulationSeed long seed) {
        SimulatedNetwork net = network(seed, Impairments.builder().loss(0.2).duplicate(0.1)
                .reorder(0.1, Duration.ofMillis(15)).build());
        SimPeer alice = net.engine(net.nextAddress(), config());
        SimPeer bob = net.engine(net.nextAddress(), config());

        CompletableFuture<Void> all = sendNumbered(alice, bob, DeliveryMode.RELIABLE_UNORDERED, MESSAGES, SIZE);
        assertTrue(alice.await(all, VIRTUAL_LIMIT), "seed " + seed);
        assertEquals(MESSAGES, bob.deliveryCount(), "seed " + seed);
        BitSet seen = new BitSet(MESSAGES);
        for (SimPeer.Delivery d : bob.deliveries()) {
            int n = number(d);
            assertFalse(seen.get(n), "delivered twice: " + n + ", seed " + seed);
            seen.set(n);
        }
        assertEquals(MESSAGES, seen.cardinality(), "seed " + seed);
    }

    @Test
    void shouldNeverDeliverAnOlderSequencedMessageAfterANewerOne(@SimulationSeed long seed) {
        SimulatedNetwork net = network(seed, Impairments.builder().loss(0.1).duplicate(0.1)
                .reorder(0.3, Duration.ofMillis(20)).jitter(Duration.ofMillis(10)).build());
        SimPeer alice = net.engine(net.nextAddress(), config());
        SimPeer bob = net.engine(net.nextAddress(), config());

        sendNumbered(alice, bob, DeliveryMode.SEQUENCED, MESSAGES, SIZE);
        net.runUntilIdle(Duration.ofMinutes(1));
        List<SimPeer.Delivery> got = bob.deliveries();
        // A datagram overtaken by a later one arrives stale and is dropped whole: with 30 %
        // reordered by 20 ms and 10 ms of jitter, how many survive depends on how many datagrams
        // travel together, that is on the sending rate (45-60 % here). Only "not nearly all lost"
        // is asserted; the ordering below is the property.
        assertTrue(got.size() > MESSAGES / 3, "a good part arrives: " + got.size() + ", seed " + seed);
        int newest = -1;
        for (SimPeer.Delivery d : got) {
            int n = number(d);
            assertTrue(n > newest, "message " + n + " after " + newest + ", seed " + seed);
            newest = n;
        }
    }

    @Test
    void shouldReassembleOneMebibyteMessagesIntactUnderLoss(@SimulationSeed long seed) {
        SimulatedNetwork net = network(seed, Impairments.builder().loss(0.1).build());
        SimPeer alice = net.engine(net.nextAddress(), config());
        SimPeer bob = net.engine(net.nextAddress(), config());
        Random random = new Random(seed);
        List<byte[]> sent = new ArrayList<>();
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] big = new byte[1 << 20];
            random.nextBytes(big);
            sent.add(big);
            sends.add(alice.send(bob, DeliveryMode.RELIABLE, big));
        }
        assertTrue(alice.await(CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)), VIRTUAL_LIMIT),
                "seed " + seed);
        assertEquals(sent.size(), bob.deliveryCount(), "seed " + seed);
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), bob.deliveries().get(i).payload(), "message " + i + ", seed " + seed);
        }
    }

    /** Every link also has a 5 ms one-way delay, so traffic spans the blackout and windows matter. */
    private static SimulatedNetwork network(long seed, Impairments impairments) {
        Impairments link = impairments.toBuilder().delay(Duration.ofMillis(5)).seed(seed).build();
        return SimulatedNetwork.builder().seed(seed).defaultImpairments(link).build();
    }

    /**
     * The defaults: the 30-second delivery deadline and idle timeout and the 20 transmissions hold
     * even at 30 % loss in bursts of 3 (probe timeouts that back off by half and at most 26-fold,
     * see PROTOCOL.md 6.3; no failure in 600 seeds of that scenario, against 24 in 200 before).
     */
    private static EngineConfig config() {
        return EngineConfig.builder().build();
    }

    /** Sends numbered messages, pacing on the engine's bounded queue as an application must. */
    private static CompletableFuture<Void> sendNumbered(SimPeer from, SimPeer to, DeliveryMode mode, int count, int size) {
        List<CompletableFuture<Void>> sends = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (from.engine().queuedMessages(to.address()) >= 1_000) {
                assertTrue(from.port().network().runUntil(
                        () -> from.engine().queuedMessages(to.address()) < 500, VIRTUAL_LIMIT), "the queue did not drain");
            }
            sends.add(from.send(to, mode, ByteBuffer.allocate(size).putInt(0, i).array()));
        }
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
    }

    private static int number(SimPeer.Delivery d) {
        return ByteBuffer.wrap(d.payload()).getInt();
    }
}
