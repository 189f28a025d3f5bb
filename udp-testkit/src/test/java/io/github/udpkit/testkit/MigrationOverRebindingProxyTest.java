package io.github.udpkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.Connection;
import io.github.udpkit.api.ConnectionState;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.EndpointListener;
import io.github.udpkit.api.Message;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.security.Key;
import io.github.udpkit.core.transport.Impairments;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Path migration over real sockets: a client's RELIABLE stream goes through a relay that changes
 * its source port midway (a NAT rebinding); the server keeps one conversation, every message
 * arrives once and in order, every send completes, and the server can answer at the new address.
 */
@Timeout(120)
class MigrationOverRebindingProxyTest {
    private static final int MESSAGES = 2_000;
    private static final EngineConfig LAN = EngineConfig.builder()
            .initialRto(Duration.ofMillis(50)).minRto(Duration.ofMillis(20)).ackDelay(Duration.ofMillis(2))
            .deliveryDeadline(Duration.ofMinutes(1)).maxTransmissions(100).build();

    @ParameterizedTest(name = "encrypted={0}")
    @ValueSource(booleans = {false, true})
    void shouldKeepOneConversationWhenTheRelayChangesItsSourcePort(boolean encrypted) throws Exception {
        Key key = Key.generate();
        List<InetSocketAddress> connected = new CopyOnWriteArrayList<>();
        List<InetSocketAddress[]> migrated = new CopyOnWriteArrayList<>();
        EndpointListener listener = new EndpointListener() {
            @Override
            public void onPeerConnected(InetSocketAddress peer) {
                connected.add(peer);
            }

            @Override
            public void onPeerMigrated(InetSocketAddress from, InetSocketAddress to) {
                migrated.add(new InetSocketAddress[] {from, to});
            }
        };
        var serverBuilder = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                .protocol(LAN).listener(listener);
        var clientBuilder = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                .protocol(LAN);
        if (encrypted) {
            serverBuilder.encryption(key);
            clientBuilder.encryption(key);
        }
        try (Endpoint<String> server = serverBuilder.open();
             LossyProxy proxy = LossyProxy.builder(server.localAddress()).impairments(Impairments.none())
                     .rebindAfter(30).start();
             Endpoint<String> client = clientBuilder.open()) {
            // In batches of 20, each acknowledged before the next: a hundred datagrams at least, so
            // the relay's move (after 30) falls mid-stream.
            List<CompletableFuture<Void>> acks = new ArrayList<>(MESSAGES);
            for (int i = 0; i < MESSAGES; i++) {
                acks.add(client.send("message " + i).to(proxy.address()));
                if (i % 20 == 19) {
                    CompletableFuture.allOf(acks.subList(i - 19, i + 1).toArray(CompletableFuture[]::new))
                            .get(30, TimeUnit.SECONDS);
                }
            }
            Message<String> last = null;
            for (int i = 0; i < MESSAGES; i++) {
                last = server.receive(Duration.ofSeconds(30));
                assertEquals("message " + i, last.payload());
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertTrue(server.poll().isEmpty(), "nothing delivered twice");
            assertEquals(1, proxy.rebinds(), "the relay changed its source port");
            assertEquals(1, connected.size(), "one conversation, not a second peer at the new port: " + connected);
            assertEquals(1, migrated.size(), "the session moved once");
            InetSocketAddress before = migrated.get(0)[0];
            InetSocketAddress now = migrated.get(0)[1];
            assertEquals(connected.get(0), before, "the move starts from the conversation's first address");
            // Until the new port has answered its challenge, deliveries still name the old one.
            assertTrue(last.sender().equals(now) || last.sender().equals(before), last.sender().toString());
            // The server answers at the new address, and the reply reaches the client through the relay.
            server.send("reply").to(now).get(10, TimeUnit.SECONDS);
            assertEquals("reply", client.receive(Duration.ofSeconds(10)).payload());
        }
    }

    @Test
    void shouldKeepTheSameConnectionHandleWhenThePeerMoves() throws Exception {
        List<Connection<?>> connected = new CopyOnWriteArrayList<>();
        List<Object[]> migrated = new CopyOnWriteArrayList<>();
        EndpointListener listener = new EndpointListener() {
            @Override
            public void onConnected(Connection<?> connection) {
                connected.add(connection);
            }

            @Override
            public void onMigrated(Connection<?> connection, InetSocketAddress from) {
                migrated.add(new Object[] {connection, from, connection.remoteAddress()});
            }
        };
        try (Endpoint<String> server = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .protocol(LAN).listener(listener).open();
             LossyProxy proxy = LossyProxy.builder(server.localAddress()).impairments(Impairments.none())
                     .rebindAfter(10).start();
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE)
                     .protocol(LAN).open()) {
            Connection<String> toServer = client.connect(proxy.address(), "hello").get(30, TimeUnit.SECONDS);
            // Through the handle, in acknowledged batches of five (a datagram at least each), so
            // that the relay's move (after 10 datagrams) falls mid-stream.
            for (int batch = 0; batch < 40; batch++) {
                List<CompletableFuture<Void>> acks = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    acks.add(toServer.send("message " + (batch * 5 + i)).toPeer());
                }
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            }
            assertEquals("hello", server.receive(Duration.ofSeconds(30)).payload());
            for (int i = 0; i < 200; i++) {
                assertEquals("message " + i, server.receive(Duration.ofSeconds(30)).payload());
            }
            assertEquals(1, proxy.rebinds(), "the relay changed its source port");
            assertEquals(1, connected.size(), "one conversation, one handle: " + connected);
            Connection<?> atServer = connected.get(0);
            assertEquals(1, migrated.size(), "the session moved once");
            assertSame(atServer, migrated.get(0)[0], "the event carries the handle the server already had");
            InetSocketAddress now = (InetSocketAddress) migrated.get(0)[2];
            assertTrue(!now.equals(migrated.get(0)[1]), "a new address");
            assertEquals(now, atServer.remoteAddress(), "the handle follows the move");
            assertEquals(List.of(atServer), server.connections());
            assertEquals(ConnectionState.OPEN, atServer.state());
            assertEquals(now, atServer.stats().remote());
            // The server answers through the handle, at the new address, and the client hears it.
            @SuppressWarnings("unchecked")
            Connection<String> reply = (Connection<String>) atServer;
            reply.send("reply").toPeer().get(10, TimeUnit.SECONDS);
            assertEquals("reply", client.receive(Duration.ofSeconds(10)).payload());
            assertEquals(ConnectionState.OPEN, toServer.state());
        }
    }
}
