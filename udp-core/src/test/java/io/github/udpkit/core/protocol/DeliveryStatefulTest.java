package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Two engines and a network that jqwik drives action by action: sends, deliveries in any order,
 * drops, duplicates and the passing of time. Against a model of what was sent, the receiver
 * delivers every message at most once (and, for RELIABLE, in order) at every step, and exactly
 * once when the network finally lets everything through.
 */
class DeliveryStatefulTest {

    static final class Link {
        final DeliveryMode mode;
        final InetSocketAddress addressA = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
        final InetSocketAddress addressB = new InetSocketAddress(InetAddress.getLoopbackAddress(), 2);
        final List<byte[]> toB = new ArrayList<>();
        final List<byte[]> toA = new ArrayList<>();
        final List<Integer> delivered = new ArrayList<>();
        final Map<Integer, byte[]> sent = new HashMap<>();
        final List<CompletableFuture<Void>> futures = new ArrayList<>();
        final Engine a;
        final Engine b;
        long now;

        Link(DeliveryMode mode) {
            this.mode = mode;
            EngineConfig.Builder config = EngineConfig.builder().keepAliveInterval(Duration.ZERO)
                    .idleTimeout(Duration.ofDays(1)).deliveryDeadline(Duration.ofDays(1)).maxTransmissions(1000)
                    .receiveWindow(32);
            a = new Engine(config.seed(1).build(), new Capture(toB), 0);
            b = new Engine(config.seed(2).build(), new Capture(toA) {
                @Override
                public void deliver(InetSocketAddress from, DeliveryMode m, ByteBuffer payload, long nowNanos) {
                    byte[] bytes = new byte[payload.remaining()];
                    payload.get(bytes);
                    int number = ByteBuffer.wrap(bytes).getInt();
                    assertArrayEquals(sent.get(number), bytes, "content of message " + number);
                    delivered.add(number);
                }
            }, 0);
        }

        void send(int size) {
            int number = sent.size();
            byte[] payload = numbered(number, size);
            sent.put(number, payload);
            CompletableFuture<Void> f = new CompletableFuture<>();
            futures.add(f);
            a.send(addressB, mode, payload, f, now);
            a.update(now);
        }

        void deliverToB(int i) {
            b.receive(addressA, ByteBuffer.wrap(toB.remove(i)), now);
            b.update(now);
        }

        void deliverToA(int i) {
            a.receive(addressB, ByteBuffer.wrap(toA.remove(i)), now);
            a.update(now);
        }

        void tick(long millis) {
            now += millis * 1_000_000;
            a.update(now);
            b.update(now);
        }

        void check() {
            Set<Integer> unique = new HashSet<>(delivered);
            assertEquals(unique.size(), delivered.size(), "a message was delivered twice: " + delivered);
            for (int n : delivered) {
                assertTrue(sent.containsKey(n), "delivered a message never sent: " + n);
            }
            if (mode == DeliveryMode.RELIABLE) {
                for (int i = 0; i < delivered.size(); i++) {
                    assertEquals(i, delivered.get(i), "RELIABLE delivers in send order: " + delivered);
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertFalse(futures.get(i).isCompletedExceptionally(), "message " + i + " failed");
                if (mode == DeliveryMode.RELIABLE_UNORDERED && futures.get(i).isDone()) {
                    assertTrue(unique.contains(i), "acknowledged but not delivered: " + i);
                }
            }
        }

        /** Lets the network carry everything, in order, until every send is acknowledged. */
        void settle() {
            for (int round = 0; round < 10_000 && !futures.stream().allMatch(CompletableFuture::isDone); round++) {
                while (!toB.isEmpty() || !toA.isEmpty()) {
                    if (!toB.isEmpty()) {
                        deliverToB(0);
                    }
                    if (!toA.isEmpty()) {
                        deliverToA(0);
                    }
                }
                tick(50);
            }
            check();
            assertEquals(sent.size(), delivered.size(), "every message delivered once: " + delivered);
            assertTrue(futures.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
        }

        @Override
        public String toString() {
            return mode + " sent=" + sent.size() + " delivered=" + delivered;
        }
    }

    private static class Capture implements EngineOutput {
        private final List<byte[]> into;

        Capture(List<byte[]> into) {
            this.into = into;
        }

        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            byte[] bytes = new byte[datagram.remaining()];
            datagram.get(bytes);
            into.add(bytes);
        }

        @Override
        public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
        }
    }

    private static Action.Dependent<Link> onDatagram(String name, Function<Link, List<byte[]>> queue,
            java.util.function.BiConsumer<Link, Integer> effect) {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(Link state) {
                return !queue.apply(state).isEmpty();
            }

            @Override
            public Arbitrary<Transformer<Link>> transformer(Link state) {
                return Arbitraries.integers().between(0, queue.apply(state).size() - 1)
                        .map(i -> Transformer.mutate(name + " " + i, s -> effect.accept(s, i)));
            }
        };
    }

    @Provide
    Arbitrary<ActionChain<Link>> chains() {
        Action.Independent<Link> send = () -> Arbitraries.of(8, 64, 64, 64, 1500, 4000)
                .map(size -> Transformer.mutate("send " + size + " bytes", s -> s.send(size)));
        Action.Independent<Link> tick = () -> Arbitraries.of(1L, 5L, 20L, 100L, 400L, 2000L)
                .map(ms -> Transformer.mutate("wait " + ms + " ms", s -> s.tick(ms)));
        return Arbitraries.of(DeliveryMode.RELIABLE, DeliveryMode.RELIABLE_UNORDERED).flatMap(mode ->
                ActionChain.startWith(() -> new Link(mode))
                        .withAction(3, send)
                        .withAction(2, tick)
                        .withAction(4, onDatagram("deliver to b", s -> s.toB, Link::deliverToB))
                        .withAction(4, onDatagram("deliver to a", s -> s.toA, Link::deliverToA))
                        .withAction(1, onDatagram("drop to b", s -> s.toB, (s, i) -> s.toB.remove((int) i)))
                        .withAction(1, onDatagram("drop to a", s -> s.toA, (s, i) -> s.toA.remove((int) i)))
                        .withAction(1, onDatagram("duplicate to b", s -> s.toB, (s, i) -> s.toB.add(s.toB.get(i))))
                        .withAction(1, onDatagram("duplicate to a", s -> s.toA, (s, i) -> s.toA.add(s.toA.get(i))))
                        .withMaxTransformations(120));
    }

    @Property(tries = 150)
    void shouldDeliverExactlyOnceAndInOrderWhateverTheNetworkDoes(@ForAll("chains") ActionChain<Link> chain) {
        Link end = chain.withInvariant("at most once, in order", Link::check).run();
        end.settle();
    }
}
