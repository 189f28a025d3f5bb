package io.github.udpkit.core.dtls;

import static io.github.udpkit.core.dtls.DtlsNet.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.HandshakeException;
import java.net.InetSocketAddress;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the DTLS layer refuses: replayed and altered records, ClientHellos from spoofed addresses,
 * and peers whose certificate or version is not acceptable, each failing with its reason.
 */
class DtlsSecurityTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.1", 4433);

    private static DtlsNet.Node[] pair(DtlsNet net, DtlsConfig server, DtlsConfig client) {
        return new DtlsNet.Node[] {net.node("10.0.0.1", 4433, server), net.node("10.0.0.2", 5000, client)};
    }

    private static DtlsNet.Node[] established(DtlsNet net) {
        DtlsNet.Node[] n = pair(net, DtlsSessionTest.serverConfig(), DtlsSessionTest.clientConfig());
        n[1].host.connect(SERVER, net.now());
        assertTrue(net.runUntil(() -> !n[0].established.isEmpty() && !n[1].established.isEmpty(), 5_000 * MS),
                net::trace);
        return n;
    }

    private static byte[] lastApplicationRecord(DtlsNet net) {
        for (int i = net.sent.size() - 1; i >= 0; i--) {
            if (net.sent.get(i).bytes()[0] == DtlsRecords.APPLICATION_DATA) {
                return net.sent.get(i).bytes();
            }
        }
        throw new AssertionError("no application record sent:\n" + net.trace());
    }

    @Test
    void replayedRecord_isNeverDeliveredAgain() {
        DtlsNet net = new DtlsNet(1);
        DtlsNet.Node[] n = established(net);
        n[1].send(SERVER, "pay 100");
        net.runFor(50 * MS);
        byte[] record = lastApplicationRecord(net);
        for (int i = 0; i < 5; i++) {
            net.inject(n[1].address, SERVER, record);
        }
        net.runFor(50 * MS);
        assertEquals(List.of("pay 100"), n[0].delivered);
        assertEquals(5, n[0].host.replaysDropped());
    }

    @Test
    void everyBitFlip_ofARecord_isRejected_andTheGenuineRecordStillArrives() {
        DtlsNet net = new DtlsNet(2);
        DtlsNet.Node[] n = established(net);
        net.drop(p -> p.bytes()[0] == DtlsRecords.APPLICATION_DATA); // keep the genuine one back
        n[1].send(SERVER, "genuine");
        net.runFor(10 * MS);
        net.drop(p -> false);
        byte[] record = lastApplicationRecord(net);
        for (int bit = 0; bit < record.length * 8; bit++) {
            byte[] flipped = record.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            net.inject(n[1].address, SERVER, flipped);
        }
        net.runFor(50 * MS);
        assertEquals(List.of(), n[0].delivered, "an altered record was delivered");
        assertTrue(n[0].host.authFailures() >= record.length * 8 - DtlsRecords.HEADER * 8,
                "flips of the protected bytes fail authentication: " + n[0].host.authFailures());
        assertEquals(0, n[0].failures.size(), "forged records do not end the association");
        net.inject(n[1].address, SERVER, record);
        net.runFor(50 * MS);
        assertEquals(List.of("genuine"), n[0].delivered, "no forgery moved the replay window past it");
    }

    @Test
    void spoofedClientHello_drawsNoMoreBytesThanItCarried_andCreatesNoState() {
        DtlsNet net = new DtlsNet(3);
        DtlsNet.Node server = net.node("10.0.0.1", 4433, DtlsSessionTest.serverConfig());
        // A genuine client's first ClientHello, captured, then sent from 1,000 forged addresses.
        DtlsNet.Node client = net.node("10.0.0.2", 5000, DtlsSessionTest.clientConfig());
        net.drop(p -> p.to().equals(SERVER)); // the capture never reaches the server itself
        client.host.connect(SERVER, net.now());
        byte[] hello = net.sent.get(0).bytes();
        net.remove(client);
        net.drop(p -> false);
        for (int i = 0; i < 1000; i++) {
            net.inject(new InetSocketAddress("192.0.2." + (i % 250 + 1), 1024 + i), SERVER, hello);
        }
        net.runFor(100 * MS);
        long repliedBytes = net.bytesSent.getOrDefault(SERVER, 0L);
        assertTrue(repliedBytes <= 1000L * hello.length, repliedBytes + " bytes answered " + 1000L * hello.length);
        assertEquals(0, server.host.sessions(), "state for a spoofed address");
        assertEquals(1000, server.host.cookiesSent());
        // Echoing a cookie from another address does not help either.
        byte[] withCookie = clientHelloWithCookieFrom(net, server);
        net.inject(new InetSocketAddress("198.51.100.7", 999), SERVER, withCookie);
        net.runFor(100 * MS);
        assertEquals(0, server.host.sessions(), "a cookie made for another address admitted a client");
    }

    /** Runs a real client until its second ClientHello (with its cookie) and returns that datagram. */
    private static byte[] clientHelloWithCookieFrom(DtlsNet net, DtlsNet.Node server) {
        DtlsNet.Node client = net.node("10.0.0.3", 5000, DtlsSessionTest.clientConfig());
        int from = net.sent.size();
        net.drop(p -> p.from().equals(client.address) && p.bytes()[DtlsRecords.HEADER + 5] == 1); // keep CH2 back
        client.host.connect(SERVER, net.now());
        net.runFor(100 * MS);
        net.drop(p -> false);
        net.remove(client);
        for (int i = from; i < net.sent.size(); i++) {
            byte[] b = net.sent.get(i).bytes();
            if (net.sent.get(i).from().equals(client.address) && b[DtlsRecords.HEADER + 5] == 1) {
                return b;
            }
        }
        throw new AssertionError("no second ClientHello:\n" + net.trace());
    }

    @Test
    void clientHelloOfDtls10_isRefusedWithProtocolVersion() {
        DtlsNet net = new DtlsNet(4);
        DtlsNet.Node server = net.node("10.0.0.1", 4433, DtlsSessionTest.serverConfig());
        DtlsNet.Node client = net.node("10.0.0.2", 5000, DtlsSessionTest.clientConfig());
        net.drop(p -> true);
        client.host.connect(SERVER, net.now());
        byte[] hello = net.sent.get(0).bytes().clone();
        net.drop(p -> false);
        // As a DTLS 1.0-only client writes it: client_version {254, 255}.
        hello[DtlsRecords.HEADER + DtlsRecords.HANDSHAKE_HEADER] = (byte) 0xFE;
        hello[DtlsRecords.HEADER + DtlsRecords.HANDSHAKE_HEADER + 1] = (byte) 0xFF;
        net.inject(client.address, SERVER, hello);
        net.runFor(100 * MS);
        assertEquals(0, server.host.sessions());
        assertEquals(1, client.failures.size(), net::trace);
        HandshakeException failure = client.failures.get(0);
        assertEquals("protocol_version", failure.alert().orElseThrow(), failure.getMessage());
        assertTrue(failure.getMessage().contains("with 10.0.0.1:4433 failed"), failure.getMessage());
    }

    /** Runs a handshake that must fail; returns the client's failure and checks the server heard why. */
    private static HandshakeException failedHandshake(DtlsConfig server, DtlsConfig client) {
        DtlsNet net = new DtlsNet(5);
        DtlsNet.Node[] n = pair(net, server, client);
        n[1].host.connect(SERVER, net.now());
        assertTrue(net.runUntil(() -> !n[1].failures.isEmpty(), 5_000 * MS), net::trace);
        net.runFor(100 * MS);
        assertEquals(1, n[1].failures.size(), "one failure, reported once");
        assertTrue(n[0].established.isEmpty() && n[1].established.isEmpty());
        assertEquals(1, n[0].failures.size(), "the server heard the alert:\n" + net.trace());
        return n[1].failures.get(0);
    }

    @Test
    void certificateOfAnotherCa_failsWithItsReason() {
        GeneratedCertificate otherCa = CertificateBuilder.forName("Other CA").build();
        GeneratedCertificate stranger = CertificateBuilder.forName("server.test").leaf().signedBy(otherCa).build();
        HandshakeException failure = failedHandshake(DtlsConfig.server()
                        .certificate(List.of(stranger.certificate(), otherCa.certificate()), stranger.privateKey()).build(),
                DtlsSessionTest.clientConfig());
        assertEquals("certificate_unknown", failure.alert().orElseThrow(), failure.getMessage());
        assertTrue(failure.getMessage().contains("unable to find valid certification path"), failure.getMessage());
    }

    @Test
    void expiredCertificate_failsWithItsReason() {
        GeneratedCertificate ca = CertificateBuilder.forName("Test CA").build();
        ZonedDateTime past = ZonedDateTime.now(ZoneOffset.UTC).minusDays(30);
        GeneratedCertificate expired = CertificateBuilder.forName("server.test").leaf().signedBy(ca)
                .validity(past, past.plusDays(1)).build();
        HandshakeException failure = failedHandshake(
                DtlsConfig.server().certificate(List.of(expired.certificate(), ca.certificate()), expired.privateKey())
                        .build(),
                DtlsConfig.client().trust(List.of(ca.certificate())).serverName("server.test").build());
        assertEquals("certificate_expired", failure.alert().orElseThrow(), failure.getMessage());
    }

    @Test
    void certificateForAnotherName_failsWithItsReason() {
        HandshakeException failure = failedHandshake(DtlsSessionTest.serverConfig(),
                DtlsConfig.client().trust(List.of(DtlsSessionTest.SERVER.certificate())).serverName("other.test").build());
        assertEquals("certificate_unknown", failure.alert().orElseThrow(), failure.getMessage());
        assertTrue(failure.getMessage().contains("other.test"), failure.getMessage());
    }

    @Test
    void pinnedFingerprint_isTrusted_andAnotherIsNot() {
        String pin = GeneratedCertificate.fingerprint(DtlsSessionTest.SERVER.certificate());
        DtlsNet net = new DtlsNet(6);
        DtlsNet.Node[] n = pair(net, DtlsSessionTest.serverConfig(), DtlsConfig.client().pin(pin).build());
        n[1].host.connect(SERVER, net.now());
        assertTrue(net.runUntil(() -> !n[1].established.isEmpty(), 5_000 * MS), net::trace);
        String other = GeneratedCertificate.fingerprint(CertificateBuilder.forName("x").build().certificate());
        HandshakeException failure = failedHandshake(DtlsSessionTest.serverConfig(), DtlsConfig.client().pin(other).build());
        assertTrue(failure.getMessage().contains("is not pinned"), failure.getMessage());
    }

    @Test
    void clientCertificates_identifyTheClient_whenTheServerRequiresThem() {
        GeneratedCertificate alice = CertificateBuilder.forName("alice").build();
        DtlsConfig server = DtlsConfig.server()
                .certificate(List.of(DtlsSessionTest.SERVER.certificate()), DtlsSessionTest.SERVER.privateKey())
                .trust(List.of(alice.certificate())).clientAuth(DtlsConfig.ClientAuth.REQUIRED).build();
        DtlsNet net = new DtlsNet(7);
        DtlsNet.Node[] n = pair(net, server, DtlsConfig.client().trust(List.of(DtlsSessionTest.SERVER.certificate()))
                .serverName("server.test").certificate(List.of(alice.certificate()), alice.privateKey()).build());
        n[1].send(SERVER, "it is alice");
        assertTrue(net.runUntil(() -> !n[0].delivered.isEmpty(), 5_000 * MS), net::trace);
        assertEquals("CN=alice", n[0].identities.get(0).subject().orElseThrow());
        // Without a certificate the client is refused.
        HandshakeException failure = failedHandshake(server, DtlsSessionTest.clientConfig());
        assertTrue(failure.alert().isPresent(), failure.getMessage());
    }

    @Test
    void silentAssociation_isDroppedAfterTheIdleTimeout_andAnActiveOneIsNot() {
        DtlsNet net = new DtlsNet(8);
        DtlsConfig server = DtlsConfig.server()
                .certificate(List.of(DtlsSessionTest.SERVER.certificate()), DtlsSessionTest.SERVER.privateKey())
                .idleTimeout(java.time.Duration.ofSeconds(10)).build();
        DtlsNet.Node[] n = pair(net, server, DtlsSessionTest.clientConfig());
        DtlsNet.Node quiet = net.node("10.0.0.3", 5000, DtlsSessionTest.clientConfig());
        n[1].send(SERVER, "hello");
        quiet.send(SERVER, "hello");
        assertTrue(net.runUntil(() -> n[0].delivered.size() == 2, 5_000 * MS), net::trace);
        for (int i = 0; i < 4; i++) {
            net.runFor(4_000 * MS);
            n[1].send(SERVER, "still here " + i);
        }
        net.runFor(100 * MS);
        assertEquals(1, n[0].host.sessions(), "the quiet client's state is gone, the talking one's is kept");
        assertTrue(n[0].host.session(n[1].address) != null);
        assertEquals(6, n[0].delivered.size());
    }
}
