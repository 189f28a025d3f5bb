package io.github.udpkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointListener;
import io.github.udpkit.api.HandshakeException;
import io.github.udpkit.api.Message;
import io.github.udpkit.api.MessageTooLargeException;
import io.github.udpkit.api.PeerIdentity;
import io.github.udpkit.core.dtls.CertificateBuilder;
import io.github.udpkit.core.dtls.DtlsConfig;
import io.github.udpkit.core.dtls.GeneratedCertificate;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Endpoints over DTLS on real loopback sockets, udpkit at both ends: RAW, and the framed modes whose engine owns DTLS. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DtlsEndpointTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final GeneratedCertificate SERVER = CertificateBuilder.forName("localhost").build();

    private static Endpoint<String> echoServer(LinkedBlockingQueue<Object> events) {
        Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0)
                .dtls(DtlsConfig.server().certificate(List.of(SERVER.certificate()), SERVER.privateKey()).build())
                .listener(new EndpointListener() {
                    @Override
                    public void onPeerAuthenticated(InetSocketAddress peer, PeerIdentity identity) {
                        events.add(identity);
                    }

                    @Override
                    public void onHandshakeFailed(HandshakeException failure) {
                        events.add(failure);
                    }
                })
                .open();
        server.onMessage(m -> server.send(m.payload().toUpperCase(java.util.Locale.ROOT)).to(m.sender()));
        return server;
    }

    private static DtlsConfig.Builder client() {
        return DtlsConfig.client().trust(List.of(SERVER.certificate())).serverName("localhost");
    }

    @Test
    void messages_goBothWays_withThePeersIdentity() throws Exception {
        LinkedBlockingQueue<Object> serverEvents = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Object> clientEvents = new LinkedBlockingQueue<>();
        try (Endpoint<String> server = echoServer(serverEvents);
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).dtls(client().build())
                     .connect(server.localAddress()).listener(new EndpointListener() {
                         @Override
                         public void onPeerAuthenticated(InetSocketAddress peer, PeerIdentity identity) {
                             clientEvents.add(identity);
                         }
                     }).open()) {
            List<CompletableFuture<Void>> sent = List.of(client.send("one").toPeer(), client.send("two").toPeer());
            for (CompletableFuture<Void> f : sent) {
                f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // both waited for the handshake, then went
            }
            Message<String> first = client.receive(WAIT);
            Message<String> second = client.receive(WAIT);
            assertEquals(List.of("ONE", "TWO"), List.of(first.payload(), second.payload()));
            assertEquals(DeliveryMode.RAW, first.mode());
            assertEquals("CN=localhost", first.peerIdentity().orElseThrow().subject().orElseThrow());
            assertEquals(first.peerIdentity(), second.peerIdentity());
            PeerIdentity heard = (PeerIdentity) clientEvents.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(first.peerIdentity().orElseThrow(), heard);
            assertTrue(heard.cipherSuite().startsWith("TLS_ECDHE_ECDSA_WITH_"), heard.cipherSuite());
            PeerIdentity anonymous = (PeerIdentity) serverEvents.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(anonymous.subject().isEmpty(), "the client presented no certificate");
            assertEquals(0, client.stats().retransmissions());
            int limit = DtlsConfig.DEFAULT_DATAGRAM_SIZE - 37;
            assertThrows(MessageTooLargeException.class, () -> client.send("x".repeat(limit + 1)).toPeer());
            client.send("y".repeat(limit)).toPeer().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("Y".repeat(limit), client.receive(WAIT).payload());
        }
    }

    @Test
    void failedHandshake_failsTheWaitingSends_onceAndWithTheAlert() throws Exception {
        LinkedBlockingQueue<Object> serverEvents = new LinkedBlockingQueue<>();
        GeneratedCertificate other = CertificateBuilder.forName("localhost").build();
        LinkedBlockingQueue<HandshakeException> failures = new LinkedBlockingQueue<>();
        try (Endpoint<String> server = echoServer(serverEvents);
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0)
                     .dtls(DtlsConfig.client().trust(List.of(other.certificate())).serverName("localhost").build())
                     .listener(new EndpointListener() {
                         @Override
                         public void onHandshakeFailed(HandshakeException failure) {
                             failures.add(failure);
                         }
                     }).open()) {
            CompletableFuture<Void> a = client.send("a").to(server.localAddress());
            CompletableFuture<Void> b = client.send("b").to(server.localAddress());
            ExecutionException e = assertThrows(ExecutionException.class, () -> a.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            HandshakeException failure = assertInstanceOf(HandshakeException.class, e.getCause());
            assertEquals(server.localAddress(), failure.peer());
            assertTrue(failure.alert().isPresent(), failure.getMessage());
            assertThrows(ExecutionException.class, () -> b.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals(failure, failures.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            Object heard = serverEvents.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertInstanceOf(HandshakeException.class, heard, "the server hears the client's alert");
            assertEquals(0, failures.size(), "reported once");
        }
    }

    /** A server that records its peer events in order, as strings or the failure itself. */
    private static Endpoint<String> reliableServer(LinkedBlockingQueue<Object> events) {
        return Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                .dtls(DtlsConfig.server().certificate(List.of(SERVER.certificate()), SERVER.privateKey()).build())
                .listener(new EndpointListener() {
                    @Override
                    public void onPeerConnected(InetSocketAddress peer) {
                        events.add("connected");
                    }

                    @Override
                    public void onPeerAuthenticated(InetSocketAddress peer, PeerIdentity identity) {
                        events.add("authenticated " + identity.subject().orElse("anonymous"));
                    }

                    @Override
                    public void onHandshakeFailed(HandshakeException failure) {
                        events.add(failure);
                    }
                }).open();
    }

    @Test
    void reliableMode_theServerMeetsAPeer_onlyOnceItsHandshakeCompleted() throws Exception {
        LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        try (Endpoint<String> server = reliableServer(events);
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .dtls(client().build()).open()) {
            client.send("hello").to(server.localAddress()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("hello", server.receive(WAIT).payload());
            assertEquals("connected", events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals("authenticated anonymous", events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void reliableMode_aFailedHandshake_failsTheSendsWithTheAlert_andTheServerNeverMeetsThePeer() throws Exception {
        LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        GeneratedCertificate other = CertificateBuilder.forName("localhost").build();
        try (Endpoint<String> server = reliableServer(events);
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .dtls(DtlsConfig.client().trust(List.of(other.certificate())).serverName("localhost").build())
                     .open()) {
            CompletableFuture<Void> a = client.send("a").to(server.localAddress());
            ExecutionException e = assertThrows(ExecutionException.class, () -> a.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            HandshakeException failure = assertInstanceOf(HandshakeException.class, e.getCause());
            assertEquals(server.localAddress(), failure.peer());
            assertTrue(failure.alert().isPresent(), failure.getMessage());
            assertInstanceOf(HandshakeException.class, events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                    "the server hears the client's alert, once");
            assertEquals(null, events.poll(200, TimeUnit.MILLISECONDS), "and never met the peer");
            assertEquals(0, server.stats().peers());
        }
    }

    @Test
    void reliableMode_overDtls_deliversEverythingInOrder_fragmentsIncluded() throws Exception {
        DtlsConfig serverConfig = DtlsConfig.server().certificate(List.of(SERVER.certificate()), SERVER.privateKey())
                .build();
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                .dtls(serverConfig).open();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .dtls(client().build()).connect(server.localAddress()).open()) {
            String large = "z".repeat(100_000); // about 90 datagrams, each its own DTLS record
            List<CompletableFuture<Void>> acked = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                acked.add(client.send(i == 100 ? large : "m" + i).toPeer());
            }
            for (CompletableFuture<Void> f : acked) {
                f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // acknowledged: the engine's guarantee, inside DTLS
            }
            for (int i = 0; i < 200; i++) {
                Message<String> m = server.receive(WAIT);
                assertEquals(i == 100 ? large : "m" + i, m.payload());
                assertEquals(DeliveryMode.RELIABLE, m.mode());
                assertTrue(m.peerIdentity().isPresent(), "a message over DTLS carries the sender's identity");
            }
            assertEquals(0, server.stats().authFailures());
        }
    }

    @Test
    void dtls_refusesPreSharedKeys_andRawMessagesLargerThanARecord() {
        DtlsConfig config = client().build();
        assertThrows(IllegalArgumentException.class, () -> Udp.endpoint(Codecs.utf8()).mode(DeliveryMode.RELIABLE)
                .encryption(io.github.udpkit.core.security.Key.generate()).dtls(config).open());
        assertThrows(IllegalArgumentException.class,
                () -> Udp.endpoint(Codecs.utf8()).dtls(config).maxMessageSize(5_000).open());
    }
}
