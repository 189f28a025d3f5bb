package io.github.udpkit.cli;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.net.HostAndPort;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A destination given on the command line as {@code HOST:PORT} ({@code [::1]:12000} for IPv6),
 * parsed with Guava's {@link HostAndPort} and resolved only when used.
 */
record HostPort(String host, int port) {

    HostPort {
        Objects.requireNonNull(host, "host");
        checkArgument(!host.isEmpty(), "host must not be empty");
        checkArgument(port >= 1 && port <= 65535, "port must be in 1..65535: %s", port);
    }

    /**
     * Parses {@code HOST:PORT}.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    static HostPort parse(String text) {
        Objects.requireNonNull(text, "text");
        HostAndPort hp;
        try {
            hp = HostAndPort.fromString(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (" + e.getMessage() + ")", e);
        }
        if (!hp.hasPort()) {
            String hint = hp.getHost().indexOf(':') >= 0 ? "; write an IPv6 address in brackets, e.g. [::1]:12000" : "";
            throw new IllegalArgumentException("'" + text + "' has no port: expected HOST:PORT, e.g. localhost:12000" + hint);
        }
        if (hp.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' has no host: expected HOST:PORT, e.g. localhost:12000");
        }
        if (hp.getPort() == 0) {
            throw new IllegalArgumentException("port must be in 1..65535: 0 (in '" + text + "')");
        }
        return new HostPort(hp.getHost(), hp.getPort());
    }

    /**
     * Resolves the host now.
     *
     * @throws CliException if the host cannot be resolved
     */
    InetSocketAddress resolve() {
        return new InetSocketAddress(Addresses.resolve(host), port);
    }

    @Override
    public String toString() {
        return HostAndPort.fromParts(host, port).toString();
    }
}
