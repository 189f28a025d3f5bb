package io.github.udpkit.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Resolving and printing socket addresses the way the command shows them: {@code 127.0.0.1:12000}, {@code [::1]:12000}. */
final class Addresses {

    private Addresses() {
    }

    /**
     * Resolves a host name or address literal.
     *
     * @throws CliException naming the host if it cannot be resolved
     */
    static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new CliException("unknown host: " + host, e);
        }
    }

    /** An address as {@code host:port}, IPv6 in brackets, without the JDK's {@code name/} prefix: as udp-core's events say it. */
    static String format(InetSocketAddress address) {
        return io.github.udpkit.core.Addresses.format(address);
    }
}
