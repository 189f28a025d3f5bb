package io.github.udpkit.core;

import static io.github.udpkit.core.RawEndpointTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.Connection;
import io.github.udpkit.api.ConnectionRefusedException;
import io.github.udpkit.api.ConnectionState;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.Disconnection;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.EndpointListener;
import io.github.udpkit.api.Message;
import io.github.udpkit.core.protocol.EngineConfig;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connection handles over loopback sockets: connect with a payload, accept or refuse, close with a reason, list. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionHandleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Admits "token 42" and refuses anything else, naming what it got; records what each event saw. */
    private static final class Gate implements EndpointListener {
        final List<String> requests = new CopyOnWriteArrayList<>();
        final List<Connection<?>> connected = new CopyOnWriteArrayList<>();
        final List<String> disconnected = new CopyOnWriteArrayList<>();
        volatile Endpoint<String> endpoint;

        @Override
        public String onConnectRequest(InetSocketAddress peer, ByteBuffer firstMessage) {
            String hello = StandardCharsets.UTF_8.decode(firstMessage).toString();
            // The handle exists already, waiting for this decision.
            requests.add(hello + " " + endpoint.connection(peer).map(Connection::state).orElse(null));
            return hello.equals("token 42") ? null : "unknown token: " + hello;
        }

        @Override
        public void onConnected(Connection<?> connection) {
            connected.add(connection);
        }

        @Override
        public void onDisconnected(Connection<?> connection, DisconnectReason reason, String detail) {
            disconnected.add(connection.state() + " " + reason + " " + detail);
        }
    }

    private static Endpoint<String> open(EndpointListener listener) {
        return Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).listener(listener).open();
    }

    private static Endpoint<String> open() {
        return open(new EndpointListener() { });
    }

    @Test
    void shouldFailConnectWithTheReasonTheServerRefusedWith() throws Exception {
        Gate gate = new Gate();
        try (Endpoint<String> server = open(gate); Endpoint<String> client = open()) {
            gate.endpoint = server;
            CompletableFuture<Connection<String>> refused = client.connect(server.localAddress(), "token 7");
            ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
            ConnectionRefusedException refusal = assertInstanceOf(ConnectionRefusedException.class, e.getCause());
            assertEquals("unknown token: token 7", refusal.reason());
            assertEquals(server.localAddress(), refusal.peer());
            assertEquals(List.of("token 7 CONNECTING"), gate.requests);
            assertTrue(client.connections().isEmpty(), "a refused conversation is gone: " + client.connections());
            awaitTrue(() -> gate.disconnected.size() == 1);
            assertEquals(List.of("CLOSED REFUSED refused: unknown token: token 7"), gate.disconnected);
            assertTrue(gate.connected.isEmpty(), "a refused conversation never opened");
            assertTrue(server.poll().isEmpty(), "nothing of a refused conversation is delivered");
        }
    }

    @Test
    void shouldOpenAnAcceptedConnectionOnBothSides() throws Exception {
        Gate gate = new Gate();
        try (Endpoint<String> server = open(gate); Endpoint<String> client = open()) {
            gate.endpoint = server;
            Connection<String> c = client.connect(server.localAddress(), "token 42").get(10, TimeUnit.SECONDS);
            assertEquals(ConnectionState.OPEN, c.state());
            assertEquals(server.localAddress(), c.remoteAddress());
            assertEquals(List.of(c), client.connections());
            assertSame(c, client.connection(server.localAddress()).orElseThrow());
            Message<String> first = server.receive(WAIT);
            assertEquals("token 42", first.payload());
            assertEquals(List.of("token 42 CONNECTING"), gate.requests);
            assertEquals(1, gate.connected.size());
            Connection<?> accepted = gate.connected.get(0);
            assertEquals(ConnectionState.OPEN, accepted.state());
            assertEquals(first.sender(), accepted.remoteAddress());
            assertEquals(List.of(accepted), server.connections());
            // Connecting again goes on the same conversation: no second request, the same handle.
            assertSame(c, client.connect(server.localAddress(), "again").get(10, TimeUnit.SECONDS));
            assertEquals("again", server.receive(WAIT).payload());
            assertEquals(1, gate.requests.size());
            // The handle's sends go to its peer, on the channel chosen; its stats count them.
            c.send("on seven").channel(7).toPeer().get(10, TimeUnit.SECONDS);
            Message<String> m = server.receive(WAIT);
            assertEquals("on seven", m.payload());
            assertEquals(7, m.channel());
            var stats = c.stats();
            assertEquals(server.localAddress(), stats.remote());
            assertTrue(stats.datagramsSent() >= 3 && stats.datagramsReceived() > 0, stats.toString());
            assertTrue(stats.smoothedRtt().compareTo(Duration.ZERO) > 0, stats.toString());
        }
    }

    @Test
    void shouldTellThePeerTheReasonAHandleClosedWith() throws Exception {
        Gate gate = new Gate();
        try (Endpoint<String> server = open(gate); Endpoint<String> client = open()) {
            gate.endpoint = server;
            Connection<String> c = client.connect(server.localAddress(), "token 42").get(10, TimeUnit.SECONDS);
            server.receive(WAIT);
            @SuppressWarnings("unchecked")
            Connection<String> accepted = (Connection<String>) gate.connected.get(0);
            assertTrue(accepted.close("closing for maintenance"));
            assertFalse(accepted.close("again"), "closing a closed connection does nothing");
            assertEquals(new Disconnection(DisconnectReason.CLOSED_LOCALLY, "closed locally: closing for maintenance"),
                    accepted.closed().get(10, TimeUnit.SECONDS));
            assertEquals(new Disconnection(DisconnectReason.CLOSED_BY_PEER, "peer closed: closing for maintenance"),
                    c.closed().get(10, TimeUnit.SECONDS));
            assertEquals(ConnectionState.CLOSED, c.state());
            assertEquals(ConnectionState.CLOSED, accepted.state());
            assertTrue(client.connections().isEmpty() && server.connections().isEmpty());
            assertEquals(List.of("CLOSED CLOSED_LOCALLY closed locally: closing for maintenance"), gate.disconnected);
            // A closed handle refuses at once, saying why.
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.send("late"));
            assertTrue(e.getMessage().contains("is closed (CLOSED_BY_PEER: peer closed: closing for maintenance)"),
                    e.getMessage());
            assertThrows(IllegalStateException.class, c::stats);
            // A new conversation gets a new handle; the old one stays closed.
            Connection<String> again = client.connect(server.localAddress(), "token 42").get(10, TimeUnit.SECONDS);
            assertFalse(again == c, "a new conversation, a new handle");
            assertEquals(ConnectionState.CLOSED, c.state());
        }
    }

    @Test
    void shouldShowAConnectionWaitingForItsFirstAcknowledgementAsConnecting() throws Exception {
        EngineConfig patient = EngineConfig.builder().deliveryDeadline(Duration.ofMinutes(1)).build();
        try (DatagramChannel silent = DatagramChannel.open(StandardProtocolFamily.INET);
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .protocol(patient).open()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress nobody = (InetSocketAddress) silent.getLocalAddress();
            CompletableFuture<Connection<String>> pending = client.connect(nobody, "hello?");
            awaitTrue(() -> !client.connections().isEmpty());
            Connection<String> c = client.connections().get(0);
            assertEquals(ConnectionState.CONNECTING, c.state());
            assertFalse(pending.isDone());
            assertTrue(c.close("giving up"));
            ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
            assertInstanceOf(EndpointClosedException.class, e.getCause());
            assertEquals(DisconnectReason.CLOSED_LOCALLY, c.closed().get(10, TimeUnit.SECONDS).reason());
        }
    }

    @Test
    @SuppressWarnings("try") // closes one endpoint early, to see its conversations end
    void shouldListEveryConversationAndDropEndedOnes() throws Exception {
        try (Endpoint<String> server = open(); Endpoint<String> a = open(); Endpoint<String> b = open();
             Endpoint<String> c = open()) {
            for (Endpoint<String> client : List.of(a, b, c)) {
                client.send("hi").to(server.localAddress()).get(10, TimeUnit.SECONDS);
            }
            Set<InetSocketAddress> remotes = server.connections().stream().map(Connection::remoteAddress)
                    .collect(Collectors.toSet());
            assertEquals(Set.of(a.localAddress(), b.localAddress(), c.localAddress()), remotes);
            assertTrue(server.connections().stream().allMatch(x -> x.state() == ConnectionState.OPEN));
            Connection<String> ofB = server.connection(b.localAddress()).orElseThrow();
            b.close(); // says goodbye to the server
            assertEquals(DisconnectReason.CLOSED_BY_PEER, ofB.closed().get(10, TimeUnit.SECONDS).reason());
            assertEquals(2, server.connections().size());
            assertTrue(server.connection(b.localAddress()).isEmpty());
            // A conversation this side opened by a plain send is open at once, and listed.
            assertEquals(ConnectionState.OPEN, a.connections().get(0).state());
        }
    }

    @Test
    @SuppressWarnings("try") // closes one endpoint early, to see its conversations end
    void shouldRefuseCallerMistakesAtOnce() throws Exception {
        try (Endpoint<String> server = open(); Endpoint<String> client = open();
             Endpoint<String> raw = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).open()) {
            Connection<String> c = client.connect(server.localAddress(), "hi").get(10, TimeUnit.SECONDS);
            IllegalStateException bound = assertThrows(IllegalStateException.class,
                    () -> c.send("x").to(raw.localAddress()));
            assertTrue(bound.getMessage().contains("call toPeer()"), bound.getMessage());
            IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> c.close("x".repeat(201)));
            assertTrue(tooLong.getMessage().contains("at most 200 bytes"), tooLong.getMessage());
            assertThrows(NullPointerException.class, () -> c.send(null));
            IllegalStateException noConversations = assertThrows(IllegalStateException.class,
                    () -> raw.connect(server.localAddress(), "hi"));
            assertTrue(noConversations.getMessage().contains("is RAW and keeps no conversations"),
                    noConversations.getMessage());
            assertTrue(raw.connections().isEmpty());
            client.close();
            assertEquals(DisconnectReason.CLOSED_LOCALLY, c.closed().get(10, TimeUnit.SECONDS).reason());
            assertThrows(EndpointClosedException.class, () -> c.send("after"));
            assertThrows(EndpointClosedException.class, () -> client.connect(server.localAddress(), "hi"));
            assertTrue(client.connections().isEmpty());
        }
    }

    @Test
    void shouldCloseFromAMessageHandlerOnceTheHandlerReturns() throws Exception {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (Endpoint<String> server = open(new EndpointListener() {
                @Override
                public void onError(Throwable error) {
                    errors.add(error);
                }
            });
             Endpoint<String> viaHandle = open(); Endpoint<String> viaAddress = open()) {
            List<Boolean> answers = new CopyOnWriteArrayList<>();
            server.onMessage(m -> {
                if (m.payload().equals("quit")) {
                    Connection<String> c = server.connection(m.sender()).orElseThrow();
                    answers.add(c.close("bye"));
                    answers.add(c.close("bye again"));
                } else if (m.payload().equals("leave")) {
                    answers.add(server.disconnect(m.sender(), "see you"));
                }
            });
            Connection<String> a = viaHandle.connect(server.localAddress(), "quit").get(10, TimeUnit.SECONDS);
            Connection<String> b = viaAddress.connect(server.localAddress(), "leave").get(10, TimeUnit.SECONDS);
            assertEquals(new Disconnection(DisconnectReason.CLOSED_BY_PEER, "peer closed: bye"),
                    a.closed().get(10, TimeUnit.SECONDS));
            assertEquals(new Disconnection(DisconnectReason.CLOSED_BY_PEER, "peer closed: see you"),
                    b.closed().get(10, TimeUnit.SECONDS));
            assertEquals(List.of(true, false, true), answers, "the first close closes, the second does nothing");
            assertTrue(errors.isEmpty(), "closing from a handler is no error: " + errors);
            awaitTrue(() -> server.connections().isEmpty());
        }
    }
}
