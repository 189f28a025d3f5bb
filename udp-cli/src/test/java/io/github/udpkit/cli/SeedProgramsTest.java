package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.testing.Proc;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every program in the seeds, run unchanged with {@code python3}, against the udpkit command that
 * plays its counterpart: udpkit's servers with the seeds' clients, the seeds' servers with
 * udpkit's clients. One test per row of the README's table "The seeds' programs". Each runs in a
 * network namespace of its own ({@link SeedNamespace}), because the seeds hard-code their ports
 * and hosts; where that cannot be set up (not root) or {@code python3} is missing, the tests are
 * reported as aborted with the reason.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SeedProgramsTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePython() {
        Python.assumeModule("socket");
    }

    private SeedNamespace ns() {
        return SeedNamespace.create(dir);
    }

    // ---------------------------------------------------------------- seed 001

    @Test
    void seed001UdpClient_withEchoServer() throws Exception {
        try (SeedNamespace ns = ns()) {
            ns.udpkit("echo-server", "--upper", "--port", "12000").awaitOut("listening on udp");
            Proc py = ns.python("001_UDPClient.py").type("hello from python, straße");
            assertEquals(0, py.awaitExit(), py::describe);
            assertEquals("Input lowercase sentence:HELLO FROM PYTHON, STRASSE\n", py.out(), py::describe);
        }
    }

    @Test
    void seed001UdpServer_withSend() throws Exception {
        try (SeedNamespace ns = ns()) {
            Proc server = ns.python("001_UDPServer.py");
            server.awaitOut("The server is ready to receive");
            Proc send = ns.udpkit("send", "-r", "2s", "hostname:12000", "hello");
            // The seed's server has a typo (modifiedmessage / modifiedMessage): the datagram
            // reaches it, and it dies before it can answer. udpkit says so in one line.
            server.awaitErr("NameError: name 'modifiedMessage' is not defined");
            assertEquals(1, send.awaitExit(), send::describe);
            assertTrue(send.err().contains("udpkit: no reply to message 1 from 127.0.0.1:12000"), send::describe);
        }
    }

    // ---------------------------------------------------------------- seed 002

    @Test
    void seed002UdpClient_withEchoServer() throws Exception {
        try (SeedNamespace ns = ns()) {
            ns.udpkit("echo-server", "--upper", "--bind", "127.0.0.1", "--port", "5005").awaitOut("listening on udp");
            Proc py = ns.python("002_udp_client.py").type("hello").type("안녕하세요 udp");
            py.awaitOut("->안녕하세요 UDP\n->");
            py.endInput(); // the seed's client loops for ever: the end of input ends it, as it would a user's
            py.awaitExit();
            assertEquals("->HELLO\n->안녕하세요 UDP\n->", py.out(), py::describe);
            assertTrue(py.err().contains("EOFError"), py::describe);
        }
    }

    @Test
    void seed002UdpServer_withClient() throws Exception {
        try (SeedNamespace ns = ns()) {
            // The post leaves the server's port to the reader ("port" is never set): 5005, its client's.
            ns.pythonWith("python3", "002_udp_server.py", "port = 5005");
            ns.awaitListening("udp", 5005);
            Proc client = ns.udpkit("client", "127.0.0.1:5005").type("hello seed").type("q");
            assertEquals(0, client.awaitExit(), client::describe);
            assertTrue(client.out().contains("HELLO SEED"), client::describe);
        }
    }

    @Test
    void seed002TcpClient_withEchoServer() throws Exception {
        try (SeedNamespace ns = ns()) {
            ns.udpkit("echo-server", "--upper", "--tcp", "--bind", "127.0.0.1", "--port", "5005")
                    .awaitOut("listening on tcp");
            Proc py = ns.python("002_tcp_client.py").type("hello tcp").type("grüße, 세계");
            py.awaitOut("->GRÜSSE, 세계\n->");
            py.endInput();
            py.awaitExit();
            assertEquals("->HELLO TCP\n->GRÜSSE, 세계\n->", py.out(), py::describe);
        }
    }

    @Test
    void seed002TcpServer_withClient() throws Exception {
        try (SeedNamespace ns = ns()) {
            ns.pythonWith("python3", "002_tcp_server.py", "Port = 5005");
            ns.awaitListening("tcp", 5005);
            Proc client = ns.udpkit("client", "--tcp", "127.0.0.1:5005").type("hello tcp seed").type("q");
            assertEquals(0, client.awaitExit(), client::describe);
            assertTrue(client.out().contains("HELLO TCP SEED"), client::describe);
        }
    }

    // ---------------------------------------------------------------- seed 003

    @Test
    void seed003Client_withListen() throws Exception {
        try (SeedNamespace ns = ns()) {
            Proc listen = ns.udpkit("listen", "--port", "8888", "--payload-only", "--count", "1");
            listen.awaitErr("listening on udp");
            Proc py = ns.python("003_client.py");
            assertEquals(0, py.awaitExit(), py::describe);
            assertEquals(0, listen.awaitExit(), listen::describe);
            assertEquals("Hello server!\n", listen.out(), listen::describe);
        }
    }

    @Test
    void seed003Server_withSend() throws Exception {
        try (SeedNamespace ns = ns()) {
            Proc py = ns.python("003_server.py");
            ns.awaitListening("udp", 8888);
            Proc send = ns.udpkit("send", "127.0.0.1:8888", "Hello server!");
            assertEquals(0, send.awaitExit(), send::describe);
            assertEquals(0, py.awaitExit(), py::describe);
            assertTrue(py.out().matches("Received message: Hello server! from \\('127\\.0\\.0\\.1', \\d+\\)\n"), py::describe);
        }
    }

    // ---------------------------------------------------------------- seed 004: send and receive

    @Test
    void seed004ReceiverOnce_withSend() throws Exception {
        try (SeedNamespace ns = ns()) {
            Proc py = ns.python("004_receiver_once.py");
            py.awaitOut("데이터 수신 대기 중...");
            ns.awaitListening("udp", 12345);
            Proc send = ns.udpkit("send", "localhost:12345", "hello, seed 004");
            assertEquals(0, send.awaitExit(), send::describe);
            assertEquals(0, py.awaitExit(), py::describe);
            assertTrue(py.out().contains("수신 데이터: hello, seed 004\n송신원 주소: ('127.0.0.1', "), py::describe);
        }
    }

    @Test
    void seed004ReceiverWithQ_withSend() throws Exception {
        try (SeedNamespace ns = ns()) {
            Proc py = ns.python("004_receiver.py");
            ns.awaitListening("udp", 12345);
            Proc send = ns.udpkit("send", "localhost:12345", "one", "둘", "q");
            assertEquals(0, send.awaitExit(), send::describe);
            assertEquals(0, py.awaitExit(), py::describe); // its 'q' ends it
            String out = py.out();
            assertTrue(out.contains("수신 메시지: one\n") && out.contains("수신 메시지: 둘\n"), py::describe);
            assertTrue(out.endsWith("수신을 종료합니다.\n"), py::describe);
        }
    }

    @Test
    void seed004Sender_withListen() throws Exception {
        try (SeedNamespace ns = ns()) {
            Proc listen = ns.udpkit("listen", "--bind", "127.0.0.1", "--port", "12345", "--payload-only", "--count", "2");
            listen.awaitErr("listening on udp");
            Proc py = ns.python("004_sender.py").type("first line").type("두 번째").type("q");
            assertEquals(0, py.awaitExit(), py::describe);
            assertTrue(py.out().contains("전송을 종료합니다."), py::describe);
            assertEquals(0, listen.awaitExit(), listen::describe);
            assertEquals("first line\n두 번째\n", listen.out(), listen::describe);
        }
    }

    @Test
    void seed004SenderOnce_withListen() throws Exception {
        assertSeedSendsHelloUdp("004_sender_once.py", "데이터를 전송했습니다.");
    }

    @Test
    void seed004SendWithRetry_withListen() throws Exception {
        assertSeedSendsHelloUdp("004_send_with_retry.py", "전송 성공: Hello, UDP!");
    }

    @Test
    void seed004SendMessage_withListen() throws Exception {
        assertSeedSendsHelloUdp("004_send_message.py", "전송 성공: Hello, UDP!");
    }

    private void assertSeedSendsHelloUdp(String seed, String seedSays) throws Exception {
        try (SeedNamespace ns = ns()) {
            Proc listen = ns.udpkit("listen", "--bind", "127.0.0.1", "--port", "12345", "--payload-only", "--count", "1");
            listen.awaitErr("listening on udp");
            Proc py = ns.python(seed);
            assertEquals(0, py.awaitExit(), py::describe);
            assertTrue(py.out().contains(seedSays), py::describe);
            assertEquals(0, listen.awaitExit(), listen::describe);
            assertEquals("Hello, UDP!\n", listen.out(), listen::describe);
        }
    }

    @Test
    void seed004Exercise1Server_withSend() throws Exception {
        try (SeedNamespace ns = ns()) {
            Proc py = ns.python("004_exercise1_server.py");
            py.awaitOut("서버가 시작되었습니다.");
            ns.awaitListening("udp", 12345);
            Proc send = ns.udpkit("send", "localhost:12345", "Hello, Server!");
            assertEquals(0, send.awaitExit(), send::describe);
            py.awaitOutMatching("수신 메시지: Hello, Server! from \\('127\\.0\\.0\\.1', \\d+\\)");
        }
    }

    @Test
    void seed004Exercise1Client_withListen() throws Exception {
        try (SeedNamespace ns = ns()) {
            Proc listen = ns.udpkit("listen", "--bind", "127.0.0.1", "--port", "12345", "--count", "1");
            listen.awaitErr("listening on udp");
            Proc py = ns.python("004_exercise1_client.py");
            assertEquals(0, py.awaitExit(), py::describe);
            assertEquals(0, listen.awaitExit(), listen::describe);
            assertTrue(listen.out().matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} 127\\.0\\.0\\.1:\\d+ Hello, Server!\n"),
                    listen::describe);
        }
    }

    // ---------------------------------------------------------------- seed 004: chat

    /**
     * Two copies of the seed's chat client and one {@code udpkit chat} member in one room on
     * {@code udpkit chat-server --plain}: every line reaches the other two, with the sender's name
     * and the server's time; a plain sender from a denied range is ignored. The Python clients name
     * themselves with {@code /nick}, typed as any line (the seed's exercise 4: user names and times).
     */
    @Test
    void seed004ChatClients_withChatServerPlain() throws Exception {
        try (SeedNamespace ns = ns()) {
            Proc server = ns.udpkit("chat-server", "--plain", "--bind", "127.0.0.1", "--port", "12345",
                    "--deny", "127.0.0.2/32");
            server.awaitOut("chat server listening on 127.0.0.1:12345");
            Proc alice = ns.python("004_chat_client.py");
            alice.awaitOut("채팅 클라이언트가 시작되었습니다.");
            alice.type("/nick alice");
            server.awaitOut("alice joined lobby");
            Proc bob = ns.python("004_chat_client.py");
            bob.type("/nick bob");
            server.awaitOut("bob joined lobby");
            Proc carol = ns.udpkit("chat", "127.0.0.1:12345", "--name", "carol");
            carol.awaitOut("* joined lobby as carol (3 members: alice, bob, carol)");
            alice.awaitOut("수신 메시지: * carol joined");

            // A plain sender from a denied address: never a member, never heard.
            Proc intruder = ns.command("intruder", "python3", "-c", "import socket\n"
                    + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                    + "s.bind(('127.0.0.2', 0))\n"
                    + "s.sendto('from a denied range'.encode(), ('127.0.0.1', 12345))\n");
            assertEquals(0, intruder.awaitExit(), intruder::describe);

            String time = "\\[\\d\\d:\\d\\d:\\d\\d\\] ";
            alice.type("hello from alice");
            bob.awaitOutMatching("수신 메시지: " + time + "alice: hello from alice\n");
            carol.awaitOutMatching(time + "alice: hello from alice\n");
            bob.type("안녕 from bob");
            alice.awaitOutMatching("수신 메시지: " + time + "bob: 안녕 from bob\n");
            carol.awaitOutMatching(time + "bob: 안녕 from bob\n");
            carol.type("hi both, carol here");
            alice.awaitOutMatching("수신 메시지: " + time + "carol: hi both, carol here\n");
            bob.awaitOutMatching("수신 메시지: " + time + "carol: hi both, carol here\n");

            for (Proc p : new Proc[] {alice, bob, carol}) {
                assertFalse(p.out().contains("from a denied range"), p::describe);
            }
            assertFalse(server.out().contains("from 127.0.0.2:"), server::describe);
            assertTrue(server.out().contains("except 127.0.0.2/32"), server::describe);
            assertFalse(alice.out().contains("수신 메시지: " + "hello from alice"), "never echoed to its sender");
            carol.type("/quit");
            assertEquals(0, carol.awaitExit(), carol::describe);
            alice.awaitOut("수신 메시지: * carol left");
        }
    }

    /** The seed's chat server relays between two {@code udpkit chat --plain} members. */
    @Test
    void seed004ChatServer_withChatPlain() throws Exception {
        try (SeedNamespace ns = ns()) {
            Proc server = ns.python("004_chat_server.py");
            server.awaitOut("채팅 서버가 시작되었습니다.");
            Proc a = ns.udpkit("chat", "--plain", "localhost:12345");
            Proc b = ns.udpkit("chat", "--plain", "localhost:12345");
            // The seed's server relays to the addresses it has heard from: both speak first.
            a.type("a is here");
            server.awaitOut("수신 메시지: a is here from");
            b.type("b is here, 안녕");
            a.awaitOut("b is here, 안녕\n");
            a.type("hello b");
            b.awaitOut("hello b\n");
            a.type("q");
            assertEquals(0, a.awaitExit(), a::describe);
        }
    }

    // ---------------------------------------------------------------- seed 004: Fernet

    /**
     * The seed's Fernet exercise, unchanged, makes a token that {@code udpkit listen
     * --fernet-key-file} opens. The exercise generates its key inside; the test hands it the
     * udpkit key file's key through {@code Fernet.generate_key}, the one thing the code reads from
     * outside. The seed's {@code print(f"...{ <line break> encrypted_message}")} is valid Python
     * only from 3.12 (PEP 701), so the test needs a Python 3.12+ with {@code cryptography}.
     */
    @Test
    void seed004Fernet_withListenFernetKeyFile() throws Exception {
        String python = SeedPythons.find312WithCryptography();
        Assumptions.assumeTrue(python != null, "the seed's Fernet exercise needs Python 3.12+ (its f-string spans "
                + "lines) with the cryptography package; none found here (" + SeedPythons.tried() + ")");
        try (SeedNamespace ns = ns()) {
            Proc keygen = ns.udpkit("keygen", "--out", dir.resolve("fernet.key").toString());
            assertEquals(0, keygen.awaitExit(), keygen::describe);
            String key = java.nio.file.Files.readString(dir.resolve("fernet.key")).strip();
            Proc py = ns.pythonWith(python, "004_fernet.py", "import cryptography.fernet\n"
                    + "cryptography.fernet.Fernet.generate_key = staticmethod(lambda: b'" + key + "')");
            assertEquals(0, py.awaitExit(), py::describe);
            assertTrue(py.out().contains("복호화된 메시지: Hello, UDP!"), py::describe);
            String token = py.out().replaceAll("(?s).*암호화된 메시지: b'([A-Za-z0-9_=-]+)'.*", "$1");
            Proc listen = ns.udpkit("listen", "--bind", "127.0.0.1", "--port", "12345", "--payload-only", "--count", "1",
                    "--fernet-key-file", dir.resolve("fernet.key").toString());
            listen.awaitErr("listening on udp");
            Proc send = ns.command("token", "python3", "-c", "import socket\n"
                    + "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'" + token + "', ('127.0.0.1', 12345))\n");
            assertEquals(0, send.awaitExit(), send::describe);
            assertEquals(0, listen.awaitExit(), listen::describe);
            assertEquals("Hello, UDP!\n", listen.out(), listen::describe);
        }
    }

}
