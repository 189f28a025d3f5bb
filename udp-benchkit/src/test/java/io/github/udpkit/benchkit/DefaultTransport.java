package io.github.udpkit.benchkit;

import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.Udp;

/** What the tests expect a udpkit row to report as its transport on the JVM they run on. */
final class DefaultTransport {
    private DefaultTransport() {
    }

    /**
     * The transport an endpoint opened with the defaults runs on here: {@code "jdk"}, or on Linux
     * with JDK 22+ and native access the batched one, which names itself.
     *
     * @return its name, as {@code Endpoint.transport()} gives it
     */
    static String ofEndpoints() {
        try (Endpoint<byte[]> probe = Udp.endpoint(Codecs.bytes()).bind(Loopback.anyPort()).open()) {
            return probe.transport();
        }
    }
}
