package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.testing.Proc;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multicast and discovery from the command line, end to end, inside a network namespace the test
 * creates ({@link SeedNamespace}): nothing is sent on the machine's real interfaces. Where the
 * namespace cannot be created (not root), the tests are reported as aborted with the reason.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalNetworkTest {

    @TempDir
    Path dir;

    @Test
    void shouldDeliverToEveryListenerInAGroup() throws Exception {
        try (SeedNamespace ns = SeedNamespace.create(dir)) {
            List<Proc> listeners = List.of(
                    ns.udpkit("listen", "--group", "239.255.77.1", "--port", "5000", "--interface", "lo", "-P", "-n", "3"),
                    ns.udpkit("listen", "--group", "239.255.77.1", "--port", "5000", "--interface", "lo", "-P", "-n", "3"),
                    ns.udpkit("listen", "--group", "239.255.77.1", "--port", "5000", "--interface", "lo", "-P", "-n", "3"));
            for (Proc l : listeners) {
                l.awaitErr("in group 239.255.77.1");
            }
            Proc send = ns.udpkit("send", "--interface", "lo", "--ttl", "0", "239.255.77.1:5000", "one", "two", "three");
            assertEquals(0, send.awaitExit(), send::describe);
            for (Proc l : listeners) {
                assertEquals(0, l.awaitExit(), l::describe);
                assertEquals("one\ntwo\nthree\n", l.out(), l::describe);
            }
            Proc reliable = ns.udpkit("send", "--reliable", "239.255.77.1:5000", "x");
            assertEquals(2, reliable.awaitExit(), reliable::describe);
            assertTrue(reliable.err().startsWith("udpkit: 239.255.77.1:5000 is a multicast group: reliable delivery"),
                    reliable::describe);
            assertEquals(1, reliable.err().lines().count(), reliable::describe);
        }
    }

    @Test
    void shouldDiscoverAChatServerAndJoinIt() throws Exception {
        try (SeedNamespace ns = SeedNamespace.create(dir)) {
            Proc none = ns.udpkit("discover", "--interface", "lo", "--timeout", "300ms");
            assertEquals(1, none.awaitExit(), none::describe);
            assertEquals("udpkit: no server answered within 300ms\n", none.err(), none::describe);

            // Bound to every address: discovery gives the address the reply came from, which may be any
            // of the namespace's (the broadcast probe leaves by v0, 10.77.0.1).
            Proc server = ns.udpkit("chat-server", "--discoverable", "--discovery-name", "box", "--interface", "lo",
                    "--port", "12000");
            server.awaitOut("chat server listening");
            Proc discover = ns.udpkit("discover", "--interface", "lo", "--timeout", "1s");
            assertEquals(0, discover.awaitExit(), discover::describe);
            assertEquals("chat  box  127.0.0.1:12000  rooms: lobby\n", discover.out(), discover::describe);

            // By broadcast alone: the probe's group is one nobody joined.
            Proc broadcast = ns.udpkit("discover", "--group", "239.255.0.1", "--interface", "lo", "--timeout", "1s");
            assertEquals(0, broadcast.awaitExit(), broadcast::describe);
            assertTrue(broadcast.out().matches("chat  box  (127\\.0\\.0\\.1|10\\.77\\.0\\.1):12000  rooms: lobby\n"),
                    broadcast::describe);

            Proc dora = ns.udpkit("chat", "--discover", "--interface", "lo", "--timeout", "1s", "--name", "dora");
            dora.awaitOut("* joined lobby as dora");
            dora.type("hello, found you").endInput();
            assertEquals(0, dora.awaitExit(), dora::describe);
            assertTrue(dora.err().contains("* found chat  box  127.0.0.1:12000"), dora::describe);
            server.awaitOut("dora joined lobby");

            Proc second = ns.udpkit("chat-server", "--discoverable", "--discovery-name", "other", "--interface", "lo",
                    "--port", "12001");
            second.awaitOut("chat server listening");
            Proc ambiguous = ns.udpkit("chat", "--discover", "--interface", "lo", "--timeout", "1s", "--name", "eve");
            assertEquals(1, ambiguous.awaitExit(), ambiguous::describe);
            String err = ambiguous.err();
            assertTrue(err.contains("chat  box  127.0.0.1:12000") && err.contains("chat  other  127.0.0.1:12001"),
                    ambiguous::describe);
            assertTrue(err.contains("udpkit: 2 chat servers answered; choose one"), ambiguous::describe);
        }
    }

    /**
     * Over real sockets: a probe too small for any reply gets none, a reply never exceeds its probe,
     * and a burst of probes from one source gets the per-source burst of answers (2), no more.
     */
    @Test
    void shouldNeverAnswerWithMoreThanTheProbe() throws Exception {
        try (SeedNamespace ns = SeedNamespace.create(dir)) {
            Proc server = ns.udpkit("chat-server", "--discoverable", "--discovery-name", "box", "--interface", "lo",
                    "--bind", "127.0.0.1", "--port", "12000");
            server.awaitOut("chat server listening");
            String script = String.join("\n",
                    "import socket, struct",
                    "def probe(nonce, size):",
                    "    return b'ukDP' + bytes([1, 1]) + struct.pack('>Q', nonce) + bytes(size - 14)",
                    "def ask(size, count=1):",
                    "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                    "    s.settimeout(0.5)",
                    "    for i in range(count):",
                    "        s.sendto(probe(i, size), ('127.0.0.1', 42099))",
                    "    sizes = []",
                    "    try:",
                    "        while True:",
                    "            sizes.append(len(s.recv(2048)))",
                    "    except socket.timeout:",
                    "        pass",
                    "    print(size, count, sizes, flush=True)",
                    "ask(14)",
                    "ask(28)",
                    "ask(512, 20)",
                    "");
            Proc py = ns.command("prober", "python3", "-c", script);
            assertEquals(0, py.awaitExit(), py::describe);
            String[] lines = py.out().split("\n");
            assertEquals("14 1 []", lines[0], py::describe);
            assertEquals("28 1 [27]", lines[1], py::describe);
            // 20 probes at once from one source: the per-source limit (2 a second) lets a few through,
            // how many depending on how long the earlier probes took; the exact count is checked under
            // virtual time in DiscoveryResponderTest. Each reply is the 33-byte one.
            assertTrue(lines[2].matches("512 20 \\[33(, 33){0,3}]"), py::describe);
        }
    }
}
