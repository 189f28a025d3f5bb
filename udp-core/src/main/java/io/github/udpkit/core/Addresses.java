package io.github.udpkit.core;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Resolves and checks socket addresses the way every udpkit entry point reports mistakes: the
 * endpoint builder, the chat server and client, discovery. Public so that modules built on udp-core
 * (udp-chat, an application's own builders) report a bad port or an unknown host in the same words.
 *
 * @since 0.1.0
 */
public final class Addresses {
    private static final InetAddress IPV4_LOOPBACK = InetAddresses.forString("127.0.0.1");
    private static final InetAddress IPV6_LOOPBACK = InetAddresses.forString("::1");

    private Addresses() {
    }

    /**
     * Checks a port a socket may bind: 0 (any free port) to 65535.
     *
     * @param port the port
     * @return the port
     */
    public static int checkBindPort(int port) {
        checkArgument(port >= 0 && port <= 65535, "port must be in 0..65535: %s", port);
        return port;
    }

    /**
     * Checks a port a datagram may be sent to: 1 to 65535.
     *
     * @param port the port
     * @return the port
     */
    public static int checkPeerPort(int port) {
        checkArgument(port >= 1 && port <= 65535, "port must be in 1..65535: %s", port);
        return port;
    }

    /**
     * Resolves a host name or literal now.
     *
     * @param host the host
     * @param port the port, already checked
     * @return the resolved address
     * @throws IllegalArgumentException naming the host if it cannot be resolved
     */
    public static InetSocketAddress resolve(String host, int port) {
        Objects.requireNonNull(host, "host");
        checkArgument(!host.isBlank(), "host must not be blank: '%s'", host);
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return new InetSocketAddress(InetAddress.getByName(bare), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host: " + host, e);
        }
    }

    /**
     * Checks that a peer address is resolved and has a usable port.
     *
     * @param address the address
     * @return the address
     */
    public static InetSocketAddress checkPeer(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        checkArgument(!address.isUnresolved(), "address is unresolved: %s", address);
        checkPeerPort(address.getPort());
        return address;
    }

    /**
     * An address as people write it: {@code 127.0.0.1:12000}, {@code [::1]:12000}, without the
     * JDK's {@code name/} prefix; an unresolved address by its host name.
     *
     * @param address the address
     * @return host and port
     */
    public static String format(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        String host = address.isUnresolved() ? address.getHostString() : InetAddresses.toAddrString(address.getAddress());
        return HostAndPort.fromParts(host, address.getPort()).toString();
    }

    /**
     * The address to send to from a socket bound to {@code local}. A wildcard destination
     * ({@code 0.0.0.0:port} or {@code [::]:port}, what a server bound to all interfaces reports as
     * its address) means this host: it becomes the loopback address the socket can reach, so that
     * the peer's answers (which come from the loopback address) belong to the same conversation. A
     * destination of a family the socket cannot send to is refused at once.
     *
     * @param peer the destination, resolved
     * @param local the sending socket's bound address
     * @return the address to send to
     * @throws IllegalArgumentException for an IPv6 destination from a socket bound to an IPv4
     *     address, or an IPv4 one from a socket bound to an IPv6 address
     */
    public static InetSocketAddress forSending(InetSocketAddress peer, InetSocketAddress local) {
        InetAddress to = peer.getAddress();
        InetAddress from = local.getAddress();
        boolean ipv4Only = from instanceof Inet4Address;
        boolean ipv6Only = from instanceof Inet6Address && !from.isAnyLocalAddress();
        if (to.isAnyLocalAddress()) {
            return new InetSocketAddress(ipv6Only ? IPV6_LOOPBACK : IPV4_LOOPBACK, peer.getPort());
        }
        checkArgument(!(ipv4Only && to instanceof Inet6Address),
                "cannot send to IPv6 address %s from an endpoint bound to the IPv4 address %s: bind an IPv6 or the "
                        + "wildcard address", peer, local);
        checkArgument(!(ipv6Only && to instanceof Inet4Address),
                "cannot send to IPv4 address %s from an endpoint bound to the IPv6 address %s: bind an IPv4 or the "
                        + "wildcard address", peer, local);
        return peer;
    }

    /**
     * Whether many receive what is sent to an address, so that no one peer answers for it: a
     * multicast group, or the limited broadcast address {@code 255.255.255.255}.
     *
     * @param address the address
     * @return whether it is a group
     */
    public static boolean isGroup(InetAddress address) {
        if (address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        return b.length == 4 && (b[0] & b[1] & b[2] & b[3]) == (byte) 0xFF;
    }
}
