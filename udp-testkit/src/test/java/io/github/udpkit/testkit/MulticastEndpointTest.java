package io.github.udpkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.Udp;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Multicast groups on real sockets, inside a network namespace the test creates (so no datagram
 * reaches the machine's real interfaces; sent with TTL 0 besides): every member of a group gets
 * every datagram, a member that left gets none, and a reliable send to a group fails at once.
 * Where the namespace cannot be created (not root), the tests are reported as aborted.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MulticastEndpointTest {

    private static final int COUNT = 20;

    /**
     * IPv4 and IPv6, each mode that multicast carries. IPv6 rows do not check the member that left:
     * Linux delivers an IPv6 group's datagrams to every socket bound to the port while any socket
     * on the host is still a member ({@code IPV6_MULTICAST_ALL}, which the JDK cannot turn off,
     * where for IPv4 it turns {@code IP_MULTICAST_ALL} off); the README says so.
     */
    @ParameterizedTest(name = "{2} to {0} on {1}")
    @CsvSource({
        "239.255.77.1, lo, RAW, true",
        "239.255.77.1, lo, UNRELIABLE, true",
        "239.255.77.1, lo, SEQUENCED, true",
        "ff15::7755, v0, RAW, false",
        "ff15::7755, v0, UNRELIABLE, false",
    })
    void shouldDeliverToEveryMemberAndNoneToOneThatLeft(String group, String nif, DeliveryMode mode,
                                                        boolean leaverIsolated) throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            Process p = ns.java(MulticastScenario.class, group, nif, mode.name(), String.valueOf(COUNT))
                    .redirectErrorStream(true).start();
            String out;
            try {
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "scenario did not end within 60 s");
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                p.destroyForcibly();
            }
            assertEquals(0, p.exitValue(), out);
            List<String> lines = out.lines().toList();
            String all = numbers(0, COUNT);
            String later = numbers(COUNT, 2 * COUNT);
            assertTrue(lines.contains("r1 phase1 " + all), out);
            assertTrue(lines.contains("r2 phase1 " + all), out);
            assertTrue(lines.contains("r3 phase1 " + all), out);
            assertTrue(lines.contains("left []"), out);
            assertTrue(lines.contains("r1 phase2 " + later), out);
            assertTrue(lines.contains("r2 phase2 " + later), out);
            if (leaverIsolated) {
                assertTrue(lines.contains("r3 phase2 -"), "a member that left got datagrams: " + out);
            }
            if (mode == DeliveryMode.RAW) {
                assertTrue(lines.contains("reliable refused: a RAW endpoint cannot send RELIABLE: open the endpoint "
                        + "in a framed mode"), out);
            } else {
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("reliable refused: RELIABLE delivery to ")
                        && l.contains("reliable multicast is out of scope")), out);
            }
        }
    }

    private static String numbers(int from, int to) {
        return IntStream.range(from, to).mapToObj(String::valueOf).collect(Collectors.joining(","));
    }

    @Test
    void shouldRefuseReliableSendsToAGroupAtOnce() {
        // Refused before anything is sent, so this needs no namespace.
        try (Endpoint<String> ep = Udp.endpoint(Codecs.utf8()).mode(DeliveryMode.RELIABLE).bind("127.0.0.1", 0).open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ep.send("x").to("239.255.77.1", 9));
            assertTrue(e.getMessage().contains("reliable multicast is out of scope"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> ep.send("x").mode(DeliveryMode.RELIABLE_UNORDERED).to("255.255.255.255", 9));
            assertEquals(0, ep.stats().datagramsSent());
        }
    }

    @Test
    void shouldRefuseBadGroupsAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Udp.endpoint(Codecs.utf8()).joinGroup("10.1.2.3"));
        assertTrue(e.getMessage().contains("not a multicast address: 10.1.2.3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Udp.endpoint(Codecs.utf8()).joinGroup("239.1.1.1").joinGroup("ff15::1"));
        assertTrue(e.getMessage().contains("one address family"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Udp.endpoint(Codecs.utf8()).multicastTtl(256));
        e = assertThrows(IllegalArgumentException.class, () -> Udp.endpoint(Codecs.utf8()).multicastInterface("nosuch0"));
        assertTrue(e.getMessage().contains("no network interface called nosuch0"), e.getMessage());
        try (Endpoint<String> ep = Udp.endpoint(Codecs.utf8()).bind("127.0.0.1", 0).open()) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> ep.joinGroup(java.net.InetAddress.getByName("ff15::1")));
            assertTrue(e.getMessage().contains("IPv4 socket"), e.getMessage());
        }
    }
}
