package io.github.udpkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.transport.Impairer;
import io.github.udpkit.core.transport.Impairments;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(30)
@ExtendWith(SimulationSeedExtension.class)
class SimulatedNetworkTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    /** Sends every datagram back where it came from. */
    static final class EchoNode implements SimNode {
        private final SimulatedNetwork.Port port;

        EchoNode(SimulatedNetwork.Port port) {
            this.port = port;
        }

        @Override
        public void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            port.send(from, datagram);
        }
    }

    /** One datagram as a node saw it. */
    record Arrival(InetSocketAddress from, byte[] bytes, long nanos) {
        /** The arrival of what is left in {@code datagram}, copied. */
        static Arrival of(InetSocketAddress from, ByteBuffer datagram, long nanos) {
            byte[] bytes = new byte[datagram.remaining()];
            datagram.get(bytes);
            return new Arrival(from, bytes, nanos);
        }

        int number() {
            return ByteBuffer.wrap(bytes).getInt();
        }
    }

    /** Records what arrives and counts its updates. */
    static final class Collector implements SimNode {
        final SimulatedNetwork.Port port;
        final List<Arrival> arrivals = new ArrayList<>();
        int updates;

        Collector(SimulatedNetwork.Port port) {
            this.port = port;
        }

        @Override
        public void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            arrivals.add(Arrival.of(from, datagram, nowNanos));
        }

        @Override
        public long update(long nowNanos) {
            updates++;
            return Engine.NO_DEADLINE;
        }

        void send(InetSocketAddress to, int number) {
            port.send(to, ByteBuffer.allocate(4).putInt(0, number));
        }

        List<Integer> numbers() {
            return arrivals.stream().map(Arrival::number).toList();
        }
    }

    /** Sends numbered datagrams to a peer, one every {@code intervalNanos}, on its own timer. */
    static final class Ticker implements SimNode {
        private final SimulatedNetwork.Port port;
        private final InetSocketAddress to;
        private final long intervalNanos;
        private final int count;
        private long next = -1;
        final List<Arrival> arrivals = new ArrayList<>();
        int sent;

        Ticker(SimulatedNetwork.Port port, InetSocketAddress to, long intervalNanos, int count) {
            this.port = port;
            this.to = to;
            this.intervalNanos = intervalNanos;
            this.count = count;
        }

        @Override
        public void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            arrivals.add(Arrival.of(from, datagram, nowNanos));
        }

        @Override
        public long update(long nowNanos) {
            if (next < 0) {
                next = nowNanos;
            }
            while (sent < count && nowNanos >= next) {
                port.send(to, ByteBuffer.allocate(4).putInt(0, sent++));
                next += intervalNanos;
            }
            return sent < count ? next : Engine.NO_DEADLINE;
        }
    }

    private static SimulatedNetwork network(long seed, Impairments impairments) {
        return SimulatedNetwork.builder().seed(seed).defaultImpairments(impairments).build();
    }

    @Test
    void shouldRelayDatagramsBetweenNodesAtOnceWithoutImpairments(SimulatedNetwork net) {
        InetSocketAddress serverAddress = net.nextAddress();
        net.attachNew(serverAddress, EchoNode::new);
        Collector client = net.attachNew(net.nextAddress(), Collector::new);
        client.send(serverAddress, 7);
        assertTrue(net.runUntil(() -> !client.arrivals.isEmpty(), Duration.ofSeconds(1)));
        Arrival echo = client.arrivals.get(0);
        assertEquals(serverAddress, echo.from());
        assertEquals(7, echo.number());
        assertEquals(0, net.nowNanos());
        assertEquals(2, net.sent());
        assertEquals(2, net.delivered());
    }

    @Test
    void shouldHandOutDistinctLoopbackAddresses(SimulatedNetwork net) {
        Set<InetSocketAddress> seen = new HashSet<>();
        for (int i = 0; i < 600; i++) {
            InetSocketAddress a = net.nextAddress();
            assertTrue(a.getAddress().isLoopbackAddress(), a.toString());
            assertEquals(SimulatedNetwork.DEFAULT_PORT, a.getPort());
            assertTrue(seen.add(a), a.toString());
        }
        assertEquals("/127.0.0.2:40000", SimulatedNetwork.withSeed(0).nextAddress().toString());
    }

    @Test
    void shouldDelayDeliveryByTheLinkLatencyInVirtualTime(@SimulationSeed long seed) {
        SimulatedNetwork net = network(seed, Impairments.builder().delay(Duration.ofMillis(20)).build());
        InetSocketAddress serverAddress = net.nextAddress();
        net.attachNew(serverAddress, EchoNode::new);
        Collector client = net.attachNew(net.nextAddress(), Collector::new);
        client.send(serverAddress, 1);
        assertTrue(net.runUntil(() -> !client.arrivals.isEmpty(), Duration.ofSeconds(1)));
        assertEquals(40 * MS, client.arrivals.get(0).nanos());
        assertEquals(Duration.ofMillis(40), net.elapsed());
    }

    @Test
    void shouldJumpVirtualTimeFromDeadlineToDeadline(SimulatedNetwork net) {
        Collector sink = net.attachNew(net.nextAddress(), Collector::new);
        Ticker hourly = net.attachNew(net.nextAddress(), p -> new Ticker(p, sink.port.address(), 3600 * SECOND, 10));
        assertTrue(net.runUntil(() -> sink.arrivals.size() == 10, Duration.ofHours(11)));
        assertEquals(Duration.ofHours(9), net.elapsed());
        assertEquals(10, hourly.sent);
        // Ten hours of virtual time took a handful of events, not a busy loop over the clock.
        assertTrue(net.events() < 50, "events " + net.events());
    }

    @Test
    void shouldStopAtTheVirtualLimitWhenTheConditionNeverHolds(SimulatedNetwork net) {
        Collector sink = net.attachNew(net.nextAddress(), Collector::new);
        net.attachNew(net.nextAddress(), p -> new Ticker(p, sink.port.address(), SECOND, 100));
        assertFalse(net.runUntil(() -> false, Duration.ofMillis(4_500)));
        assertEquals(Duration.ofMillis(4_500), net.elapsed());
        assertEquals(5, sink.arrivals.size(), "sent at 0, 1, 2, 3 and 4 s");
        net.advance(Duration.ofSeconds(2));
        assertEquals(Duration.ofMillis(6_500), net.elapsed());
        assertEquals(7, sink.arrivals.size());
    }

    @Test
    void shouldReportIdleOnlyWhenNothingIsInFlightOrScheduled(SimulatedNetwork net) {
        Collector sink = net.attachNew(net.nextAddress(), Collector::new);
        net.attachNew(net.nextAddress(), p -> new Ticker(p, sink.port.address(), SECOND, 3));
        assertTrue(net.runUntilIdle(Duration.ofMinutes(1)));
        assertEquals(3, sink.arrivals.size());
        assertEquals(Duration.ofSeconds(2), net.elapsed(), "idle after the last event, not at the limit");

        SimulatedNetwork busy = SimulatedNetwork.withSeed(net.seed());
        Collector other = busy.attachNew(busy.nextAddress(), Collector::new);
        busy.attachNew(busy.nextAddress(), p -> new Ticker(p, other.port.address(), SECOND, 1_000));
        assertFalse(busy.runUntilIdle(Duration.ofSeconds(10)));
        assertEquals(Duration.ofSeconds(10), busy.elapsed());
    }

    @Test
    void shouldBatchSimultaneousArrivalsBeforeUpdatingTheReceiver(SimulatedNetwork net) {
        Collector receiver = net.attachNew(net.nextAddress(), Collector::new);
        Collector sender = net.attachNew(net.nextAddress(), Collector::new);
        net.runUntilIdle(Duration.ZERO);
        int updatesBefore = receiver.updates;
        for (int i = 0; i < 5; i++) {
            sender.send(receiver.port.address(), i);
        }
        assertTrue(net.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(List.of(0, 1, 2, 3, 4), receiver.numbers());
        // One update at the start of the run, one after the batch of five.
        assertEquals(updatesBefore + 2, receiver.updates);
    }

    @Test
    void shouldLoseTheConfiguredFraction(@SimulationSeed long seed) {
        SimulatedNetwork net = network(seed, Impairments.builder().loss(0.10).build());
        Collector sink = net.attachNew(net.nextAddress(), Collector::new);
        net.attachNew(net.nextAddress(), p -> new Ticker(p, sink.port.address(), MS, 10_000));
        assertTrue(net.runUntilIdle(Duration.ofMinutes(1)));
        double lost = 1 - sink.arrivals.size() / 10_000.0;
        assertTrue(lost > 0.085 && lost < 0.115, "lost " + lost);
        Impairer.Counters counters = net.counters();
        assertEquals(10_000, counters.offered());
        assertEquals(10_000 - sink.arrivals.size(), counters.lost());
    }

    @Test
    void shouldLoseInBursts(@SimulationSeed long seed) {
        SimulatedNetwork net = network(seed, Impairments.builder().burstLoss(0.30, 3).build());
        Collector sink = net.attachNew(net.nextAddress(), Collector::new);
        net.attachNew(net.nextAddress(), p -> new Ticker(p, sink.port.address(), MS, 20_000));
        assertTrue(net.runUntilIdle(Duration.ofMinutes(1)));
        List<Integer> got = sink.numbers();
        int gaps = 0;
        int missing = 0;
        int expected = 0;
        for (int n : got) {
            if (n != expected) {
                gaps++;
                missing += n - expected;
            }
            expected = n + 1;
        }
        if (expected != 20_000) {
            gaps++;
            missing += 20_000 - expected;
        }
        double meanBurst = missing / (double) gaps;
        assertTrue(missing > 0.27 * 20_000 && missing < 0.33 * 20_000, "missing " + missing);
        assertTrue(meanBurst > 2.6 && meanBurst < 3.4, "mean burst " + meanBurst);
    }

    @Test
    void shouldDuplicateDatagrams(@SimulationSeed long seed) {
        SimulatedNetwork net = network(seed, Impairments.builder().duplicate(0.10).build());
        Collector sink = net.attachNew(net.nextAddress(), Collector::new);
        net.attachNew(net.nextAddress(), p -> new Ticker(p, sink.port.address(), MS, 10_000));
        assertTrue(net.runUntilIdle(Duration.ofMinutes(1)));
        int extra = sink.arrivals.size() - 10_000;
        assertTrue(extra > 850 && extra < 1_150, "duplicates " + extra);
        assertEquals(10_000, new HashSet<>(sink.numbers()).size());
        assertEquals(extra, net.counters().duplicated());
    }

    @Test
    void shouldReorderHeldBackDatagrams(@SimulationSeed long seed) {
        SimulatedNetwork net = network(seed, Impairments.builder().reorder(0.10, Duration.ofMillis(5)).build());
        Collector sink = net.attachNew(net.nextAddress(), Collector::new);
        net.attachNew(net.nextAddress(), p -> new Ticker(p, sink.port.address(), MS, 1_000));
        assertTrue(net.runUntilIdle(Duration.ofMinutes(1)));
        List<Integer> got = sink.numbers();
        assertEquals(1_000, got.size());
        assertEquals(1_000, new HashSet<>(got).size());
        int inversions = 0;
        for (int i = 1; i < got.size(); i++) {
            if (got.get(i) < got.get(i - 1)) {
                inversions++;
            }
        }
        assertTrue(inversions > 40, "inversions " + inversions);
        long heldBack = sink.arrivals.stream().filter(a -> a.nanos() - a.number() * MS == 5 * MS).count();
        assertEquals(net.counters().reordered(), heldBack);
        assertTrue(heldBack > 50 && heldBack < 150, "held back " + heldBack);
    }

    @Test
    void shouldCorruptDatagrams(@SimulationSeed long seed) {
        SimulatedNetwork net = network(seed, Impairments.builder().corrupt(1.0).build());
        Collector sink = net.attachNew(net.nextAddress(), Collector::new);
        Collector sender = net.attachNew(net.nextAddress(), Collector::new);
        byte[] original = new byte[32];
        net.random().nextBytes(original);
        for (int i = 0; i < 100; i++) {
            sender.port.send(sink.port.address(), ByteBuffer.wrap(original));
        }
        assertTrue(net.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(100, sink.arrivals.size());
        for (Arrival a : sink.arrivals) {
            int bits = 0;
            for (int i = 0; i < original.length; i++) {
                bits += Integer.bitCount((a.bytes()[i] ^ original[i]) & 0xFF);
            }
            assertEquals(1, bits);
        }
    }

    @Test
    void shouldDropEverythingSentDuringABlackout(@SimulationSeed long seed) {
        SimulatedNetwork net = SimulatedNetwork.builder().seed(seed).originNanos(1_000 * SECOND)
                .defaultImpairments(Impairments.builder()
                        .blackout(Duration.ofSeconds(1), Duration.ofSeconds(2)).build())
                .build();
        Collector sink = net.attachNew(net.nextAddress(), Collector::new);
        net.attachNew(net.nextAddress(), p -> new Ticker(p, sink.port.address(), 100 * MS, 50));
        assertTrue(net.runUntilIdle(Duration.ofMinutes(1)));
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            if (i < 10 || i >= 30) {
                expected.add(i);
            }
        }
        assertEquals(expected, sink.numbers());
        assertEquals(20, net.counters().droppedByBlackout());
    }

    @Test
    void shouldDropDatagramsLargerThanTheMtu(SimulatedNetwork net) {
        net.defaultImpairments(Impairments.builder().mtu(1200).build());
        Collector sink = net.attachNew(net.nextAddress(), Collector::new);
        Collector sender = net.attachNew(net.nextAddress(), Collector::new);
        sender.port.send(sink.port.address(), ByteBuffer.allocate(1200));
        sender.port.send(sink.port.address(), ByteBuffer.allocate(1201));
        assertTrue(net.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(1, sink.arrivals.size());
        assertEquals(1200, sink.arrivals.get(0).bytes().length);
        assertEquals(1, net.counters(sender.port.address(), sink.port.address()).droppedByMtu());
    }

    private static List<String> scenario(long seed) {
        SimulatedNetwork net = network(seed, Impairments.builder().loss(0.1).burstLoss(0.05, 4).duplicate(0.1)
                .reorder(0.1, Duration.ofMillis(3)).jitter(Duration.ofMillis(2)).corrupt(0.05).build());
        InetSocketAddress echo = net.nextAddress();
        net.attachNew(echo, EchoNode::new);
        Ticker client = net.attachNew(net.nextAddress(), p -> new Ticker(p, echo, MS, 2_000));
        assertTrue(net.runUntilIdle(Duration.ofMinutes(1)));
        assertTrue(client.arrivals.size() > 1_000, "echoes " + client.arrivals.size());
        List<String> trace = new ArrayList<>();
        for (Arrival a : client.arrivals) {
            trace.add(a.from() + " " + Arrays.toString(a.bytes()) + " @" + a.nanos());
        }
        return trace;
    }

    @Test
    void shouldReplayExactlyFromTheSeed(@SimulationSeed long seed) {
        List<String> first = scenario(seed);
        assertEquals(first, scenario(seed));
        assertNotEquals(first, scenario(seed + 1));
    }

    @Test
    void shouldGiveEachDirectionItsOwnFates(SimulatedNetwork net) {
        Collector a = net.attachNew(net.nextAddress(), Collector::new);
        Collector b = net.attachNew(net.nextAddress(), Collector::new);
        net.impairBoth(a.port.address(), b.port.address(), Impairments.builder().loss(0.5).build());
        for (int i = 0; i < 200; i++) {
            a.send(b.port.address(), i);
            b.send(a.port.address(), i);
        }
        assertTrue(net.runUntilIdle(Duration.ofSeconds(1)));
        assertNotEquals(a.numbers(), b.numbers());
        assertEquals(200, net.counters(a.port.address(), b.port.address()).offered());
        assertEquals(200, net.counters(b.port.address(), a.port.address()).offered());
    }

    @Test
    void shouldApplyLinkImpairmentsOverTheDefault(SimulatedNetwork net) {
        net.defaultImpairments(Impairments.builder().blackout(Duration.ZERO, Duration.ofHours(1)).build());
        Collector sink = net.attachNew(net.nextAddress(), Collector::new);
        Collector linked = net.attachNew(net.nextAddress(), Collector::new);
        Collector other = net.attachNew(net.nextAddress(), Collector::new);
        net.impair(linked.port.address(), sink.port.address(), Impairments.none());
        linked.send(sink.port.address(), 1);
        other.send(sink.port.address(), 2);
        sink.send(linked.port.address(), 3); // the reverse direction keeps the default
        assertTrue(net.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(List.of(1), sink.numbers());
        assertTrue(linked.arrivals.isEmpty());
        assertEquals(2, net.counters().droppedByBlackout());
        // Healing the default keeps the counters so far.
        net.defaultImpairments(Impairments.none());
        other.send(sink.port.address(), 4);
        assertTrue(net.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(List.of(1, 4), sink.numbers());
        assertEquals(2, net.counters().droppedByBlackout());
        assertEquals(4, net.counters().offered());
    }

    @Test
    void shouldDropDatagramsForAddressesWithNoNode(SimulatedNetwork net) {
        Collector sink = net.attachNew(net.nextAddress(), Collector::new);
        Collector sender = net.attachNew(net.nextAddress(), Collector::new);
        sender.send(net.nextAddress(), 1);
        sender.send(sink.port.address(), 2);
        sink.port.close();
        sink.port.close();
        assertFalse(sink.port.isOpen());
        assertTrue(net.runUntilIdle(Duration.ofSeconds(1)));
        assertTrue(sink.arrivals.isEmpty());
        assertEquals(2, net.undeliverable());
        assertThrows(IllegalStateException.class, () -> sink.send(sender.port.address(), 3));
        assertEquals(List.of(sender.port.address()), net.addresses());
    }

    @Test
    void shouldBoundDatagramsInFlight(@SimulationSeed long seed) {
        SimulatedNetwork net = SimulatedNetwork.builder().seed(seed).maxInFlight(10)
                .defaultImpairments(Impairments.builder().delay(Duration.ofSeconds(1)).build()).build();
        Collector sink = net.attachNew(net.nextAddress(), Collector::new);
        Collector sender = net.attachNew(net.nextAddress(), Collector::new);
        for (int i = 0; i < 25; i++) {
            sender.send(sink.port.address(), i);
        }
        assertEquals(10, net.inFlight());
        assertEquals(15, net.overflowDropped());
        assertTrue(net.runUntilIdle(Duration.ofSeconds(2)));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), sink.numbers());
    }

    @Test
    void shouldFailALivelockWithTheSeedInsteadOfHanging() {
        SimulatedNetwork net = SimulatedNetwork.builder().seed(1234).maxEventsPerRun(1_000).build();
        net.attach(net.nextAddress(), new SimNode() {
            @Override
            public void receive(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            }

            @Override
            public long update(long nowNanos) {
                return nowNanos; // always due again: time never moves
            }
        });
        SimulationException e = assertThrows(SimulationException.class,
                () -> net.runUntil(() -> false, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("exceeded 1000 events"), e.getMessage());
        assertTrue(e.getMessage().contains("replay with -Dudpkit.sim.seed=1234"), e.getMessage());
        assertEquals(1234, e.seed());
        assertEquals(0, e.virtualTimeNanos());
    }

    @Test
    void shouldWrapANodeFailureWithTheSeed() {
        SimulatedNetwork net = SimulatedNetwork.withSeed(99);
        InetSocketAddress broken = net.nextAddress();
        IllegalStateException bug = new IllegalStateException("bug");
        net.attach(broken, (from, datagram, now) -> {
            throw bug;
        });
        Collector sender = net.attachNew(net.nextAddress(), Collector::new);
        sender.send(broken, 1);
        SimulationException e = assertThrows(SimulationException.class,
                () -> net.runUntilIdle(Duration.ofSeconds(1)));
        assertSame(bug, e.getCause());
        assertTrue(e.getMessage().startsWith("node at " + broken + " failed receiving from "), e.getMessage());
        assertTrue(e.getMessage().endsWith("seed 99, replay with -Dudpkit.sim.seed=99"), e.getMessage());
    }

    @Test
    void shouldUpdateANodeWokenByAnother(SimulatedNetwork net) {
        Collector sleeper = net.attachNew(net.nextAddress(), Collector::new);
        InetSocketAddress waker = net.nextAddress();
        net.attach(waker, (from, datagram, now) -> sleeper.port.wake());
        Collector sender = net.attachNew(net.nextAddress(), Collector::new);
        net.runUntilIdle(Duration.ZERO);
        int before = sleeper.updates;
        net.impair(sender.port.address(), waker, Impairments.builder().delay(Duration.ofSeconds(3)).build());
        sender.send(waker, 1);
        assertTrue(net.runUntilIdle(Duration.ofSeconds(5)));
        // One update at the start of the run, one at 3 s when the other node woke it.
        assertEquals(before + 2, sleeper.updates);
        assertEquals(Duration.ofSeconds(3), net.elapsed());
    }

    @Test
    void shouldRejectCallerMistakes(SimulatedNetwork net) {
        InetSocketAddress address = net.nextAddress();
        Collector node = net.attachNew(address, Collector::new);
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> net.attach(address, (f, d, n) -> { }));
        assertEquals("a node is already attached at " + address, twice.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> node.port.send(address, ByteBuffer.allocate(70_000)));
        assertEquals("datagram larger than 65507 bytes: 70000", big.getMessage());
        IllegalArgumentException unresolved = assertThrows(IllegalArgumentException.class,
                () -> node.port.send(InetSocketAddress.createUnresolved("example.invalid", 1), ByteBuffer.allocate(1)));
        assertEquals("destination must be resolved: example.invalid/<unresolved>:1", unresolved.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> net.advance(Duration.ofSeconds(-1)));
        assertEquals("virtual limit must not be negative: PT-1S", negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SimulatedNetwork.builder().maxEventsPerRun(0));
        assertThrows(IllegalArgumentException.class, () -> SimulatedNetwork.builder().originNanos(-1));
    }

    @Test
    void shouldRefuseToRunFromInsideANode(SimulatedNetwork net) {
        InetSocketAddress reentrant = net.nextAddress();
        net.attach(reentrant, (from, datagram, now) -> net.advance(Duration.ofSeconds(1)));
        Collector sender = net.attachNew(net.nextAddress(), Collector::new);
        sender.send(reentrant, 1);
        SimulationException e = assertThrows(SimulationException.class,
                () -> net.runUntilIdle(Duration.ofSeconds(1)));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("the network is already running: do not run it from inside a node", e.getCause().getMessage());
    }

    @Test
    void shouldQueueAndDropTailAtABottleneck(@SimulationSeed long seed) {
        SimulatedNetwork net = SimulatedNetwork.withSeed(seed);
        Collector a = net.attachNew(net.nextAddress(), Collector::new);
        Collector b = net.attachNew(net.nextAddress(), Collector::new);
        net.bottleneck(1_000_000, 2); // 1,000 bytes a millisecond; one being sent, two waiting
        for (int i = 0; i < 5; i++) {
            a.port.send(b.port.address(), ByteBuffer.allocate(1000).putInt(0, i));
        }
        assertTrue(net.runUntilIdle(Duration.ofSeconds(1)), net.toString());
        assertEquals(List.of(0, 1, 2), b.numbers(), "three fit, the rest were dropped at the tail");
        assertEquals(2, net.bottleneckDropped());
        assertEquals(List.of(MS, 2 * MS, 3 * MS), b.arrivals.stream().map(Arrival::nanos).toList(),
                "they leave one after another at the bottleneck's rate");
    }

    @Test
    void shouldCarryAForgedDatagramFromAnyAddress(@SimulationSeed long seed) {
        SimulatedNetwork net = SimulatedNetwork.withSeed(seed);
        Collector b = net.attachNew(net.nextAddress(), Collector::new);
        InetSocketAddress forger = net.nextAddress();
        net.inject(forger, b.port.address(), ByteBuffer.allocate(4).putInt(0, 7));
        assertTrue(net.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(List.of(forger), b.arrivals.stream().map(Arrival::from).toList());
        assertEquals(List.of(7), b.numbers());
        assertEquals(0, net.sent(), "an injected datagram is not a node's");
        assertThrows(IllegalArgumentException.class, () -> net.inject(forger, b.port.address(),
                ByteBuffer.allocate(Endpoint.MAX_DATAGRAM_PAYLOAD + 1)));
    }

    @Test
    void shouldDropWhatTheDropRuleChooses_sentAndInjectedAlike(@SimulationSeed long seed) {
        SimulatedNetwork net = SimulatedNetwork.withSeed(seed);
        Collector a = net.attachNew(net.nextAddress(), Collector::new);
        Collector b = net.attachNew(net.nextAddress(), Collector::new);
        InetSocketAddress forger = net.nextAddress();
        List<Long> asked = new ArrayList<>();
        net.dropRule((index, from, to, datagram, nowNanos) -> {
            asked.add(index);
            return datagram.getInt(datagram.position()) % 2 == 1 || from.equals(forger);
        });
        a.send(b.port.address(), 1);
        a.send(b.port.address(), 2);
        net.inject(forger, b.port.address(), ByteBuffer.allocate(4).putInt(0, 4));
        b.send(a.port.address(), 3);
        assertTrue(net.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(List.of(2), b.numbers());
        assertEquals(List.of(), a.numbers());
        assertEquals(List.of(0L, 1L, 2L, 3L), asked);
        assertEquals(3, net.droppedByRule());
        assertEquals(1, net.counters().offered(), "dropped before the impairers");
        net.dropRule(SimulatedNetwork.DropRule.NONE);
        b.send(a.port.address(), 5);
        assertTrue(net.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(List.of(5), a.numbers());
        assertThrows(NullPointerException.class, () -> net.dropRule(null));
    }

    @Test
    void shouldMoveANodeToItsNewAddressWhenItIsRebound(@SimulationSeed long seed) {
        SimulatedNetwork net = SimulatedNetwork.withSeed(seed);
        Collector a = net.attachNew(net.nextAddress(), Collector::new);
        Collector b = net.attachNew(net.nextAddress(), Collector::new);
        InetSocketAddress before = a.port.address();
        InetSocketAddress after = net.nextAddress();
        a.port.rebind(after);
        a.send(b.port.address(), 1);
        b.send(before, 2);
        b.send(after, 3);
        assertTrue(net.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals(after, b.arrivals.get(0).from(), "a's datagrams come from its new address");
        assertEquals(List.of(3), a.numbers(), "and reach it only there");
        assertEquals(1, net.undeliverable());
        assertThrows(IllegalArgumentException.class, () -> a.port.rebind(b.port.address()));
    }
}
