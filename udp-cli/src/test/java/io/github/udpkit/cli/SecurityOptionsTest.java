package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.security.Key;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --key-file} (udpkit's encryption), {@code --fernet-key-file} (against Python's cryptography
 * where it is installed), the key file errors, and {@code --allow}/{@code --deny} on the serving
 * commands, end to end on loopback.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecurityOptionsTest {

    /** Python's cryptography, as the seeds use it: an uppercase echo server of Fernet tokens. */
    private static final String PYTHON_FERNET_SERVER = """
            import socket, sys
            from cryptography.fernet import Fernet
            f = Fernet(open(sys.argv[1], 'rb').read().strip())
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(('127.0.0.1', 0))
            s.settimeout(15)
            print(s.getsockname()[1], flush=True)
            token, addr = s.recvfrom(65535)
            text = f.decrypt(token).decode()
            print(text, flush=True)
            s.sendto(f.encrypt(text.upper().encode()), addr)
            """;

    /** And its client: sends one token, prints the decrypted reply. */
    private static final String PYTHON_FERNET_CLIENT = """
            import socket, sys
            from cryptography.fernet import Fernet
            f = Fernet(open(sys.argv[1], 'rb').read().strip())
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(15)
            s.sendto(f.encrypt(sys.argv[3].encode()), ('127.0.0.1', int(sys.argv[2])))
            token, _ = s.recvfrom(65535)
            print(f.decrypt(token).decode(), flush=True)
            """;

    @TempDir
    Path dir;

    @Test
    void shouldSendFernetTokensThatPythonDecryptsAndReadItsReply() throws Exception {
        Python.assumeModule("cryptography.fernet");
        Path key = newKey("fernet.key");
        try (Python server = Python.start(dir, PYTHON_FERNET_SERVER, key.toString())) {
            int port = Integer.parseInt(server.nextLine());
            Cli.Result r = Cli.run("send", "--fernet-key-file", key.toString(), "-r", "10s",
                    "127.0.0.1:" + port, "hello fernet, straße");
            assertEquals(0, r.exit(), r.err());
            assertEquals("hello fernet, straße", server.nextLine(), "Python decrypted what Java sent");
            assertEquals(List.of("HELLO FERNET, STRASSE"), r.outLines(), "Java decrypted what Python sent");
            assertEquals(0, server.await(), server::stderr);
        }
    }

    @Test
    void shouldServeAPythonFernetClient() throws Exception {
        Python.assumeModule("cryptography.fernet");
        Path key = newKey("fernet.key");
        try (Cli.Server echo = Cli.echoServer("--upper", "--fernet-key-file", key.toString(), "--stats");
             Python client = Python.start(dir, PYTHON_FERNET_CLIENT, key.toString(), String.valueOf(echo.port()),
                     "안녕하세요, fernet")) {
            assertEquals("안녕하세요, FERNET", client.nextLine());
            assertEquals(0, client.await(), client::stderr);
            Cli.Result r = echo.stop();
            assertTrue(r.out().contains("(uppercase echo, raw; Fernet tokens)"), r.out());
            assertTrue(r.out().contains("stopped: 1 datagrams echoed, 0 dropped"), r.out());
        }
    }

    @Test
    void shouldDeliverNothingEncryptedUnderAnotherFernetKey() throws Exception {
        Path right = newKey("right.key");
        Path wrong = newKey("wrong.key");
        Cli.Server listen = Cli.listen("--fernet-key-file", right.toString(), "--count", "1", "--payload-only",
                "--stats");
        assertEquals(0, Cli.run("send", "--fernet-key-file", wrong.toString(), listen.hostPort(), "secret").exit());
        assertEquals(0, Cli.run("send", "--fernet-key-file", right.toString(), listen.hostPort(), "shared").exit());
        Cli.Result r = listen.running().await();
        assertEquals(List.of("shared"), r.outLines());
        assertTrue(r.err().contains("dropped    not Fernet tokens of this key 1"), r.err());
        assertTrue(r.err().contains("stats (raw; Fernet tokens):"), r.err());
    }

    @Test
    void shouldPutNoPlaintextOnTheWireWithFernet() throws Exception {
        Path key = newKey("fernet.key");
        try (DatagramChannel sink = Net.udp()) {
            int port = ((InetSocketAddress) sink.getLocalAddress()).getPort();
            assertEquals(0, Cli.run("send", "--fernet-key-file", key.toString(), "127.0.0.1:" + port,
                    "attack at dawn").exit());
            String token = Net.receiveText(sink);
            assertTrue(token.startsWith("gAAAAA"), "a Fernet token: " + token);
            assertTrue(!token.contains("attack"), token);
        }
    }

    @Test
    void shouldRoundTripEncryptedWithTheSameKeyFile() throws Exception {
        Path key = newKey("shared.key");
        String fingerprint = Key.readFrom(key).fingerprint();
        Cli.Server listen = Cli.listen("--key-file", key.toString(), "--count", "2", "--payload-only", "--stats");
        Cli.Result sent = Cli.run("send", "--key-file", key.toString(), listen.hostPort(), "top", "secret");
        assertEquals(0, sent.exit(), sent.err());
        Cli.Result r = listen.running().await();
        assertEquals(List.of("top", "secret"), r.outLines());
        assertTrue(r.err().contains("stats (reliable; encrypted, key " + fingerprint + "):"), r.err());
        assertTrue(r.err().contains("dropped    none"), r.err());
    }

    @Test
    void shouldConverseEncryptedWithAnEchoServerInEveryFramedMode() throws Exception {
        Path key = newKey("shared.key");
        for (String mode : List.of("unreliable", "sequenced", "reliable-unordered", "reliable")) {
            try (Cli.Server echo = Cli.echoServer("--upper", "--key-file", key.toString(), "--mode", mode)) {
                Cli.Result r = Cli.withInput("hello\nq\n", false).execute("client", "--key-file", key.toString(),
                        "--mode", mode, echo.hostPort());
                assertEquals(0, r.exit(), () -> mode + ": " + r.err());
                assertEquals(List.of("HELLO"), r.outLines(), mode);
            }
        }
    }

    @Test
    void shouldDeliverNothingUnderAnotherKeyAndCountTheAuthFailures() throws Exception {
        Path right = newKey("right.key");
        Path wrong = newKey("wrong.key");
        Cli.Server listen = Cli.listen("--key-file", right.toString(), "--count", "1", "--payload-only", "--stats");
        Cli.Result refused = Cli.run("send", "--key-file", wrong.toString(), "--timeout", "500ms", listen.hostPort(),
                "forged");
        assertEquals(1, refused.exit(), refused.err());
        refused.assertOneCleanErrorLine("did not acknowledge message 1");
        // Sent after every forged datagram: once printed, those have all been judged.
        assertEquals(0, Cli.run("send", "--key-file", right.toString(), listen.hostPort(), "genuine").exit());
        Cli.Result r = listen.running().await();
        assertEquals(List.of("genuine"), r.outLines());
        Matcher m = Pattern.compile("auth failures (\\d+)").matcher(r.err());
        assertTrue(m.find() && Long.parseLong(m.group(1)) >= 1, r.err());
    }

    @Test
    void shouldPutNoPlaintextOnTheWireWithAKey() throws Exception {
        Path key = newKey("k.key");
        try (DatagramChannel sink = Net.udp()) {
            int port = ((InetSocketAddress) sink.getLocalAddress()).getPort();
            assertEquals(0, Cli.run("send", "--key-file", key.toString(), "--mode", "unreliable", "127.0.0.1:" + port,
                    "attack at dawn").exit());
            String wire = new String(Net.receive(sink), StandardCharsets.ISO_8859_1);
            assertTrue(!wire.contains("attack"), wire);
        }
    }

    @Test
    void shouldReportMissingAndBadKeyFilesInOneLine() throws Exception {
        Path missing = dir.resolve("nope.key");
        Cli.run("send", "--key-file", missing.toString(), "127.0.0.1:9", "x")
                .assertUsageError("key file does not exist: " + missing);
        Cli.run("listen", "--port", "0", "--fernet-key-file", missing.toString())
                .assertUsageError("Fernet key file does not exist: " + missing);
        Path shortKey = Files.writeString(dir.resolve("short.key"), "c2hvcnQ=\n");
        Cli.run("echo-server", "--port", "0", "--key-file", shortKey.toString())
                .assertUsageError("has the wrong length: 5 bytes of base64, expected 32");
        Path notBase64 = Files.writeString(dir.resolve("text.key"), "this is not a key at all!\n");
        Cli.run("client", "--fernet-key-file", notBase64.toString(), "127.0.0.1:9")
                .assertUsageError("is not valid base64");
    }

    @Test
    void shouldRejectKeyOptionsThatDoNotFitTogether() throws Exception {
        Path key = newKey("k.key");
        Cli.run("send", "--key-file", key.toString(), "--fernet-key-file", key.toString(), "127.0.0.1:9", "x")
                .assertUsageError("use --key-file or --fernet-key-file, not both");
        Cli.run("send", "--key-file", key.toString(), "--mode", "raw", "127.0.0.1:9", "x")
                .assertUsageError("--key-file encrypts udpkit frames, so it needs a framed mode");
        Cli.run("echo-server", "--tcp", "--port", "0", "--key-file", key.toString())
                .assertUsageError("--key-file applies to UDP, not to --tcp");
    }

    @Test
    void shouldRejectABadCidrRangeInOneLine() {
        Cli.run("listen", "--port", "0", "--allow", "10.0.0.0/33").assertUsageError("invalid CIDR range '10.0.0.0/33'");
        Cli.run("echo-server", "--port", "0", "--deny", "example.com").assertUsageError("invalid CIDR range 'example.com'");
    }

    @Test
    void shouldDropWhatADeniedSourceSendsToAListener() throws Exception {
        try (DatagramChannel denied = sourceAt("127.0.0.2"); DatagramChannel allowed = Net.udp()) {
            Cli.Server listen = Cli.listen("--deny", "127.0.0.2", "--count", "1", "--payload-only", "--stats");
            Net.sendTo(denied, "from the denied", listen.address());
            // Sent after it: once this one is printed, the denied one has been judged.
            Net.sendTo(allowed, "from the allowed", listen.address());
            Cli.Result r = listen.running().await();
            assertEquals(List.of("from the allowed"), r.outLines());
            assertTrue(r.err().contains("dropped    filtered 1"), r.err());
        }
    }

    @Test
    void shouldAdmitOnlyAllowedSourcesToAListener() throws Exception {
        try (DatagramChannel other = Net.udp(); DatagramChannel allowed = sourceAt("127.0.0.2")) {
            Cli.Server listen = Cli.listen("--allow", "127.0.0.2/32", "--count", "1", "--payload-only", "--stats");
            Net.sendTo(other, "not on the list", listen.address());
            Net.sendTo(allowed, "on the list", listen.address());
            Cli.Result r = listen.running().await();
            assertEquals(List.of("on the list"), r.outLines());
            assertTrue(r.err().contains("dropped    filtered 1"), r.err());
        }
    }

    @Test
    void shouldNotEchoToADeniedSource() throws Exception {
        try (DatagramChannel denied = sourceAt("127.0.0.2"); DatagramChannel allowed = Net.udp();
             Cli.Server echo = Cli.echoServer("--allow", "127.0.0.0/8", "--deny", "127.0.0.2", "--stats")) {
            Net.sendTo(denied, "denied", echo.address());
            Net.sendTo(allowed, "allowed", echo.address());
            assertEquals("allowed", Net.receiveText(allowed));
            // The server answers in order: had it answered the denied source, that reply would be there now.
            denied.configureBlocking(false);
            assertNull(denied.receive(ByteBuffer.allocate(64)), "no reply to a denied source");
            Cli.Result r = echo.stop();
            assertTrue(r.out().contains("stopped: 1 datagrams echoed, 0 dropped"), r.out());
            assertTrue(r.err().contains("dropped    filtered 1"), r.err());
        }
    }

    @Test
    void shouldCloseTcpConnectionsFromADeniedSource() throws Exception {
        try (Cli.Server echo = Cli.echoServer("--tcp", "--deny", "127.0.0.1")) {
            try (SocketChannel c = Net.tcp(echo.address())) {
                assertTrue(Net.closedByPeer(c), "a denied client is disconnected at once");
            }
            Cli.Result r = echo.stop();
            assertTrue(r.out().contains("stopped: 0 clients served, 0 refused, 0 closed for bad UTF-8, 1 filtered"),
                    r.out());
        }
    }

    private Path newKey(String name) {
        Path key = dir.resolve(name);
        Cli.Result r = Cli.run("keygen", "--out", key.toString());
        assertEquals(0, r.exit(), r.err());
        return key;
    }

    /** A UDP socket on another loopback address, where the system has one (Linux has all of 127/8). */
    private static DatagramChannel sourceAt(String address) throws IOException {
        DatagramChannel c = DatagramChannel.open();
        try {
            c.bind(new InetSocketAddress(address, 0));
        } catch (IOException e) {
            c.close();
            Assumptions.abort("cannot bind " + address + " here: " + e);
        }
        c.socket().setSoTimeout(Net.TIMEOUT_MS);
        return c;
    }
}
