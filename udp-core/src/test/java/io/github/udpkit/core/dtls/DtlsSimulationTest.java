package io.github.udpkit.core.dtls;

import static io.github.udpkit.core.dtls.DtlsNet.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import io.github.udpkit.core.dtls.DtlsNet.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The DTLS layer in a simulated network under virtual time: handshakes survive the loss of any
 * one handshake datagram, duplication of every datagram, and heavy random and burst loss within
 * the handshake deadline. Every run is reproducible from its seed. Each test runs twice: against
 * a RAW endpoint's {@link DtlsHost}, and against a framed endpoint's protocol engine, which owns
 * its sessions (in each peer's connection) and their timers.
 */
class DtlsSimulationTest {
    private static final long DEADLINE = DtlsConfig.DEFAULT_HANDSHAKE_TIMEOUT.toNanos();

    /**
     * One handshake, then one message each way over a link that loses nothing more (RAW records are
     * not retransmitted, so loss ends with the handshake; duplication stays); returns whether all of it happened,
     * the handshake within its deadline.
     */
    private static boolean handshakeAndExchange(DtlsNet net) {
        DtlsNet.Node server = net.node("10.0.0.1", 4433, DtlsSessionTest.serverConfig());
        DtlsNet.Node client = net.node("10.0.0.2", 5000, DtlsSessionTest.clientConfig());
        client.host.connect(server.address, net.now());
        if (!net.runUntil(() -> !server.established.isEmpty() && !client.established.isEmpty(), DEADLINE)) {
            return false;
        }
        net.heal();
        client.send(server.address, "from client");
        if (!net.runUntil(() -> server.delivered.contains("from client"), 1_000 * MS)) {
            return false;
        }
        server.send(client.address, "from server");
        boolean answered = net.runUntil(() -> client.delivered.contains("from server"), 1_000 * MS);
        net.runFor(100 * MS);
        return answered && server.failures.isEmpty() && client.failures.isEmpty()
                && server.delivered.size() == 1 && client.delivered.size() == 1;
    }

    /** How many datagrams a clean handshake and exchange send, and which of them belong to the handshake. */
    private static int cleanHandshakeDatagrams(Kind kind) {
        DtlsNet net = new DtlsNet(1, kind);
        assertTrue(handshakeAndExchange(net), net::trace);
        int handshake = 0;
        for (DtlsNet.Packet p : net.sent) {
            if (p.bytes()[0] != DtlsRecords.APPLICATION_DATA) {
                handshake++;
            }
        }
        return handshake;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void handshake_survivesTheLossOfAnyOneDatagram_atEachPosition(Kind kind) {
        int datagrams = cleanHandshakeDatagrams(kind);
        assertEquals(9, datagrams, "two cookie exchanges (udpkit's HelloVerifyRequest twice) and four packed flights");
        for (int lost = 0; lost < datagrams; lost++) {
            int index = lost;
            DtlsNet net = new DtlsNet(100 + lost, kind);
            net.drop(p -> p.index() == index);
            long start = net.now();
            assertTrue(handshakeAndExchange(net), () -> "datagram " + index + " lost:\n" + net.trace());
            // One lost datagram costs one retransmission timer, not the deadline.
            assertTrue(net.now() - start < 4_000 * MS, "took " + (net.now() / MS - 1_000) + " ms with datagram "
                    + index + " lost:\n" + net.trace());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void lostFinalFlight_isSentAgainWhenThePeerRetransmits(Kind kind) {
        DtlsNet clean = new DtlsNet(7, kind);
        assertTrue(handshakeAndExchange(clean), clean::trace);
        long last = -1;
        for (DtlsNet.Packet p : clean.sent) {
            if (p.from().getPort() == 4433 && p.bytes()[0] != DtlsRecords.APPLICATION_DATA) {
                last = p.index();
            }
        }
        // The server's last flight (NewSessionTicket, ChangeCipherSpec, Finished): lose it, and
        // the server, which has finished and runs no timer, must answer the client's repeat.
        long finalFlight = last;
        DtlsNet net = new DtlsNet(7, kind);
        net.drop(p -> p.index() == finalFlight);
        assertTrue(handshakeAndExchange(net), net::trace);
        DtlsNet.Node server = net.nodes.get(new java.net.InetSocketAddress("10.0.0.1", 4433));
        assertTrue(server.host.retransmissions() >= 1, "the finished server resent its flight:\n" + net.trace());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyDatagramDuplicated_handshakeCompletes_andEachMessageIsDeliveredOnce(Kind kind) {
        DtlsNet net = new DtlsNet(3, kind);
        net.impair(b -> b.duplicate(1.0));
        assertTrue(handshakeAndExchange(net), net::trace);
        long replays = 0;
        for (DtlsNet.Node n : net.nodes.values()) {
            replays += n.host.replaysDropped();
        }
        if (kind == Kind.HOST) {
            assertEquals(2, replays, "each duplicated application record is dropped as a replay");
        } else {
            // The engine's acknowledgements ride in records too, and are duplicated with the rest.
            assertTrue(replays >= 2, "each duplicated application record is dropped as a replay: " + replays);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void fiftyOfFiftyHandshakes_complete_at30PercentLoss(Kind kind) {
        long lost = 0;
        long offered = 0;
        for (int seed = 0; seed < 50; seed++) {
            DtlsNet net = new DtlsNet(seed, kind);
            net.impair(b -> b.loss(0.30)); // each direction loses its own, seeded from the network's seed
            int s = seed;
            assertTrue(handshakeAndExchange(net), () -> "seed " + s + ":\n" + net.trace());
            lost += net.network.counters().lost();
            offered += net.network.counters().offered();
        }
        // The loss was there: about 30 % of what was offered while it lasted, the exchange included.
        assertTrue(lost > offered / 10, lost + " of " + offered + " lost");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void fiftyOfFiftyHandshakes_complete_at30PercentBurstLoss(Kind kind) {
        long burstLost = 0;
        for (int seed = 0; seed < 50; seed++) {
            DtlsNet net = new DtlsNet(seed, kind);
            Random random = new Random(seed * 17L + 5);
            // Gilbert-Elliott in time: the link alternates between a good state that loses nothing
            // and a bad state that loses everything, each lasting an exponentially distributed
            // time; bursts last 100 ms on average and the link is bad 30 % of the time. (The
            // network's own burst loss counts datagrams; a retransmission timer meets bursts in
            // time, so the network's drop rule decides by its virtual clock here.)
            long[] state = {0, 0}; // [0]: 1 if bad; [1]: when the state changes
            net.drop(p -> {
                while (net.now() - state[1] >= 0) {
                    state[0] ^= 1;
                    double mean = state[0] == 1 ? 100 : 100 * 0.7 / 0.3;
                    state[1] += (long) (-Math.log(1 - random.nextDouble()) * mean * MS);
                }
                return state[0] == 1;
            });
            state[1] = net.now();
            int s = seed;
            assertTrue(handshakeAndExchange(net), () -> "seed " + s + ":\n" + net.trace());
            burstLost += net.network.droppedByRule();
        }
        assertTrue(burstLost > 0, "no burst ever caught a datagram");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void thousandConcurrentHandshakes_againstOneServer_stayWithinItsBounds(Kind kind) {
        DtlsNet net = new DtlsNet(11, kind);
        int limit = 250;
        GeneratedCertificate cert = DtlsSessionTest.SERVER;
        DtlsNet.Node server = net.node("10.0.0.1", 4433, DtlsConfig.server()
                .certificate(List.of(cert.certificate()), cert.privateKey()).maxHandshakes(limit).build());
        DtlsConfig clientConfig = DtlsSessionTest.clientConfig();
        List<DtlsNet.Node> clients = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            clients.add(net.node("10.1." + (i / 250) + "." + (i % 250 + 1), 5000, clientConfig));
        }
        for (DtlsNet.Node c : clients) {
            c.host.connect(server.address, net.now());
        }
        int[] peak = {0};
        boolean done = net.runUntil(() -> {
            peak[0] = Math.max(peak[0], server.host.handshaking());
            return server.host.handshakesCompleted() == 1000;
        }, DEADLINE);
        assertTrue(done, () -> server.host.handshakesCompleted() + " of 1000 completed, " + server.host.refused()
                + " refused");
        assertTrue(peak[0] <= limit, "handshakes at once: " + peak[0]);
        assertTrue(server.host.refused() > 0, "the limit was reached and held");
        for (DtlsNet.Node c : clients) {
            assertTrue(c.failures.isEmpty(), () -> c.failures.get(0).getMessage());
        }
        assertEquals(1000, server.host.sessions());
    }
}
