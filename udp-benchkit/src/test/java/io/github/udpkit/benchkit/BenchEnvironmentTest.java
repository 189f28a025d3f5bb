package io.github.udpkit.benchkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The short JDK name every row shows, and the transport a row declares. */
class BenchEnvironmentTest {

    @Test
    void shouldNameADistributionThatNamesItself() {
        assertEquals("25 Temurin", BenchEnvironment.runtimeLabel(25, "Temurin-25.0.3+9", "OpenJDK 64-Bit Server VM",
                "Eclipse Adoptium"));
        assertEquals("21 Corretto", BenchEnvironment.runtimeLabel(21, "Corretto-21.0.5.11.1", "OpenJDK 64-Bit Server VM",
                "Amazon.com Inc."));
        assertEquals("17 Zulu", BenchEnvironment.runtimeLabel(17, "Zulu17.54+21-CA", "OpenJDK 64-Bit Server VM",
                "Azul Systems, Inc."));
    }

    @Test
    void shouldCallAPackagersBuildOpenJdk() {
        // Debian's OpenJDK 17 sets no java.vendor.version; its vendor is "Debian".
        assertEquals("17 OpenJDK", BenchEnvironment.runtimeLabel(17, null, "OpenJDK 64-Bit Server VM", "Debian"));
        assertEquals("17 OpenJDK", BenchEnvironment.runtimeLabel(17, "", "OpenJDK 64-Bit Server VM", "Private Build"));
        assertEquals("21 Oracle", BenchEnvironment.runtimeLabel(21, null, "Java HotSpot(TM) 64-Bit Server VM",
                "Oracle Corporation"));
        assertEquals("22 Acme", BenchEnvironment.runtimeLabel(22, null, "Other VM", "Acme JVMs Ltd"));
    }

    @Test
    void shouldStateThisJvmsFeatureVersion() {
        String runtime = BenchEnvironment.current().runtime();
        assertTrue(runtime.startsWith(Runtime.version().feature() + " "), runtime);
    }

    @Test
    void shouldDeclareATransportAndRejectABadName() {
        Scenario s = Scenario.throughput("x", "X", Scenario.Wait.BLOCKING, 64, c -> {
            throw new IllegalStateException("not opened");
        });
        assertEquals(Scenario.JDK_TRANSPORT, s.transport());
        Scenario tcp = s.withMaxDatagramBytes(100).withTransport("tcp").asLossless();
        assertEquals("tcp", tcp.transport(), "kept through the other copies");
        assertEquals(OptionalInt.of(100), tcp.maxDatagramBytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.withTransport("Netty NIO"));
        assertTrue(e.getMessage().contains("Netty NIO"), e.getMessage());
        assertEquals("tcp", Result.failed(tcp, "down").transport(), "a failed row shows its declared transport");
    }

    @Test
    void shouldTakeTheMeanDatagramSizeBetweenTwoCounts() {
        OneWay.DatagramCount before = new OneWay.DatagramCount(10, 1_000);
        assertEquals(1_500.0, new OneWay.DatagramCount(14, 7_000).meanBytesSince(before));
        assertTrue(Double.isNaN(before.meanBytesSince(before)), "no datagram in between: no mean");
        assertThrows(IllegalArgumentException.class, () -> new OneWay.DatagramCount(-1, 0));
    }
}
