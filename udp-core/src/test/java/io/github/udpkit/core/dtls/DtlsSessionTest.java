package io.github.udpkit.core.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class DtlsSessionTest {
    static final GeneratedCertificate SERVER = CertificateBuilder.forName("server.test").build();

    static DtlsConfig serverConfig() {
        return DtlsConfig.server().certificate(List.of(SERVER.certificate()), SERVER.privateKey()).build();
    }

    static DtlsConfig clientConfig() {
        return DtlsConfig.client().trust(List.of(SERVER.certificate())).serverName("server.test").build();
    }

    @Test
    void handshakes_andCarriesDataBothWays_onACleanLink() {
        DtlsNet net = new DtlsNet(1);
        DtlsNet.Node server = net.node("10.0.0.1", 4433, serverConfig());
        DtlsNet.Node client = net.node("10.0.0.2", 5000, clientConfig());
        client.send(server.address, "hello");
        assertTrue(net.runUntil(() -> !server.delivered.isEmpty(), 5_000 * DtlsNet.MS), net::trace);
        server.send(client.address, "HELLO");
        net.runFor(100 * DtlsNet.MS);
        assertEquals(List.of("hello"), server.delivered);
        assertEquals(List.of("HELLO"), client.delivered);
        assertEquals("CN=server.test", client.identities.get(0).subject().orElseThrow());
        assertEquals(0, client.host.retransmissions() + server.host.retransmissions(), "no flight may wait for a timer");
        InetSocketAddress s = server.address;
        assertTrue(client.host.session(s).handshakeNanos() < 100 * DtlsNet.MS, "handshake took "
                + client.host.session(s).handshakeNanos() / DtlsNet.MS + " ms");
    }
}
