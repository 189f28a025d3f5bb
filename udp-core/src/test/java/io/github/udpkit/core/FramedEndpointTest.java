package io.github.udpkit.core;

import static io.github.udpkit.core.RawEndpointTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryException;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.DisconnectReason;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.EndpointListener;
import io.github.udpkit.api.Message;
import io.github.udpkit.core.protocol.EngineConfig;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Framed endpoints over real loopback sockets: the engine driven by the I/O thread. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FramedEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Endpoint<String> open(DeliveryMode mode) {
        return Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(mode).open();
    }

    @Test
    void shouldDeliverReliableMessagesOnceInOrderAndAcknowledgeThem() throws Exception {
        try (Endpoint<String> server = open(DeliveryMode.RELIABLE); Endpoint<String> client = open(DeliveryMode.RELIABLE)) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                acks.add(client.send("m" + i).to(server.localAddress()));
            }
            for (int i = 0; i < 2000; i++) {
                Message<String> m = server.receive(WAIT);
                assertEquals("m" + i, m.payload());
                assertEquals(DeliveryMode.RELIABLE, m.mode());
                assertEquals(client.localAddress(), m.sender());
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertTrue(server.poll().isEmpty(), "nothing delivered twice");
            assertTrue(client.stats().datagramsSent() < 2000, "small messages are packed: " + client.stats());
            assertEquals(2000, client.stats().messagesSent());
            assertEquals(2000, server.stats().messagesDelivered());
        }
    }

    @ParameterizedTest
    @EnumSource(value = DeliveryMode.class, names = {"UNRELIABLE", "SEQUENCED", "RELIABLE_UNORDERED"})
    void shouldDeliverInEveryFramedMode(DeliveryMode mode) {
        try (Endpoint<String> server = open(mode); Endpoint<String> client = open(mode)) {
            client.send("hello " + mode).to(server.localAddress()).join();
            Message<String> m = server.receive(WAIT);
            assertEquals("hello " + mode, m.payload());
            assertEquals(mode, m.mode());
        }
    }

    /**
     * A server bound to the wildcard address reports it ({@code [::]:port} on a dual-stack socket)
     * as its address. Sent there, a message means this host: the client sends to the loopback
     * address, which is also where the answers come from, so its sends complete at once (they
     * used to time out after 30 s, or, from an IPv4 socket, stop its I/O thread), with and without
     * address validation. The traffic never leaves the host.
     */
    @ParameterizedTest(name = "validateAddresses={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void shouldReachAServerBoundToTheWildcardAddressAtTheAddressItReports(boolean validate) throws Exception {
        var serverBuilder = Udp.endpoint(Codecs.utf8()).bind("0.0.0.0", 0).mode(DeliveryMode.RELIABLE);
        if (validate) {
            serverBuilder.validateAddresses();
        }
        try (Endpoint<String> server = serverBuilder.open(); Endpoint<String> client = open(DeliveryMode.RELIABLE)) {
            assertTrue(server.localAddress().getAddress().isAnyLocalAddress(), server.localAddress().toString());
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                acks.add(client.send("m" + i).to(server.localAddress()));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            Message<String> m = null;
            for (int i = 0; i < 100; i++) {
                m = server.receive(WAIT);
                assertEquals("m" + i, m.payload());
            }
            server.send("back").to(m.sender()).get(10, TimeUnit.SECONDS);
            assertEquals("back", client.receive(WAIT).payload());
        }
    }

    @Test
    void shouldListItsConnectionsWithTheirTrafficAndRoundTrip() throws Exception {
        try (Endpoint<String> server = open(DeliveryMode.RELIABLE); Endpoint<String> client = open(DeliveryMode.RELIABLE);
             Endpoint<String> raw = open(DeliveryMode.RAW)) {
            for (int i = 0; i < 50; i++) {
                client.send("m" + i).to(server.localAddress()).get(10, TimeUnit.SECONDS);
            }
            var connections = client.connections();
            assertEquals(1, connections.size());
            var c = connections.get(0).stats();
            assertEquals(server.localAddress(), c.remote());
            assertTrue(c.datagramsSent() > 0 && c.bytesSent() > 0 && c.datagramsReceived() > 0, c.toString());
            assertTrue(c.smoothedRtt().compareTo(Duration.ZERO) > 0, c.toString());
            assertEquals(client.localAddress(), server.connections().get(0).stats().remote());
            assertTrue(raw.connections().isEmpty(), "a RAW endpoint keeps no conversations");
        }
    }

    @Test
    void shouldSendOnIndependentChannelsAndSayWhichOnArrival() throws Exception {
        try (Endpoint<String> server = open(DeliveryMode.RELIABLE); Endpoint<String> client = open(DeliveryMode.RELIABLE);
             Endpoint<String> raw = open(DeliveryMode.RAW)) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                int channel = i % 3 == 0 ? 0 : i % 3 == 1 ? 7 : 255;
                acks.add(client.send(channel + ":" + i).channel(channel).to(server.localAddress()));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            java.util.Map<Integer, List<Integer>> byChannel = new java.util.TreeMap<>();
            for (int i = 0; i < 30; i++) {
                Message<String> m = server.receive(WAIT);
                String[] parts = m.payload().split(":");
                assertEquals(Integer.parseInt(parts[0]), m.channel(), "arrived on the channel it was sent on");
                byChannel.computeIfAbsent(m.channel(), k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
            }
            assertEquals(List.of(0, 7, 255), List.copyOf(byChannel.keySet()));
            byChannel.values().forEach(seq -> assertEquals(seq.stream().sorted().toList(), seq, "in order per channel"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.send("x").channel(256));
            assertTrue(e.getMessage().contains("0..255: 256"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> raw.send("x").channel(1));
            assertTrue(e.getMessage().contains("RAW endpoint has no channels"), e.getMessage());
        }
    }

    @Test
    void shouldTellARefusedClientWhyInItsException() throws Exception {
        EndpointListener gate = new EndpointListener() {
            @Override
            public String onConnectRequest(InetSocketAddress peer, ByteBuffer firstMessage) {
                String hello = java.nio.charset.StandardCharsets.UTF_8.decode(firstMessage).toString();
                return hello.equals("token 42") ? null : "unknown token: " + hello;
            }
        };
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .listener(gate).open();
             Endpoint<String> stranger = open(DeliveryMode.RELIABLE);
             Endpoint<String> friend = open(DeliveryMode.RELIABLE)) {
            CompletableFuture<Void> refused = stranger.send("token 7").to(server.localAddress());
            ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
            assertInstanceOf(DeliveryException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("refused by peer: unknown token: token 7"),
                    e.getCause().getMessage());
            friend.send("token 42").to(server.localAddress()).get(10, TimeUnit.SECONDS);
            friend.send("and more").to(server.localAddress()).get(10, TimeUnit.SECONDS);
            assertEquals("token 42", server.receive(WAIT).payload(), "only the accepted conversation is delivered");
            assertEquals("and more", server.receive(WAIT).payload());
        }
    }

    @Test
    void shouldTellThePeerWhyItsConversationWasClosed() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        EndpointListener listener = new EndpointListener() {
            @Override
            public void onPeerDisconnected(InetSocketAddress peer, DisconnectReason reason, String detail) {
                heard.add(reason + " " + detail);
            }
        };
        try (Endpoint<String> server = open(DeliveryMode.RELIABLE);
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .listener(listener).open()) {
            client.send("hi").to(server.localAddress()).get(10, TimeUnit.SECONDS);
            InetSocketAddress clientAddress = server.receive(WAIT).sender();
            assertTrue(server.disconnect(clientAddress, "closing for maintenance"));
            assertFalse(server.disconnect(clientAddress, "again"), "no conversation left");
            awaitTrue(() -> heard.size() == 1);
            assertEquals(List.of("CLOSED_BY_PEER peer closed: closing for maintenance"), heard);
            assertThrows(IllegalArgumentException.class, () -> server.disconnect(clientAddress, "x".repeat(201)));
        }
    }

    @Test
    void shouldLetOneSendChooseAnotherFramedMode() {
        try (Endpoint<String> server = open(DeliveryMode.RELIABLE); Endpoint<String> client = open(DeliveryMode.RELIABLE)) {
            client.send("quick").mode(DeliveryMode.UNRELIABLE).to(server.localAddress()).join();
            assertEquals(DeliveryMode.UNRELIABLE, server.receive(WAIT).mode());
        }
    }

    @Test
    void shouldFragmentAndReassembleALargeMessage() {
        byte[] big = new byte[1 << 20];
        new Random(42).nextBytes(big);
        try (Endpoint<byte[]> server = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).open();
             Endpoint<byte[]> client = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).open()) {
            client.send(big).to(server.localAddress()).join();
            assertArrayEquals(big, server.receive(WAIT).payload());
        }
    }

    @Test
    void shouldEchoFromAHandlerOnTheIoThread() {
        try (Endpoint<String> server = open(DeliveryMode.RELIABLE); Endpoint<String> client = open(DeliveryMode.RELIABLE)) {
            server.onMessage(m -> server.send(m.payload().toUpperCase()).to(m.sender()));
            for (int i = 0; i < 50; i++) {
                client.send("echo" + i).to(server.localAddress());
            }
            for (int i = 0; i < 50; i++) {
                assertEquals("ECHO" + i, client.receive(WAIT).payload());
            }
        }
    }

    @Test
    void shouldFailAReliableSendToNobodyWithADeliveryException() throws Exception {
        int silentPort;
        try (DatagramChannel silent = DatagramChannel.open(StandardProtocolFamily.INET)) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            silentPort = ((InetSocketAddress) silent.getLocalAddress()).getPort();
            EngineConfig impatient = EngineConfig.builder()
                    .initialRto(Duration.ofMillis(20)).minRto(Duration.ofMillis(10)).maxRto(Duration.ofMillis(40))
                    .ackDelay(Duration.ofMillis(2)).maxTransmissions(4).build();
            List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
            try (Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                    .protocol(impatient)
                    .listener(new EndpointListener() {
                        @Override
                        public void onPeerDisconnected(InetSocketAddress peer, DisconnectReason reason) {
                            reasons.add(reason);
                        }
                    }).open()) {
                CompletableFuture<Void> send = client.send("anyone?").to("127.0.0.1", silentPort);
                ExecutionException e = assertThrows(ExecutionException.class, () -> send.get(10, TimeUnit.SECONDS));
                DeliveryException failure = assertInstanceOf(DeliveryException.class, e.getCause());
                assertEquals(silentPort, failure.peer().getPort());
                assertEquals(4, failure.attempts());
                assertTrue(failure.elapsed().toMillis() > 0, failure.getMessage());
                assertEquals(1, client.stats().deliveryFailures());
                awaitTrue(() -> reasons.contains(DisconnectReason.UNREACHABLE));
            }
        }
    }

    @Test
    void shouldFailFastWhenThePeersWindowIsFull() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open(StandardProtocolFamily.INET);
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .protocol(EngineConfig.builder().maxQueuedMessages(8).build()).failFast().open()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress to = (InetSocketAddress) silent.getLocalAddress();
            for (int i = 0; i < 8; i++) {
                client.send("m" + i).to(to);
            }
            BackPressureException e = assertThrows(BackPressureException.class, () -> client.send("one too many").to(to));
            assertTrue(e.getMessage().contains(to.toString()), e.getMessage());
        }
    }

    @Test
    void shouldWaitForRoomThenGiveUpAfterTheSendTimeout() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open(StandardProtocolFamily.INET);
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .protocol(EngineConfig.builder().maxQueuedMessages(2).build())
                     .sendTimeout(Duration.ofMillis(100)).open()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress to = (InetSocketAddress) silent.getLocalAddress();
            client.send("a").to(to);
            client.send("b").to(to);
            BackPressureException e = assertThrows(BackPressureException.class, () -> client.send("c").to(to));
            assertTrue(e.getMessage().contains("100 ms"), e.getMessage());
        }
    }

    @Test
    void shouldFailUnacknowledgedSendsWhenClosed() throws Exception {
        CompletableFuture<Void> pending;
        try (DatagramChannel silent = DatagramChannel.open(StandardProtocolFamily.INET)) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            Endpoint<String> client = open(DeliveryMode.RELIABLE);
            pending = client.send("never acknowledged").to((InetSocketAddress) silent.getLocalAddress());
            client.close();
        }
        CompletionException e = assertThrows(CompletionException.class, pending::join);
        assertInstanceOf(EndpointClosedException.class, e.getCause());
    }

    @Test
    void shouldTellThePeerWhenClosing() throws Exception {
        List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
        List<InetSocketAddress> connected = new CopyOnWriteArrayList<>();
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                .listener(new EndpointListener() {
                    @Override
                    public void onPeerConnected(InetSocketAddress peer) {
                        connected.add(peer);
                    }

                    @Override
                    public void onPeerDisconnected(InetSocketAddress peer, DisconnectReason reason) {
                        reasons.add(reason);
                    }
                }).open()) {
            Endpoint<String> client = open(DeliveryMode.RELIABLE);
            client.send("hi").to(server.localAddress()).join();
            server.receive(WAIT);
            assertEquals(List.of(client.localAddress()), connected);
            client.close();
            awaitTrue(() -> reasons.contains(DisconnectReason.CLOSED_BY_PEER));
        }
    }

    @Test
    void shouldCountForeignDatagramsAsMalformed() throws Exception {
        try (Endpoint<String> server = open(DeliveryMode.RELIABLE);
             DatagramChannel raw = DatagramChannel.open(StandardProtocolFamily.INET);
             Endpoint<String> client = open(DeliveryMode.RELIABLE)) {
            raw.send(ByteBuffer.wrap("plain text, no frame".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    server.localAddress());
            client.send("framed").to(server.localAddress());
            assertEquals("framed", server.receive(WAIT).payload());
            awaitTrue(() -> server.stats().malformed() == 1);
        }
    }
}
