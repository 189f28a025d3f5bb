/**
 * Test helpers for udpkit: the seeded simulated network, its JUnit extension, the lossy proxy and
 * network namespaces for multicast tests.
 *
 * @since 0.1.0
 */
module io.github.udpkit.testkit {
    requires transitive io.github.udpkit.core;
    // SimulationSeedExtension is a JUnit extension: its interfaces are part of this module's API.
    requires transitive org.junit.jupiter.api;
    requires com.google.common;
    requires org.slf4j;

    exports io.github.udpkit.testkit;
}
