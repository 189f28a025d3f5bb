package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryException;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.core.protocol.EngineNet.Node;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A conversation refused with a reason, and one closed with a reason: the other side hears the
 * reason, in its failed sends and in its disconnection event.
 */
@Timeout(60)
class RefuseAndCloseTest {
    private static final long SECOND = 1000 * MS;

    /** Wraps a node's output to refuse conversations whose first message is not "hello", and to record details. */
    private static final class Gate implements EngineOutput {
        final Node node;
        final List<String> details = new ArrayList<>();
        final List<String> asked = new ArrayList<>();

        Gate(Node node) {
            this.node = node;
        }

        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            node.transmit(to, datagram);
        }

        @Override
        public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
            node.deliver(from, mode, payload, nowNanos);
        }

        @Override
        public String refuse(InetSocketAddress peer, ByteBuffer firstMessage) {
            String text = StandardCharsets.UTF_8.decode(firstMessage).toString();
            asked.add(text);
            if (text.equals("long")) {
                return "€".repeat(100); // 300 bytes of UTF-8: cut to 198, between characters
            }
            return text.equals("hello") ? null : "room full, try later";
        }

        @Override
        public void peerDisconnected(InetSocketAddress peer, DisconnectReason reason, String detail) {
            details.add(reason + " " + detail);
            node.peerDisconnected(peer, reason);
        }
    }

    private static Throwable failure(CompletableFuture<Void> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return e.getCause();
    }

    @Test
    void shouldTellARefusedClientWhy() {
        EngineNet net = new EngineNet(801);
        Node server = net.node(EngineNet.config(1).build());
        Gate gate = new Gate(server);
        server.engine = new Engine(EngineNet.config(1).build(), gate, net.now());
        Node client = net.node(EngineNet.config(2).build());
        Gate clientGate = new Gate(client);
        client.engine = new Engine(EngineNet.config(2).build(), clientGate, net.now());

        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        client.engine.send(server.address, DeliveryMode.RELIABLE, "let me in".getBytes(StandardCharsets.UTF_8),
                first, net.now());
        client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(2, 10), second, net.now());
        assertTrue(net.runUntil(() -> first.isDone() && second.isDone(), 10 * SECOND));

        assertEquals(List.of("let me in"), gate.asked, "the server's application saw the connect payload");
        assertTrue(server.delivered.isEmpty(), "nothing of a refused conversation is delivered");
        assertEquals(0, server.engine.peerCount());
        assertEquals(List.of("REFUSED refused: room full, try later"), gate.details);
        DeliveryException e = assertInstanceOf(DeliveryException.class, failure(second));
        assertTrue(e.getMessage().contains("refused by peer: room full, try later"), e.getMessage());
        assertEquals(List.of(DisconnectReason.REFUSED), client.disconnects);
        assertEquals(List.of("REFUSED refused by peer: room full, try later"), clientGate.details);
    }

    @Test
    void shouldCutALongRefusalBetweenCharacters() {
        EngineNet net = new EngineNet(804);
        Node server = net.node(EngineNet.config(1).build());
        server.engine = new Engine(EngineNet.config(1).build(), new Gate(server), net.now());
        Node client = net.node(EngineNet.config(2).build());
        CompletableFuture<Void> f = new CompletableFuture<>();
        client.engine.send(server.address, DeliveryMode.RELIABLE, "long".getBytes(StandardCharsets.UTF_8), f, net.now());
        assertTrue(net.runUntil(f::isDone, 10 * SECOND));
        DeliveryException e = assertInstanceOf(DeliveryException.class, failure(f));
        assertTrue(e.getMessage().contains("refused by peer: " + "€".repeat(66)), e.getMessage());
        assertFalse(e.getMessage().contains("€".repeat(67)), e.getMessage());
    }

    @Test
    void shouldAcceptAndNotAskAgain() {
        EngineNet net = new EngineNet(802);
        Node server = net.node(EngineNet.config(1).build());
        Gate gate = new Gate(server);
        server.engine = new Engine(EngineNet.config(1).build(), gate, net.now());
        Node client = net.node(EngineNet.config(2).build());
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (String text : List.of("hello", "second", "third")) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            client.engine.send(server.address, DeliveryMode.RELIABLE, text.getBytes(StandardCharsets.UTF_8), f,
                    net.now());
            sends.add(f);
        }
        assertTrue(net.runUntil(() -> sends.stream().allMatch(CompletableFuture::isDone), 10 * SECOND));
        sends.forEach(CompletableFuture::join);
        assertEquals(List.of("hello"), gate.asked, "asked once, on the first message");
        assertEquals(3, server.delivered.size());
    }

    @Test
    void shouldGiveThePeerTheReasonAConversationWasClosed() {
        EngineNet net = new EngineNet(803);
        Node a = net.node(EngineNet.config(1).build());
        Node b = net.node(EngineNet.config(2).build());
        Gate gateB = new Gate(b);
        b.engine = new Engine(EngineNet.config(2).build(), gateB, net.now());
        CompletableFuture<Void> hello = new CompletableFuture<>();
        b.engine.send(a.address, DeliveryMode.RELIABLE, numbered(1, 10), hello, net.now());
        assertTrue(net.runUntil(hello::isDone, 5 * SECOND));
        hello.join();
        // b has a send in flight when a closes the conversation, with a reason.
        net.dropRule = (from, to, bytes) -> from.equals(b.address);
        CompletableFuture<Void> pending = new CompletableFuture<>();
        b.engine.send(a.address, DeliveryMode.RELIABLE, numbered(2, 10), pending, net.now());
        net.runFor(5 * MS);
        net.dropRule = (from, to, bytes) -> false;
        CompletableFuture<Void> fromA = new CompletableFuture<>();
        a.engine.send(b.address, DeliveryMode.RELIABLE, numbered(3, 10), fromA, net.now());
        assertTrue(a.engine.disconnect(b.address, "maintenance at 10:00", net.now()));
        assertFalse(a.engine.disconnect(b.address, "again", net.now()), "no conversation left");
        assertInstanceOf(EndpointClosedException.class, failure(fromA));
        assertTrue(net.runUntil(pending::isDone, 5 * SECOND));

        DeliveryException e = assertInstanceOf(DeliveryException.class, failure(pending));
        assertTrue(e.getMessage().contains("peer closed: maintenance at 10:00"), e.getMessage());
        assertEquals(List.of("CLOSED_BY_PEER peer closed: maintenance at 10:00"), gateB.details);
        assertEquals(List.of(DisconnectReason.CLOSED_LOCALLY), a.disconnects);
        assertThrows(IllegalArgumentException.class, () -> a.engine.disconnect(b.address, "x".repeat(201), net.now()));
    }
}
