package io.github.udpkit.cli;

import io.github.udpkit.core.EndpointBuilder;
import picocli.CommandLine.Option;

/**
 * {@code --interface} and {@code --ttl}, the multicast settings of {@code send} and {@code listen}:
 * which interface groups are joined on and sent from, and how far a datagram to a group may go.
 * A picocli mixin; a bad value fails at once with one line naming it.
 */
final class MulticastOptions {

    @Option(names = "--interface", paramLabel = "NAME",
            description = "Network interface for multicast, e.g. eth0 (default: the first one up with multicast).")
    private String networkInterface;

    @Option(names = "--ttl", paramLabel = "HOPS",
            description = "How many routers a datagram to a group may cross: 0 stays on this host, 1 (the default) "
                    + "on the local network.")
    private Integer ttl;

    /** Applies the options that were given. */
    <T> EndpointBuilder<T> configure(EndpointBuilder<T> builder) {
        if (networkInterface != null) {
            builder.multicastInterface(networkInterface);
        }
        if (ttl != null) {
            builder.multicastTtl(ttl);
        }
        return builder;
    }
}
