package io.github.udpkit.cli;

import io.github.udpkit.api.Endpoint;
import io.github.udpkit.api.UdpIoException;
import io.github.udpkit.core.EndpointBuilder;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Locale;

/** Opens endpoints and server sockets for the commands, turning bind failures into one clear line. */
final class Endpoints {

    private Endpoints() {
    }

    /**
     * Opens an endpoint bound to {@code bind}.
     *
     * @throws CliException if the port is in use or the address cannot be bound
     */
    static <T> Endpoint<T> open(EndpointBuilder<T> builder, InetSocketAddress bind) {
        try {
            return builder.open();
        } catch (UdpIoException e) {
            if (e.getCause() instanceof BindException bindError) {
                throw bindFailed("udp", bind, bindError);
            }
            throw e;
        }
    }

    /** The error for a failed bind: "port 12000 is already in use (udp 0.0.0.0:12000)" or the system's reason. */
    static CliException bindFailed(String protocol, InetSocketAddress bind, IOException cause) {
        String reason = String.valueOf(cause.getMessage());
        if (reason.toLowerCase(Locale.ROOT).contains("in use")) {
            return new CliException("port " + bind.getPort() + " is already in use (" + protocol + " "
                    + Addresses.format(bind) + ")", cause);
        }
        return new CliException("cannot bind " + protocol + " " + Addresses.format(bind) + ": " + reason, cause);
    }

    /** Any local address and port, of the family that can reach {@code peer}. */
    static InetSocketAddress wildcardFor(InetSocketAddress peer) {
        return new InetSocketAddress(peer.getAddress() instanceof Inet6Address ? "::" : "0.0.0.0", 0);
    }

    /** The address to bind: {@code bind} resolved, or the wildcard address when it is {@code null}. */
    static InetSocketAddress bindAddress(String bind, int port) {
        return bind == null ? new InetSocketAddress(port) : new InetSocketAddress(Addresses.resolve(bind), port);
    }
}
