package io.github.udpkit.core.dtls;

import static io.github.udpkit.core.dtls.DtlsNet.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.HandshakeException;
import io.github.udpkit.core.dtls.DtlsNet.Kind;
import io.github.udpkit.core.protocol.Engine;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * What the protocol engine does with the DTLS sessions it owns, in the simulated network under
 * virtual time: its deadline is the handshake's timers, the outcome is reported through its output,
 * a server's peer exists for the application only once it proved itself, records bind to the
 * address (an address change is not a migration), and what is spoofed or replayed creates nothing.
 */
class DtlsEngineTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.1", 4433);

    private static DtlsNet.EngineSide engine(DtlsNet.Node node) {
        return (DtlsNet.EngineSide) node.host;
    }

    private static DtlsNet.Node[] established(DtlsNet net) {
        DtlsNet.Node server = net.node("10.0.0.1", 4433, DtlsSessionTest.serverConfig());
        DtlsNet.Node client = net.node("10.0.0.2", 5000, DtlsSessionTest.clientConfig());
        client.send(SERVER, "hello");
        assertTrue(net.runUntil(() -> server.delivered.contains("hello"), 5_000 * MS), net::trace);
        return new DtlsNet.Node[] {server, client};
    }

    @Test
    void theEnginesDeadline_isTheHandshakesTimer_andATimeoutIsReportedOnce() throws Exception {
        DtlsNet net = new DtlsNet(1, Kind.ENGINE);
        DtlsNet.Node client = net.node("10.0.0.2", 5000, DtlsConfig.client().trust(
                List.of(DtlsSessionTest.SERVER.certificate())).serverName("server.test")
                .handshakeTimeout(java.time.Duration.ofSeconds(5)).build());
        Engine engine = engine(client).engine;
        long start = net.now();
        client.send(SERVER, "into the void"); // nobody listens at the server's address
        assertEquals(start + 1_000 * MS, engine.update(start), "the first retransmission, RFC 6347's 1 s");
        assertEquals(1, net.sent.size(), "the ClientHello, and nothing of the engine's before the handshake");
        assertEquals(start + 1_000 * MS + 250 * MS, engine.update(start + 1_000 * MS),
                "after the retransmission, its spaced copy");
        net.runFor(10_000 * MS);
        assertEquals(1, client.failures.size(), net::trace);
        assertTrue(client.failures.get(0).getMessage().contains("timed out after 5000 ms"),
                client.failures.get(0).getMessage());
        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> engine(client).sends.get(0).get());
        assertEquals(client.failures.get(0), failed.getCause(), "the send fails with the handshake's failure");
        assertEquals(List.of("4433 UNREACHABLE: " + client.failures.get(0).getMessage()), engine(client).disconnects);
        assertEquals(0, engine.peerCount());
        assertEquals(Engine.NO_DEADLINE, engine.update(net.now()), "nothing left to wake for");
    }

    @Test
    void aServersPeer_isAnnouncedOnlyOnceAuthenticated_andEveryMessageCarriesItsIdentity() {
        DtlsNet net = new DtlsNet(2, Kind.ENGINE);
        DtlsNet.Node[] n = established(net);
        assertEquals(List.of(n[1].address), n[0].established);
        assertEquals(List.of(SERVER), n[1].established);
        assertEquals(List.of("connected 5000", "authenticated 5000"), engine(n[0]).events,
                "the server's application meets the peer once it proved itself");
        assertEquals(List.of("connected 4433", "authenticated 4433"), engine(n[1]).events,
                "the client's send opened the conversation");
        assertTrue(n[0].identities.get(0).chain().isEmpty(), "an anonymous client, identified as such");
        n[0].send(n[1].address, "back");
        assertTrue(net.runUntil(() -> n[1].delivered.contains("back"), 1_000 * MS), net::trace);
        assertEquals("CN=server.test", n[1].identities.get(0).subject().orElseThrow());
    }

    @Test
    void aFailedHandshake_isReportedOnceOnEachSide_andTheServerKeepsNothing() {
        DtlsNet net = new DtlsNet(3, Kind.ENGINE);
        DtlsNet.Node server = net.node("10.0.0.1", 4433, DtlsSessionTest.serverConfig());
        DtlsNet.Node client = net.node("10.0.0.2", 5000, DtlsConfig.client()
                .trust(List.of(DtlsSessionTest.SERVER.certificate())).serverName("other.test").build());
        client.send(SERVER, "hello");
        assertTrue(net.runUntil(() -> !client.failures.isEmpty() && !server.failures.isEmpty(), 5_000 * MS),
                net::trace);
        net.runFor(1_000 * MS);
        assertEquals(1, client.failures.size());
        assertEquals(1, server.failures.size());
        HandshakeException failure = client.failures.get(0);
        assertEquals("certificate_unknown", failure.alert().orElseThrow(), failure.getMessage());
        assertTrue(engine(server).disconnects.isEmpty(), "a peer never announced is never disconnected: "
                + engine(server).disconnects);
        assertEquals(0, engine(server).engine.peerCount());
        assertEquals(0, server.host.sessions());
        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> engine(client).sends.get(0).get());
        assertEquals(failure, failed.getCause(), "the waiting send fails with the handshake's failure");
    }

    /**
     * DTLS 1.2 without RFC 9146 connection ids binds records to the address. A client whose
     * address changes (a NAT rebinding) is a stranger there: its records are dropped and counted,
     * never delivered, and no connection migrates. Its reliable sends fail when their retries run
     * out; its next send starts a new handshake from the new address, which the server admits
     * like any client; the server's old connection ends at its idle timeout.
     */
    @Test
    void aPeerWhoseAddressChanges_isNotMigrated_andTalksAgainAfterANewHandshake() {
        DtlsNet net = new DtlsNet(4, Kind.ENGINE);
        DtlsNet.Node[] n = established(net);
        DtlsNet.Node server = n[0];
        DtlsNet.Node client = n[1];
        InetSocketAddress moved = new InetSocketAddress("10.0.0.9", 6000);
        long unexpected = server.host.unexpected();
        net.rebind(client, moved);
        client.send(SERVER, "after the move");
        assertTrue(net.runUntil(() -> engine(client).sends.get(1).isDone(), 120_000 * MS), net::trace);
        assertTrue(engine(client).sends.get(1).isCompletedExceptionally(), "its retries ran out");
        assertFalse(server.delivered.contains("after the move"));
        assertTrue(server.host.unexpected() > unexpected, "records from the new address were dropped and counted");
        assertEquals(0, engine(server).engine.metrics().pathMigrations());
        assertTrue(engine(client).disconnects.get(0).startsWith("4433 UNREACHABLE"), engine(client).disconnects::toString);

        client.send(SERVER, "a new handshake");
        assertTrue(net.runUntil(() -> server.delivered.contains("a new handshake"), 5_000 * MS), net::trace);
        assertEquals(List.of(client.address, moved), server.established);
        assertTrue(net.runUntil(() -> !engine(server).disconnects.isEmpty(), 120_000 * MS), net::trace);
        assertEquals("5000 TIMED_OUT", engine(server).disconnects.get(0).substring(0, 14));
        assertEquals(1, engine(server).engine.peerCount(), "the old address's connection is gone, the new one stays");
    }

    @Test
    void aSpoofedClientHello_createsNoConnection_andDrawsNoMoreBytesThanItCarried() {
        DtlsNet net = new DtlsNet(5, Kind.ENGINE);
        DtlsNet.Node server = net.node("10.0.0.1", 4433, DtlsSessionTest.serverConfig());
        DtlsNet.Node client = net.node("10.0.0.2", 5000, DtlsSessionTest.clientConfig());
        net.drop(p -> true);
        client.host.connect(SERVER, net.now());
        byte[] hello = net.sent.get(0).bytes().clone();
        net.drop(p -> false);
        int before = net.sent.size();
        for (int i = 0; i < 100; i++) {
            net.inject(new InetSocketAddress("192.0.2." + (i + 1), 7000), SERVER, hello);
        }
        net.runFor(100 * MS);
        long answered = 0;
        for (DtlsNet.Packet p : net.sent.subList(before, net.sent.size())) {
            if (p.from().equals(SERVER)) {
                answered += p.bytes().length;
            }
        }
        assertTrue(answered <= 100L * hello.length, answered + " bytes answered " + 100L * hello.length);
        assertEquals(100, server.host.cookiesSent(), "each answered statelessly");
        assertEquals(0, engine(server).engine.peerCount(), "no state for a spoofed address");
        assertEquals(0, server.host.sessions());
    }

    @Test
    void aReplayedRecord_isNeverDeliveredAgain() {
        DtlsNet net = new DtlsNet(6, Kind.ENGINE);
        DtlsNet.Node[] n = established(net);
        byte[] record = null;
        for (DtlsNet.Packet p : net.sent) {
            if (p.from().equals(n[1].address) && p.bytes()[0] == DtlsRecords.APPLICATION_DATA) {
                record = p.bytes();
                break; // the first: it carried "hello"
            }
        }
        assertNotNull(record, net::trace);
        for (int i = 0; i < 5; i++) {
            net.inject(n[1].address, SERVER, record);
        }
        net.runFor(100 * MS);
        assertEquals(List.of("hello"), n[0].delivered);
        assertEquals(5, n[0].host.replaysDropped());
    }

    @Test
    void aServerSendingToAPeerThatNeverConnected_isToldAtOnce() {
        DtlsNet net = new DtlsNet(7, Kind.ENGINE);
        DtlsNet.Node server = net.node("10.0.0.1", 4433, DtlsSessionTest.serverConfig());
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> server.send(new InetSocketAddress("10.0.0.2", 5000), "unasked"));
        assertTrue(e.getMessage().contains("10.0.0.2:5000"), e.getMessage());
        assertEquals(0, engine(server).engine.peerCount(), "nothing kept for it");
    }
}
