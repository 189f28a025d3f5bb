package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.DeliveryException;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.MessageTooLargeException;
import io.github.udpkit.core.protocol.EngineNet.Node;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Peer lifecycle, failures and limits of the engine. */
@Timeout(20)
class EngineLifecycleTest {
    private static final long SECOND = 1000 * MS;

    private static Throwable failure(CompletableFuture<Void> f) {
        assertTrue(f.isCompletedExceptionally(), "expected a failed future");
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return e.getCause();
    }

    private static CompletableFuture<Void> send(EngineNet net, Node from, Node to, DeliveryMode mode, int n) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        from.engine.send(to.address, mode, numbered(n, 64), f, net.now());
        return f;
    }

    @Test
    void shouldFailWithDeliveryExceptionWhenRetriesRunOut() {
        EngineNet net = new EngineNet(101);
        Node a = net.node(EngineNet.config(1).maxTransmissions(5).build());
        Node b = net.node(EngineNet.config(2).build());
        net.dropRule = (from, to, bytes) -> true; // b never hears anything
        CompletableFuture<Void> f = send(net, a, b, DeliveryMode.RELIABLE, 1);
        CompletableFuture<Void> queuedBehind = send(net, a, b, DeliveryMode.RELIABLE_UNORDERED, 2);
        assertTrue(net.runUntil(f::isDone, 120 * SECOND));
        DeliveryException e = assertInstanceOf(DeliveryException.class, failure(f));
        assertEquals(b.address, e.peer());
        assertEquals(5, e.attempts());
        assertTrue(e.elapsed().compareTo(Duration.ofSeconds(1)) > 0, "five sends with back-off take seconds: " + e.elapsed());
        assertTrue(e.getMessage().contains("retries exhausted"), e.getMessage());
        assertInstanceOf(DeliveryException.class, failure(queuedBehind));
        assertEquals(List.of(DisconnectReason.UNREACHABLE), a.disconnects);
        assertEquals(0, a.engine.peerCount());
        assertEquals(2, a.engine.metrics().deliveryFailures());
    }

    @Test
    void shouldFailWhenTheDeliveryDeadlinePasses() {
        EngineNet net = new EngineNet(102);
        Node a = net.node(EngineNet.config(1).deliveryDeadline(Duration.ofMillis(300)).build());
        Node b = net.node(EngineNet.config(2).build());
        net.dropRule = (from, to, bytes) -> true;
        CompletableFuture<Void> f = send(net, a, b, DeliveryMode.RELIABLE, 1);
        long start = net.now();
        assertTrue(net.runUntil(f::isDone, 10 * SECOND));
        DeliveryException e = assertInstanceOf(DeliveryException.class, failure(f));
        assertTrue(e.getMessage().contains("deadline"), e.getMessage());
        assertEquals(300 * MS, net.now() - start, "fails exactly at the deadline");
        assertEquals(1, e.attempts(), "the initial RTO of 1 s never expired");
        assertEquals(Duration.ofMillis(300), e.elapsed());
    }

    @Test
    void shouldRecoverAfterABlackoutShorterThanTheRetries() {
        EngineNet net = new EngineNet(103);
        net.loss = 0.05;
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            futures.add(send(net, a, b, DeliveryMode.RELIABLE, i));
        }
        long blackoutStart = 20 * MS;
        net.dropRule = (from, to, bytes) -> net.now() >= blackoutStart && net.now() < blackoutStart + 2 * SECOND;
        assertTrue(net.runUntil(() -> futures.stream().allMatch(CompletableFuture::isDone), 120 * SECOND));
        assertTrue(futures.stream().noneMatch(CompletableFuture::isCompletedExceptionally), net.describe());
        assertEquals(600, b.delivered.size());
        for (int i = 0; i < 600; i++) {
            assertEquals(i, b.delivered.get(i).number());
        }
    }

    @Test
    void shouldTimeOutASilentPeer() {
        EngineNet net = new EngineNet(104);
        EngineConfig config = EngineNet.config(1).keepAliveInterval(Duration.ofSeconds(1))
                .idleTimeout(Duration.ofSeconds(3)).build();
        Node a = net.node(config);
        Node b = net.node(EngineNet.config(2).keepAliveInterval(Duration.ZERO).build());
        send(net, a, b, DeliveryMode.RELIABLE, 1);
        net.runFor(100 * MS);
        assertEquals(1, b.delivered.size());
        net.remove(b); // b vanishes without a word
        assertTrue(net.runUntil(() -> !a.disconnects.isEmpty(), 10 * SECOND));
        assertEquals(List.of(DisconnectReason.TIMED_OUT), a.disconnects);
        // b's only datagram, its ACK, left 5 ms (the ACK delay) after the message arrived at 1 ms,
        // and reached a at 7 ms; a gives up exactly 3 s later, despite its own keep-alives.
        assertEquals(3 * SECOND + 7 * MS, net.now());
    }

    @Test
    void shouldKeepAQuietConversationAliveWithPings() {
        EngineNet net = new EngineNet(105);
        EngineConfig.Builder config = EngineNet.config(1).keepAliveInterval(Duration.ofSeconds(1))
                .idleTimeout(Duration.ofSeconds(3));
        Node a = net.node(config.build());
        Node b = net.node(config.seed(2).build());
        send(net, a, b, DeliveryMode.RELIABLE, 1);
        net.runFor(30 * SECOND);
        assertTrue(a.disconnects.isEmpty() && b.disconnects.isEmpty(), "keep-alives prevent idle timeouts");
        assertEquals(1, a.engine.peerCount());
        long pings = a.engine.metrics().datagramsSent() + b.engine.metrics().datagramsSent();
        assertTrue(pings >= 30 && pings <= 70, "about one PING and one ACK per second: " + pings);
    }

    @Test
    void shouldCloseLocallyAndTellThePeer() {
        EngineNet net = new EngineNet(106);
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        send(net, a, b, DeliveryMode.RELIABLE, 1);
        net.runFor(100 * MS);
        net.dropRule = (from, to, bytes) -> from.equals(b.address); // b's ACKs are lost from now on
        CompletableFuture<Void> pending = send(net, a, b, DeliveryMode.RELIABLE, 2);
        net.runFor(10 * MS);
        a.engine.close(net.now());
        assertInstanceOf(EndpointClosedException.class, failure(pending));
        assertEquals(List.of(DisconnectReason.CLOSED_LOCALLY), a.disconnects);
        a.engine.close(net.now()); // idempotent
        assertEquals(1, a.disconnects.size());
        net.runFor(100 * MS);
        assertEquals(List.of(DisconnectReason.CLOSED_BY_PEER), b.disconnects);
        assertEquals(a.address, b.disconnected.get(0));
        CompletableFuture<Void> late = send(net, a, b, DeliveryMode.RELIABLE, 3);
        assertInstanceOf(EndpointClosedException.class, failure(late));
        assertEquals(Engine.NO_DEADLINE, a.engine.update(net.now()));
    }

    @Test
    void shouldAcknowledgeWhatArrivedInTheGoodbye() {
        EngineNet net = new EngineNet(115);
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        CompletableFuture<Void> last = send(net, a, b, DeliveryMode.RELIABLE, 1);
        assertTrue(net.runUntil(() -> b.delivered.size() == 1, 100 * MS));
        b.engine.close(net.now()); // before its delayed ACK went out
        net.runFor(200 * MS);
        assertTrue(last.isDone() && !last.isCompletedExceptionally(),
                "the CLOSE carried the ACK, so the sender knows its message arrived: " + last);
        assertEquals(List.of(DisconnectReason.CLOSED_BY_PEER), a.disconnects);
    }

    @Test
    void shouldRefuseSendsBeyondTheQueueWithBackPressure() {
        EngineNet net = new EngineNet(107);
        Node a = net.node(EngineNet.config(1).maxQueuedMessages(10).build());
        Node b = net.node(EngineNet.config(2).build());
        List<CompletableFuture<Void>> accepted = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            accepted.add(send(net, a, b, DeliveryMode.RELIABLE, i));
        }
        assertEquals(10, a.engine.queuedMessages(b.address));
        CompletableFuture<Void> refused = send(net, a, b, DeliveryMode.UNRELIABLE, 10);
        Throwable e = failure(refused);
        assertInstanceOf(BackPressureException.class, e);
        assertTrue(e.getMessage().contains(b.address.toString()), e.getMessage());
        assertEquals(1, a.engine.metrics().backPressureRefusals());
        assertTrue(net.runUntil(() -> accepted.stream().allMatch(CompletableFuture::isDone), 10 * SECOND));
        assertEquals(0, a.engine.queuedMessages(b.address));
        CompletableFuture<Void> later = send(net, a, b, DeliveryMode.RELIABLE, 11);
        assertTrue(net.runUntil(later::isDone, 10 * SECOND));
        assertFalse(later.isCompletedExceptionally(), "room again once acknowledged");
    }

    @Test
    void shouldRefuseBytesBeyondTheQueueWithBackPressure() {
        EngineNet net = new EngineNet(108);
        Node a = net.node(EngineNet.config(1).maxMessageSize(1000).maxQueuedBytes(2500).build());
        Node b = net.node(EngineNet.config(2).build());
        for (int i = 0; i < 2; i++) {
            a.engine.send(b.address, DeliveryMode.RELIABLE, new byte[1000], new CompletableFuture<>(), net.now());
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        a.engine.send(b.address, DeliveryMode.RELIABLE, new byte[1000], f, net.now());
        assertInstanceOf(BackPressureException.class, failure(f));
    }

    @Test
    void shouldEvictTheLeastRecentlyActiveIdlePeer() {
        EngineNet net = new EngineNet(109);
        Node server = net.node(EngineNet.config(1).maxPeers(2).build());
        Node c1 = net.node(EngineNet.config(2).build());
        Node c2 = net.node(EngineNet.config(3).build());
        Node c3 = net.node(EngineNet.config(4).build());
        send(net, c1, server, DeliveryMode.RELIABLE, 1);
        net.runFor(50 * MS);
        send(net, c2, server, DeliveryMode.RELIABLE, 2);
        net.runFor(50 * MS);
        send(net, c1, server, DeliveryMode.RELIABLE, 3); // c1 is now more recent than c2
        net.runFor(50 * MS);
        send(net, c3, server, DeliveryMode.RELIABLE, 4);
        net.runFor(50 * MS);
        assertEquals(List.of(DisconnectReason.EVICTED), server.disconnects);
        assertEquals(c2.address, server.disconnected.get(0));
        assertEquals(4, server.delivered.size());
        assertEquals(1, server.engine.metrics().peersEvicted());
        assertEquals(2, server.engine.peerCount());
    }

    @Test
    void shouldRefuseANewPeerWhenEveryPeerIsBusy() {
        EngineNet net = new EngineNet(110);
        Node a = net.node(EngineNet.config(1).maxPeers(1).build());
        Node b = net.node(EngineNet.config(2).build());
        Node c = net.node(EngineNet.config(3).build());
        net.dropRule = (from, to, bytes) -> true;
        CompletableFuture<Void> toB = send(net, a, b, DeliveryMode.RELIABLE, 1); // b stays busy: never acked
        CompletableFuture<Void> toC = send(net, a, c, DeliveryMode.RELIABLE, 2);
        assertInstanceOf(BackPressureException.class, failure(toC));
        assertFalse(toB.isDone());
        assertEquals(1, a.engine.metrics().peersRefused());
        assertEquals(1, a.engine.metrics().backPressureRefusals());
    }

    @Test
    void shouldResumeDeliveryToAPeerThatRestarted() {
        EngineNet net = new EngineNet(111);
        net.loss = 0.05;
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        List<CompletableFuture<Void>> first = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            first.add(send(net, a, b, DeliveryMode.RELIABLE, i));
        }
        assertTrue(net.runUntil(() -> first.stream().allMatch(CompletableFuture::isDone), 30 * SECOND));
        net.restart(b, EngineNet.config(3).build()); // b's process restarts with a new engine, same address
        b.delivered.clear();
        List<CompletableFuture<Void>> second = new ArrayList<>();
        for (int i = 100; i < 300; i++) {
            second.add(send(net, a, b, DeliveryMode.RELIABLE, i));
        }
        assertTrue(net.runUntil(() -> second.stream().allMatch(CompletableFuture::isDone), 60 * SECOND),
                net.describe());
        assertTrue(second.stream().noneMatch(CompletableFuture::isCompletedExceptionally), net.describe());
        assertEquals(200, b.delivered.size(), net.describe());
        for (int i = 0; i < 200; i++) {
            assertEquals(100 + i, b.delivered.get(i).number(), "in order after the restart; " + net.describe());
        }
        assertEquals(1, a.engine.metrics().peerRestarts());
        assertTrue(b.engine.metrics().staleSessionDropped() > 0, "the new b rejects datagrams for the old one");
    }

    @Test
    void shouldStartAFreshConversationAfterEvictingAPeer() {
        EngineNet net = new EngineNet(112);
        Node server = net.node(EngineNet.config(1).maxPeers(1).build());
        Node c1 = net.node(EngineNet.config(2).build());
        Node c2 = net.node(EngineNet.config(3).build());
        for (int i = 0; i < 5; i++) {
            send(net, c1, server, DeliveryMode.RELIABLE, i);
        }
        net.runFor(100 * MS);
        send(net, c2, server, DeliveryMode.RELIABLE, 100); // evicts c1
        net.runFor(100 * MS);
        List<CompletableFuture<Void>> more = new ArrayList<>();
        for (int i = 5; i < 10; i++) {
            more.add(send(net, c1, server, DeliveryMode.RELIABLE, i)); // c1 still thinks it is talking: stale session
        }
        assertTrue(net.runUntil(() -> more.stream().allMatch(CompletableFuture::isDone), 30 * SECOND));
        assertTrue(more.stream().noneMatch(CompletableFuture::isCompletedExceptionally));
        List<Integer> fromC1 = new ArrayList<>();
        server.delivered.stream().filter(d -> d.from().equals(c1.address)).forEach(d -> fromC1.add(d.number()));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), fromC1);
    }

    @Test
    void shouldRejectCallerMistakesAtOnce() {
        EngineNet net = new EngineNet(113);
        Node a = net.node(EngineNet.config(1).maxMessageSize(1000).build());
        Node b = net.node(EngineNet.config(2).build());
        CompletableFuture<Void> f = new CompletableFuture<>();
        IllegalArgumentException raw = assertThrows(IllegalArgumentException.class,
                () -> a.engine.send(b.address, DeliveryMode.RAW, new byte[1], f, 0));
        assertTrue(raw.getMessage().contains("RAW"), raw.getMessage());
        MessageTooLargeException big = assertThrows(MessageTooLargeException.class,
                () -> a.engine.send(b.address, DeliveryMode.RELIABLE, new byte[1001], f, 0));
        assertTrue(big.getMessage().contains("1001"), big.getMessage());
        assertEquals(1, a.engine.metrics().oversized());
        assertThrows(IllegalArgumentException.class, () -> a.engine.send(
                InetSocketAddress.createUnresolved("example.invalid", 1), DeliveryMode.RELIABLE, new byte[1], f, 0));
        assertThrows(NullPointerException.class, () -> a.engine.send(b.address, DeliveryMode.RELIABLE, null, f, 0));
        assertThrows(NullPointerException.class, () -> a.engine.send(b.address, null, new byte[1], f, 0));
        assertThrows(NullPointerException.class, () -> a.engine.send(null, DeliveryMode.RELIABLE, new byte[1], f, 0));
        assertFalse(f.isDone());
        assertEquals(0, a.engine.peerCount());
    }

    @Test
    void shouldRefuseReentrantReceiveAndUpdateFromCallbacks() {
        List<Throwable> errors = new ArrayList<>();
        Engine[] self = new Engine[1];
        EngineOutput output = new EngineOutput() {
            @Override
            public void transmit(InetSocketAddress to, ByteBuffer datagram) {
                try {
                    self[0].update(0);
                } catch (IllegalStateException e) {
                    errors.add(e);
                }
            }

            @Override
            public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
            }
        };
        self[0] = new Engine(EngineNet.config(1).build(), output, 0);
        self[0].send(new InetSocketAddress("127.0.0.1", 9), DeliveryMode.UNRELIABLE, new byte[1],
                new CompletableFuture<>(), 0);
        self[0].update(0);
        assertEquals(1, errors.size());
    }

    @Test
    void shouldLetCallbacksSendAndClose() {
        EngineNet net = new EngineNet(114);
        Node a = net.node(EngineNet.config(1).build());
        Node echo = net.node(EngineNet.config(2).build());
        // Replace b's engine with one whose output echoes every message back.
        EngineOutput echoing = new EngineOutput() {
            @Override
            public void transmit(InetSocketAddress to, ByteBuffer datagram) {
                echo.transmit(to, datagram);
            }

            @Override
            public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
                byte[] copy = new byte[payload.remaining()];
                payload.get(copy);
                echo.engine.send(from, mode, copy, new CompletableFuture<>(), nowNanos);
                if (ByteBuffer.wrap(copy).getInt() == 99) {
                    echo.engine.close(nowNanos);
                }
            }
        };
        echo.engine = new Engine(EngineNet.config(2).build(), echoing, net.now());
        for (int i = 0; i < 100; i++) {
            send(net, a, echo, DeliveryMode.RELIABLE, i);
        }
        net.runFor(SECOND);
        assertTrue(echo.engine.isClosed());
        assertTrue(a.delivered.size() < 100, "the echo closed on message 99 before echoing it all");
        for (int i = 0; i < a.delivered.size(); i++) {
            assertArrayEquals(numbered(i, 64), a.delivered.get(i).bytes());
        }
        assertEquals(List.of(DisconnectReason.CLOSED_BY_PEER), a.disconnects);
    }
}
