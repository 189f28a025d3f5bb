package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.Message;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.dtls.CertificateBuilder;
import io.github.udpkit.core.dtls.DtlsConfig;
import io.github.udpkit.core.dtls.Pem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DTLS 1.2 against OpenSSL over loopback, both ways: {@code openssl s_client -dtls1_2} against
 * {@code udpkit echo-server --dtls} (udpkit's cookie exchange and the JDK's both happen), and a
 * udpkit endpoint as a client of {@code openssl s_server -dtls1_2 -listen}, also with
 * {@code -mtu 256} so that the server's flights are fragmented. Data goes both ways, and no flight
 * waits for a retransmission on the clean link: udpkit's side retransmits nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DtlsInteropTest {

    @TempDir
    static Path dir;
    static Path cert;
    static Path key;

    @BeforeAll
    static void certificate() {
        cert = dir.resolve("server.crt");
        key = dir.resolve("server.key");
        CertificateBuilder.forName("localhost").build().writePem(cert, key);
    }

    @BeforeEach
    void needsOpenssl() {
        OpenSsl.assumeInstalled();
    }

    @Test
    void opensslClient_getsEchoesFromUdpkitEchoServer() throws Exception {
        Cli.Server server = Cli.echoServer("--upper", "--dtls", "--cert", cert.toString(), "--key", key.toString(),
                "--stats");
        try (OpenSsl client = OpenSsl.start("s_client", "-dtls1_2", "-connect", server.hostPort(), "-CAfile",
                cert.toString(), "-servername", "localhost", "-verify_return_error", "-quiet")) {
            client.writeLine("hello over dtls");
            client.awaitLine("HELLO OVER DTLS");
            client.writeLine("second line");
            client.awaitLine("SECOND LINE");
        }
        Cli.Result r = server.stop();
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("(uppercase echo, raw; DTLS 1.2)"), r.out());
        assertTrue(r.err().contains("retransmissions 0,"), "udpkit retransmitted on a clean link:\n" + r.err());
    }

    @ParameterizedTest(name = "mtu {0}")
    @ValueSource(ints = {0, 256})
    void udpkitClient_talksToOpensslServer(int mtu) throws Exception {
        int port = OpenSsl.freeUdpPort();
        String[] args = {"s_server", "-dtls1_2", "-listen", "-accept", "127.0.0.1:" + port, "-cert", cert.toString(),
            "-key", key.toString()};
        if (mtu > 0) {
            args = Cli.concat(args, "-mtu", Integer.toString(mtu));
        }
        DtlsConfig config = DtlsConfig.client().trust(cert).serverName("localhost").build();
        try (OpenSsl server = OpenSsl.start(args);
             Endpoint<String> client = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).dtls(config).open()) {
            server.awaitLine("ACCEPT");
            client.send("ping from udpkit\n").to("127.0.0.1", port).get(OpenSsl.WAIT_SECONDS, TimeUnit.SECONDS);
            server.awaitLine("ping from udpkit");
            server.writeLine("pong from openssl");
            Message<String> reply = client.receive(Duration.ofSeconds(OpenSsl.WAIT_SECONDS));
            assertEquals("pong from openssl\n", reply.payload());
            assertEquals("CN=localhost", reply.peerIdentity().orElseThrow().subject().orElseThrow());
            assertEquals(0, client.stats().retransmissions(), "udpkit retransmitted on a clean link");
        }
    }

    @Test
    void keygenCertificate_isAcceptedByOpenssl() throws Exception {
        Path prefix = dir.resolve("made-by-keygen");
        Cli.Result made = Cli.run("keygen", "--cert", "example.test", "--out", prefix.toString());
        assertEquals(0, made.exit(), made.err());
        String crt = prefix + ".crt";
        OpenSsl.Result text = OpenSsl.run("x509", "-in", crt, "-noout", "-text");
        assertEquals(0, text.exit(), text.output());
        assertTrue(text.output().contains("Subject: CN = example.test"), text.output());
        assertTrue(text.output().contains("DNS:example.test"), text.output());
        assertTrue(text.output().contains("ecdsa-with-SHA256"), text.output());
        assertTrue(text.output().contains("NIST CURVE: P-256"), text.output());
        OpenSsl.Result verify = OpenSsl.run("verify", "-CAfile", crt, crt);
        assertEquals(0, verify.exit(), verify.output());
        assertTrue(verify.output().contains(": OK"), verify.output());
        OpenSsl.Result keyCheck = OpenSsl.run("pkey", "-in", prefix + ".key", "-noout", "-check");
        assertEquals(0, keyCheck.exit(), keyCheck.output());
        // And what openssl writes, udpkit reads: a key as openssl ecparam writes it (SEC1).
        Path sec1 = dir.resolve("sec1.key");
        assertEquals(0, OpenSsl.run("ecparam", "-name", "prime256v1", "-genkey", "-out", sec1.toString()).exit());
        assertEquals("EC", Pem.readPrivateKey(sec1).getAlgorithm());
    }
}
