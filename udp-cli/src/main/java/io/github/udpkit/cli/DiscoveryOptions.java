package io.github.udpkit.cli;

import io.github.udpkit.core.discovery.Discoverer;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How {@code udpkit discover} and {@code udpkit chat --discover} look for servers: where probes go
 * (the discovery group and the broadcast address, on the discovery port) and how long replies are
 * waited for. A picocli mixin.
 */
public final class DiscoveryOptions {

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "How long to wait for answers (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = "--group", paramLabel = "ADDR", defaultValue = Discoverer.IPV4_GROUP,
            description = "The discovery group probes go to (default: ${DEFAULT-VALUE}; IPv6: " + Discoverer.IPV6_GROUP
                    + " with --interface).")
    private String group;

    @Option(names = "--discovery-port", paramLabel = "PORT", defaultValue = "" + Discoverer.PORT,
            converter = Converters.PortConverter.class,
            description = "The discovery port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--broadcast", paramLabel = "ADDR", defaultValue = Discoverer.BROADCAST,
            description = "Also probe this broadcast address, 'none' for no broadcast (default: ${DEFAULT-VALUE}).")
    private String broadcast;

    @Option(names = "--interface", paramLabel = "NAME",
            description = "The network interface multicast probes leave by (default: chosen by the system's routes).")
    private String networkInterface;

    /** Creates the options; picocli sets them. */
    public DiscoveryOptions() {
    }

    /**
     * Probes and waits.
     *
     * @return the servers that answered
     * @throws IllegalArgumentException for a bad option value
     */
    public List<Discoverer.Found> discover() {
        if (port == 0) {
            throw new IllegalArgumentException("--discovery-port must be in 1..65535: 0");
        }
        Discoverer.Builder b = Discoverer.builder().timeout(timeout).target(group, port);
        if (!broadcast.equalsIgnoreCase("none")) {
            b.target(broadcast, port);
        }
        if (networkInterface != null) {
            b.multicastInterface(networkInterface);
        }
        return b.discover();
    }

    /**
     * How long answers are waited for.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * One line for a server found: {@code SERVICE NAME HOST:PORT rooms: a, b}.
     *
     * @param found the server
     * @return the line
     */
    public static String format(Discoverer.Found found) {
        List<String> rooms = found.announcement().rooms();
        return found.announcement().service() + "  " + Console.escape(found.announcement().name()) + "  "
                + Addresses.format(found.address())
                + (rooms.isEmpty() ? "" : "  rooms: " + Console.escape(String.join(", ", rooms))
                        + (found.roomsTruncated() ? ", ..." : ""));
    }
}
