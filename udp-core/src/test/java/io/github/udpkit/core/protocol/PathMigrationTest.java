package io.github.udpkit.core.protocol;

import static io.github.udpkit.core.protocol.EngineNet.MS;
import static io.github.udpkit.core.protocol.EngineNet.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineNet.Node;
import io.github.udpkit.core.security.AeadAlgorithm;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Sessions, not addresses, carry a conversation: a client whose address changes mid-transfer
 * (NAT rebinding) keeps its session once the new address echoed a challenge, and an attacker who
 * copies datagrams to another address neither gets them delivered twice nor moves the session.
 * Each test runs plain (CRC-32C) and encrypted (AES-256-GCM).
 */
@Timeout(120)
class PathMigrationTest {
    private static final long SECOND = 1000 * MS;
    private static final int MESSAGES = 10_000;

    private static EngineConfig config(long seed, boolean encrypted) {
        return (encrypted ? EncryptedEngineTest.encrypted(seed, AeadAlgorithm.AES_256_GCM) : EngineNet.config(seed))
                .build();
    }

    /** What a node delivered from one peer, as message numbers, in order. */
    private static List<Integer> numbers(Node node) {
        List<Integer> out = new ArrayList<>();
        for (EngineNet.Delivery d : node.delivered) {
            out.add(d.number());
        }
        return out;
    }

    private static void assertInOrderOnce(List<Integer> got, int count, String context) {
        assertEquals(count, got.size(), "each message delivered once; " + context);
        for (int i = 0; i < count; i++) {
            assertEquals(i, got.get(i), "in send order; " + context);
        }
    }

    @ParameterizedTest(name = "encrypted={0}")
    @ValueSource(booleans = {false, true})
    void shouldKeepTheSessionWhenTheClientsAddressChangesMidTransfer(boolean encrypted) {
        EngineNet net = new EngineNet(401);
        net.loss = 0.02;
        net.jitter = 3 * MS;
        Node server = net.node(config(1, encrypted));
        Node client = net.node(config(2, encrypted));
        List<InetSocketAddress[]> migrations = new ArrayList<>(); // the rebinding done
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        InetSocketAddress rebound = net.freeAddress();
        // The application sends as the window allows (at most 1,000 unacknowledged), and the NAT
        // rebinds the client a third of the way through.
        long limit = net.now() + 120 * SECOND;
        while (sends.size() < MESSAGES && net.now() < limit) {
            long pending = sends.stream().filter(f -> !f.isDone()).count();
            for (long k = pending; k < 1_000 && sends.size() < MESSAGES; k++) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(sends.size(), 40), f, net.now());
                sends.add(f);
            }
            if (sends.size() >= MESSAGES / 3 && server.engine.metrics().pathChallenges() == 0 && migrations.isEmpty()) {
                net.rebind(client, rebound); // the NAT gives the client a new outside address, mid-stream
                migrations.add(new InetSocketAddress[] {client.address, rebound});
            }
            net.runFor(5 * MS);
        }
        assertTrue(net.runUntil(() -> sends.size() == MESSAGES && sends.stream().allMatch(CompletableFuture::isDone),
                120 * SECOND), net.describe() + " server " + server.engine.metrics() + " client "
                        + client.engine.metrics());

        String context = net.describe() + " encrypted=" + encrypted;
        assertTrue(sends.stream().noneMatch(CompletableFuture::isCompletedExceptionally), context);
        assertInOrderOnce(numbers(server), MESSAGES, context);
        assertEquals(1, server.engine.metrics().pathMigrations(), context);
        assertTrue(server.engine.metrics().pathChallenges() >= 1, context);
        assertEquals(1, server.connected.size(), "no second peer for the new address; " + context);
        assertTrue(server.disconnects.isEmpty(), context);
        assertEquals(rebound, server.delivered.get(MESSAGES - 1).from(), "deliveries name the new address");
        assertEquals(0, client.engine.metrics().peerRestarts(), context);
        // The server answers on the new path: a message to the client's new address arrives.
        CompletableFuture<Void> reply = new CompletableFuture<>();
        server.engine.send(rebound, DeliveryMode.RELIABLE, numbered(7, 20), reply, net.now());
        assertTrue(net.runUntil(reply::isDone, 10 * SECOND), context);
        assertEquals(1, client.delivered.size(), context);
        assertEquals(1, server.engine.peerCount(), context);
    }

    @ParameterizedTest(name = "encrypted={0}")
    @ValueSource(booleans = {false, true})
    void shouldNeitherDeliverTwiceNorMoveWhenAnAttackerReplaysAndReaddressesDatagrams(boolean encrypted) {
        EngineNet net = new EngineNet(402);
        Node server = net.node(config(3, encrypted));
        Node client = net.node(config(4, encrypted));
        List<byte[]> captured = new ArrayList<>();
        net.dropRule = (from, to, bytes) -> {
            if (from.equals(client.address)) {
                captured.add(bytes.clone());
            }
            return false;
        };
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(i, 30), f, net.now());
            sends.add(f);
            if (i % 50 == 0) {
                net.runFor(5 * MS);
            }
        }
        assertTrue(net.runUntil(() -> sends.stream().allMatch(CompletableFuture::isDone), 60 * SECOND));
        net.dropRule = (from, to, bytes) -> false;
        InetSocketAddress attacker = net.freeAddress();
        for (byte[] d : captured) {
            net.inject(attacker, server.address, d); // re-addressed copies
            net.inject(client.address, server.address, d); // plain replays
        }
        net.runFor(2 * SECOND);

        String context = net.describe() + " encrypted=" + encrypted;
        assertInOrderOnce(numbers(server), 500, context);
        EngineMetrics m = server.engine.metrics();
        assertEquals(0, m.pathMigrations(), context);
        assertEquals(0, m.pathChallenges(), "copies are dropped before they can start a challenge; " + context);
        assertEquals(1, server.engine.peerCount(), context);
        assertTrue(m.replaysDropped() + m.duplicatesDropped() >= 2L * captured.size(), context);
        // And the session is still on its real path: a reply reaches the client.
        CompletableFuture<Void> reply = new CompletableFuture<>();
        server.engine.send(client.address, DeliveryMode.RELIABLE, numbered(1, 20), reply, net.now());
        assertTrue(net.runUntil(reply::isDone, 10 * SECOND), context);
        assertEquals(1, client.delivered.size(), context);
    }

    @ParameterizedTest(name = "encrypted={0}")
    @ValueSource(booleans = {false, true})
    void shouldChallengeACopyThatOvertookTheOriginalWithinThreeTimesItsBytesAndStay(boolean encrypted) {
        EngineNet net = new EngineNet(403);
        Node server = net.node(config(5, encrypted));
        Node client = net.node(config(6, encrypted));
        InetSocketAddress attacker = net.freeAddress();
        long[] toAttacker = new long[1];
        long[] fromAttacker = new long[1];
        List<byte[]> held = new ArrayList<>();
        // The attacker sits on the path: it holds back the client's tenth datagram, sends a copy
        // from its own address first, then lets the original through.
        int[] count = new int[1];
        net.dropRule = (from, to, bytes) -> {
            if (to.equals(attacker)) {
                toAttacker[0] += bytes.length;
                return true; // nobody answers there
            }
            if (from.equals(client.address) && ++count[0] == 10) {
                held.add(bytes.clone());
                return true;
            }
            return false;
        };
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            client.engine.send(server.address, DeliveryMode.RELIABLE, numbered(i, 30), f, net.now());
            sends.add(f);
            net.runFor(2 * MS);
            if (!held.isEmpty() && fromAttacker[0] == 0) {
                fromAttacker[0] += held.get(0).length;
                net.inject(attacker, server.address, held.get(0));
                net.runFor(MS);
                net.inject(client.address, server.address, held.get(0));
            }
        }
        assertTrue(net.runUntil(() -> sends.stream().allMatch(CompletableFuture::isDone), 30 * SECOND));

        String context = net.describe() + " encrypted=" + encrypted;
        assertTrue(fromAttacker[0] > 0, "the copy was sent");
        assertInOrderOnce(numbers(server), 40, context);
        EngineMetrics m = server.engine.metrics();
        assertEquals(1, m.pathChallenges(), context);
        assertTrue(toAttacker[0] <= 3 * fromAttacker[0],
                toAttacker[0] + " bytes sent to the copy's address, which sent " + fromAttacker[0]);
        assertEquals(0, m.pathMigrations(), context);
        assertTrue(sends.stream().noneMatch(CompletableFuture::isCompletedExceptionally), context);
    }

    @org.junit.jupiter.api.Test
    void shouldNotMoveAGroupsConversationToAMemberThatAnswers() {
        // A multicast member answers the sender's datagrams (acknowledgements) from its own
        // address, naming the session the sender keeps for the group: that conversation must stay
        // on the group, or the sender's next datagrams to the group start a new session that every
        // member takes for a restart.
        EngineNet net = new EngineNet(403);
        Node sender = net.node(EngineNet.config(5).build());
        Node member = net.node(EngineNet.config(6).build());
        InetSocketAddress group = new InetSocketAddress("239.255.77.1", 7000);
        net.dropRule = (from, to, bytes) -> {
            if (to.equals(group)) {
                net.inject(from, member.address, bytes.clone()); // the group's one member here
            }
            return false;
        };
        for (int i = 0; i < 40; i++) {
            sender.engine.send(group, DeliveryMode.UNRELIABLE, numbered(i, 20), new CompletableFuture<>(), net.now());
            net.runFor(20 * MS);
        }
        net.runFor(SECOND);
        String context = net.describe() + " sender " + sender.engine.metrics() + " member " + member.engine.metrics();
        assertInOrderOnce(numbers(member), 40, context);
        assertEquals(0, sender.engine.metrics().pathChallenges(), context);
        assertEquals(0, sender.engine.metrics().pathMigrations(), context);
        assertEquals(0, member.engine.metrics().peerRestarts(), context);
    }
}
