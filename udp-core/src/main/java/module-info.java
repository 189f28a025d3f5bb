/**
 * The udpkit implementation: the fluent entry point {@link io.github.udpkit.core.Udp}, the sans-I/O
 * protocol engine, the wire format, the socket driver, security and discovery.
 *
 * <p>Exported: the entry point, the protocol engine and its configuration (simulations drive the
 * engine directly), the endpoint settings and impairments of the socket driver, security (keys,
 * identities, filters, signatures), DTLS and discovery. Not exported: {@code io.github.udpkit.core.wire},
 * the engine's allocation-free reader and writer, whose contract is {@code docs/PROTOCOL.md} and
 * which no exported signature names; and {@code io.github.udpkit.core.internal}. The simulated
 * network, {@code io.github.udpkit.core.simulation}, is exported to udp-testkit alone, which
 * publishes it as {@code SimulatedNetwork}.
 *
 * @since 0.1.0
 */
// udp-benchkit and udp-testkit, the targets of the qualified exports below, are built after this
// module, so javac cannot find them here and would warn ("module not found"): that is expected,
// and -Werror must not fail on it.
@SuppressWarnings("module")
module io.github.udpkit.core {
    requires transitive io.github.udpkit.api;
    requires com.google.common;
    requires org.slf4j;
    // The endpoint's Flight Recorder events; in every JDK since 11.
    requires jdk.jfr;

    exports io.github.udpkit.core;
    exports io.github.udpkit.core.discovery;
    exports io.github.udpkit.core.dtls;
    exports io.github.udpkit.core.protocol;
    exports io.github.udpkit.core.security;
    exports io.github.udpkit.core.transport;
    // The batched Linux socket, measured bare by udp-benchkit's "raw GSO+GRO (FFM)" row: not API.
    exports io.github.udpkit.core.internal.linux to io.github.udpkit.benchkit;
    // The simulated network: one implementation, which udp-core's engine tests drive and
    // udp-testkit publishes behind its SimulatedNetwork facade. Not API, so udp-testkit alone reads it.
    exports io.github.udpkit.core.simulation to io.github.udpkit.testkit;
}
