package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.dtls.CertificateBuilder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The --dtls options of the UDP commands: udpkit to udpkit, and what a user gets wrong. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DtlsCommandTest {

    @TempDir
    static Path dir;
    static String cert;
    static String key;
    static String strangerCert;

    @BeforeAll
    static void certificates() {
        CertificateBuilder.forName("localhost").build().writePem(dir.resolve("s.crt"), dir.resolve("s.key"));
        CertificateBuilder.forName("localhost").build().writePem(dir.resolve("x.crt"), dir.resolve("x.key"));
        cert = dir.resolve("s.crt").toString();
        key = dir.resolve("s.key").toString();
        strangerCert = dir.resolve("x.crt").toString();
    }

    @Test
    void clientAndSend_getEchoesOverDtls() throws Exception {
        try (Cli.Server server = Cli.echoServer("--upper", "--dtls", "--cert", cert, "--key", key)) {
            Cli.Result client = Cli.withInput("hello\nsecond\n", false).execute("client", "--dtls", "--trust", cert,
                    "--server-name", "localhost", server.hostPort());
            assertEquals(0, client.exit(), client.err());
            assertEquals("HELLO\nSECOND\n", client.out().replace("\r\n", "\n"));
            Cli.Result send = Cli.run("send", "--dtls", "--trust", cert, "--server-name", "localhost",
                    "--reply-timeout", "5s", server.hostPort(), "one more");
            assertEquals(0, send.exit(), send.err());
            assertEquals("ONE MORE", send.outLines().get(0));
        }
    }

    @Test
    void listen_printsWhatSendSentOverDtls() throws Exception {
        Cli.Server listen = Cli.listen("--dtls", "--cert", cert, "--key", key, "--payload-only", "--count", "1");
        Cli.Result send = Cli.run("send", "--dtls", "--trust", cert, "--server-name", "localhost", listen.hostPort(),
                "secret note");
        assertEquals(0, send.exit(), send.err());
        Cli.Result heard = listen.running().await();
        assertEquals(0, heard.exit(), heard.err());
        assertEquals("secret note", heard.outLines().get(0));
    }

    @Test
    void reliableMode_overDtls_isAcknowledged() throws Exception {
        Cli.Server listen = Cli.listen("--reliable", "--dtls", "--cert", cert, "--key", key, "--payload-only",
                "--count", "3");
        Cli.Result send = Cli.run("send", "--reliable", "--dtls", "--trust", cert, "--server-name", "localhost",
                listen.hostPort(), "a", "b", "c");
        assertEquals(0, send.exit(), send.err()); // exit 0: all three acknowledged, inside DTLS
        Cli.Result heard = listen.running().await();
        assertEquals(java.util.List.of("a", "b", "c"), heard.outLines());
    }

    @Test
    void failedHandshake_isOneLineWithTheAlert_andExitsNonZero() throws Exception {
        try (Cli.Server server = Cli.echoServer("--dtls", "--cert", cert, "--key", key)) {
            Cli.Result r = Cli.run("send", "--dtls", "--trust", strangerCert, "--server-name", "localhost",
                    server.hostPort(), "hello");
            r.assertUsageError("DTLS handshake with 127.0.0.1:" + server.port() + " failed");
            assertTrue(r.err().contains("bad_certificate") || r.err().contains("certificate_unknown"), r.err());
            Cli.Result name = Cli.run("send", "--dtls", "--trust", cert, "--server-name", "example.org",
                    server.hostPort(), "hello");
            name.assertUsageError("example.org");
        }
    }

    @Test
    void dtlsOptions_thatDoNotFit_areUsageErrors() {
        Cli.run("send", "--cert", cert, "--key", key, "127.0.0.1:9", "x").assertUsageError("--cert is a DTLS setting: add --dtls");
        Cli.run("send", "--dtls", "--key-file", key, "127.0.0.1:9", "x").assertUsageError("--dtls secures the traffic itself");
        Cli.run("send", "--dtls", "--cert", cert, "127.0.0.1:9", "x").assertUsageError("--cert needs --key");
        Cli.run("echo-server", "--dtls", "--port", "0").assertUsageError("a DTLS server needs its certificate");
        Cli.run("send", "--dtls", "--trust", dir.resolve("missing.pem").toString(), "127.0.0.1:9", "x")
                .assertUsageError("missing.pem");
        Cli.run("keygen", "--cert", "localhost").assertUsageError("--cert needs --out PREFIX");
    }

    @Test
    void keygen_refusesToOverwrite() {
        String prefix = dir.resolve("again").toString();
        assertEquals(0, Cli.run("keygen", "--cert", "localhost", "--out", prefix).exit());
        Cli.run("keygen", "--cert", "localhost", "--out", prefix).assertUsageError("will not overwrite");
    }
}
