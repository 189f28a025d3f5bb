package io.github.udpkit.core.transport;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The multicast groups one endpoint's socket has joined, and the interface each is joined on.
 * Safe to call from any thread: the groups are guarded by this object's lock.
 */
final class Memberships {

    /** Logged under the endpoint's name, where users look for what their endpoint did. */
    private static final Logger LOG = LoggerFactory.getLogger(DatagramEndpoint.class);

    /** The socket's channel, or null on a transport that has none (and so cannot join groups). */
    private final DatagramChannel channel;
    private final String transport;
    private final InetSocketAddress localAddress;
    /** The interface chosen in the settings, or null to pick one per group. */
    private final NetworkInterface chosen;
    /** Groups joined, in join order; guarded by this. */
    private final Map<InetAddress, MembershipKey> joined = new LinkedHashMap<>();

    Memberships(DatagramChannel channel, String transport, InetSocketAddress localAddress, NetworkInterface chosen) {
        this.channel = channel;
        this.transport = transport;
        this.localAddress = localAddress;
        this.chosen = chosen;
    }

    /** Joins the group unless it is joined already; caller mistakes throw IllegalArgumentException. */
    void join(InetAddress group) throws IOException {
        checkArgument(group.isMulticastAddress(), "not a multicast address: %s", group.getHostAddress());
        checkArgument(!(group instanceof Inet6Address) || localAddress.getAddress() instanceof Inet6Address,
                "cannot join IPv6 group %s on the IPv4 socket %s", group.getHostAddress(), localAddress);
        // The batched transport is chosen only for endpoints that configure no multicast; one that
        // joins later must say so when it is built.
        checkState(channel != null, "endpoint %s runs on the %s transport, which cannot join group %s: "
                + "name the groups in the builder, or turn batched I/O off with batchedIo(false)",
                localAddress, transport, group.getHostAddress());
        synchronized (this) {
            if (joined.containsKey(group)) {
                return;
            }
            NetworkInterface nif = multicastInterface(group);
            MembershipKey membership;
            try {
                membership = channel.join(group, nif);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot join group " + group.getHostAddress() + " on " + localAddress
                        + ": " + e.getMessage(), e);
            }
            joined.put(group, membership);
            LOG.debug("endpoint {} joined group {} on {}", localAddress, group.getHostAddress(), nif.getName());
        }
    }

    /** Leaves the group; a group not joined is no mistake. */
    synchronized void leave(InetAddress group) {
        MembershipKey membership = joined.remove(group);
        if (membership != null) {
            membership.drop();
            LOG.debug("endpoint {} left group {}", localAddress, group.getHostAddress());
        }
    }

    /** The groups joined, in join order, as an unmodifiable copy. */
    synchronized Set<InetAddress> groups() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(joined.keySet()));
    }

    /** The interface groups are joined on: the one chosen, else the first up one with multicast and the group's family. */
    private NetworkInterface multicastInterface(InetAddress group) throws IOException {
        if (chosen != null) {
            return chosen;
        }
        NetworkInterface fallback = null;
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || !nif.supportsMulticast() || !hasFamily(nif, group)) {
                continue;
            }
            if (!nif.isLoopback()) {
                return nif;
            }
            if (fallback == null) {
                fallback = nif;
            }
        }
        if (fallback == null) {
            throw new IOException("no network interface is up with multicast and an address for "
                    + group.getHostAddress() + "; choose one with multicastInterface(name)");
        }
        return fallback;
    }

    private static boolean hasFamily(NetworkInterface nif, InetAddress group) {
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
            if (a.getClass() == group.getClass()) {
                return true;
            }
        }
        return false;
    }
}
